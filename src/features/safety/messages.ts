import { defineMessages } from '../../core/i18n/index.ts';

/*
 * /safety in plain words. What quick exit does to the browser history depends on JavaScript
 * (public/quick-exit.js): these sentences must say exactly what holds in each case, and
 * test/e2e/quick-exit-history.e2e.test.ts checks both.
 */
export const { t } = defineMessages('safety', {
  en: {
    title: 'Staying safe on this site',
    description: 'What quick exit can and cannot hide, and how to browse more safely.',
    otherLanguage: 'Français',
    quickExit: 'Quick exit',
    quickExitHow:
      'Every page has an “Exit this page” button. You can also press the Shift key three times within five seconds. Either way, the page goes blank at once and your browser opens an everyday website in its place.',
    historyTitle: 'Quick exit and the back button',
    withScript:
      'With JavaScript on (as it is in most browsers): moving around this site by its links and search boxes does not add pages to your tab’s back-button list; your whole visit takes one place in it. Quick exit replaces that place with the everyday website, so pressing Back goes to the page you were on before this site, not to any page of it.',
    sentForms:
      'Sending a form that saves something (a comment, a suggestion, a pledge) still adds the page that answers it to the back-button list; leave with quick exit afterwards and Back can show that page.',
    withoutScript:
      'With JavaScript off: each page of this site you open is its own place in the back-button list. Quick exit still opens the everyday website, but pressing Back shows the last page of this site you were on, and the one before it. If your browser has JavaScript off, use a private window (see below).',
    cannotHide: 'What quick exit cannot hide',
    historyList:
      'Your browser history (the list of sites you visited, in your browser’s settings) still lists the pages you opened here, with or without JavaScript. Quick exit cannot delete history: only you can.',
    watching: 'Someone watching your screen, or software installed on your device to monitor it.',
    network: 'Records kept by your internet provider, your employer’s network or a shared Wi-Fi network.',
    saferTitle: 'Browsing more safely',
    privateWindow:
      'Use a private or incognito window: when you close it, the browser forgets the pages you opened in it, and the back button too.',
    clearHistory:
      'Clear your history afterwards if you cannot use a private window; remove only the entries for this site if a gap would be noticed.',
    trustedDevice:
      'Use a device and a connection you trust, such as a library computer, a friend’s phone or mobile data.',
    tor: 'The Tor Browser hides which sites you visit from your network.',
    keepsTitle: 'What this site keeps',
    keeps:
      'This site runs no analytics and loads nothing from other websites. It does not record your IP address or which browser you use. If you start a training course, the site keeps your progress under your code, and nothing else about you. Comments, pledges and suggestions keep only what you type in them.',
    storedTitle: 'What each page stores in your browser',
    storedLead:
      'This is everything this site leaves in your browser, and when. Your browser also keeps its own history of the pages you open: see the next section.',
    colAction: 'What you do',
    colStored: 'What stays in your browser',
    colLifetime: 'For how long',
    flowReading: 'Reading posts, the directory and its listings, campaigns, or this page',
    flowSearching: 'Searching posts or the directory',
    flowPledging: 'Adding a pledge, saying “me too”, writing a comment or suggesting a listing',
    flowCourse: 'Starting a training course, or continuing one with your progress code',
    flowCourseRemembered: 'The same, with “Remember me on this device for 30 days” ticked',
    flowReflection: 'Writing a reflection note in a lesson',
    flowStaff: 'Logging in as staff',
    noteNothing: 'Nothing.',
    noteSearching:
      'Nothing from this site. Your search words and the place you typed are in the page address, so your browser history keeps them (see below).',
    noteCourse:
      'One cookie holding your progress code, sent only to the training pages. It goes when you close the browser (every window of it) or press “Forget this device”. A browser set to reopen your last tabs may keep it longer: press “Forget this device” when you finish.',
    noteCourseRemembered: 'The same cookie, kept on this device for 30 days unless you press “Forget this device”.',
    noteReflection:
      'Your note, in this browser’s local storage (one entry per question), never sent to the site. It stays until you press “Delete my notes from this browser” or “Forget this device”, or clear this site’s data in your browser.',
    noteStaff: 'One cookie for the staff session, until logging out or for 12 hours at most.',
    kindCookie: 'cookie',
    kindLocal: 'local storage',
    lifeSession: 'until the browser closes',
    lifeDays: '{days} days',
    lifeHours: '{hours} hours',
    lifeUntilDeleted: 'until you delete it',
    lifeNothing: '—',
    addressTitle: 'Your searches and the address bar',
    addressText:
      'When you search posts or the directory, your words and the place you type become part of the page address (for example …/resources?q=legal&near=Leeds). This site keeps no record of them, but your browser’s history does, and the address bar may suggest them to the next person who types there.',
    clearTitle: 'Removing this site from your browser',
    clearChrome:
      'Chrome and Edge on a computer: press Ctrl+H (⌘+Y on a Mac) to open the history, tick the pages of this site and choose Delete.',
    clearFirefox:
      'Firefox: press Ctrl+Shift+H (⌘+Shift+H on a Mac), right-click a page of this site and choose “Forget About This Site”: its history, cookies and notes all go.',
    clearSafari:
      'Safari on a Mac: History menu, Show All History, select the pages and press Delete. On an iPhone or iPad: tap the Bookmarks button, then the clock, and swipe left on each page.',
    clearAndroid:
      'Chrome on Android: menu ⋮, History, then × beside each page of this site. Samsung Internet: menu ☰, History, then Edit.',
    clearSuggestion:
      'To remove one suggestion from the address bar, highlight it with the arrow keys and press Shift+Delete (Shift+Fn+Delete on a Mac).',
    clearData:
      'Deleting history does not always delete cookies and local storage: in the same settings, also choose “Cookies and site data”, or press “Forget this device” on the training pages.',
    privateStored:
      'In a private window, the training cookie and your reflection notes are deleted when you close the last private window, even if you ticked “Remember me”.',
  },
  fr: {
    title: 'Rester en sécurité sur ce site',
    description: 'Ce que la sortie rapide peut cacher ou non, et comment naviguer plus sûrement.',
    otherLanguage: 'English',
    quickExit: 'Sortie rapide',
    quickExitHow:
      'Chaque page a un bouton « Quitter cette page ». Vous pouvez aussi appuyer trois fois sur la touche Maj en moins de cinq secondes. Dans les deux cas, la page devient blanche aussitôt et votre navigateur ouvre à sa place un site de tous les jours.',
    historyTitle: 'La sortie rapide et le bouton Retour',
    withScript:
      'Avec JavaScript activé (c’est le cas dans la plupart des navigateurs) : passer d’une page à l’autre de ce site par ses liens et ses champs de recherche n’ajoute pas de pages à la liste du bouton Retour de votre onglet ; toute votre visite n’y occupe qu’une place. La sortie rapide remplace cette place par le site de tous les jours : le bouton Retour ramène à la page où vous étiez avant ce site, jamais à l’une de ses pages.',
    sentForms:
      'Envoyer un formulaire qui enregistre quelque chose (un commentaire, une suggestion, un engagement) ajoute encore la page de réponse à la liste du bouton Retour ; si vous partez ensuite par la sortie rapide, Retour peut afficher cette page.',
    withoutScript:
      'Avec JavaScript désactivé : chaque page de ce site que vous ouvrez occupe sa propre place dans la liste du bouton Retour. La sortie rapide ouvre toujours le site de tous les jours, mais le bouton Retour affiche la dernière page de ce site que vous avez vue, puis celle d’avant. Si JavaScript est désactivé dans votre navigateur, utilisez une fenêtre de navigation privée (voir plus bas).',
    cannotHide: 'Ce que la sortie rapide ne peut pas cacher',
    historyList:
      'L’historique de votre navigateur (la liste des sites visités, dans ses réglages) garde les pages ouvertes ici, avec ou sans JavaScript. La sortie rapide ne peut pas effacer l’historique : vous seul·e le pouvez.',
    watching: 'Une personne qui regarde votre écran, ou un logiciel installé sur votre appareil pour le surveiller.',
    network: 'Les traces gardées par votre fournisseur d’accès, le réseau de votre employeur ou un Wi-Fi partagé.',
    saferTitle: 'Naviguer plus sûrement',
    privateWindow:
      'Utilisez une fenêtre de navigation privée : quand vous la fermez, le navigateur oublie les pages que vous y avez ouvertes, et le bouton Retour aussi.',
    clearHistory:
      'Effacez votre historique ensuite si vous ne pouvez pas utiliser de fenêtre privée ; n’effacez que les entrées de ce site si un trou risque de se remarquer.',
    trustedDevice:
      'Utilisez un appareil et une connexion de confiance : l’ordinateur d’une bibliothèque, le téléphone d’une amie, les données mobiles.',
    tor: 'Le navigateur Tor cache à votre réseau les sites que vous visitez.',
    keepsTitle: 'Ce que ce site garde',
    keeps:
      'Ce site ne fait aucune mesure d’audience et ne charge rien depuis d’autres sites. Il n’enregistre ni votre adresse IP ni votre navigateur. Si vous commencez une formation, le site garde votre progression sous votre code, et rien d’autre sur vous. Les commentaires, engagements et suggestions ne gardent que ce que vous y écrivez.',
    storedTitle: 'Ce que chaque page garde dans votre navigateur',
    storedLead:
      'Voici tout ce que ce site laisse dans votre navigateur, et quand. Votre navigateur garde aussi son propre historique des pages ouvertes : voir la section suivante.',
    colAction: 'Ce que vous faites',
    colStored: 'Ce qui reste dans votre navigateur',
    colLifetime: 'Pour combien de temps',
    flowReading: 'Lire les articles, l’annuaire et ses fiches, les campagnes ou cette page',
    flowSearching: 'Chercher dans les articles ou l’annuaire',
    flowPledging: 'Ajouter un engagement, dire « moi aussi », écrire un commentaire ou suggérer une fiche',
    flowCourse: 'Commencer une formation, ou la reprendre avec votre code de progression',
    flowCourseRemembered: 'La même chose, avec « Se souvenir de moi sur cet appareil pendant 30 jours » coché',
    flowReflection: 'Écrire une note de réflexion dans une leçon',
    flowStaff: 'Se connecter comme membre de l’équipe',
    noteNothing: 'Rien.',
    noteSearching:
      'Rien de la part de ce site. Vos mots de recherche et le lieu saisi sont dans l’adresse de la page : l’historique de votre navigateur les garde (voir plus bas).',
    noteCourse:
      'Un cookie qui contient votre code de progression, envoyé seulement aux pages de formation. Il disparaît quand vous fermez le navigateur (toutes ses fenêtres) ou appuyez sur « Oublier cet appareil ». Un navigateur réglé pour rouvrir vos derniers onglets peut le garder plus longtemps : appuyez sur « Oublier cet appareil » en partant.',
    noteCourseRemembered:
      'Le même cookie, gardé sur cet appareil pendant 30 jours, sauf si vous appuyez sur « Oublier cet appareil ».',
    noteReflection:
      'Votre note, dans le stockage local de ce navigateur (une entrée par question), jamais envoyée au site. Elle reste jusqu’à ce que vous appuyiez sur « Effacer mes notes de ce navigateur » ou « Oublier cet appareil », ou que vous effaciez les données de ce site dans votre navigateur.',
    noteStaff: 'Un cookie pour la session de l’équipe, jusqu’à la déconnexion et pour 12 heures au plus.',
    kindCookie: 'cookie',
    kindLocal: 'stockage local',
    lifeSession: 'jusqu’à la fermeture du navigateur',
    lifeDays: '{days} jours',
    lifeHours: '{hours} heures',
    lifeUntilDeleted: 'jusqu’à ce que vous l’effaciez',
    lifeNothing: '—',
    addressTitle: 'Vos recherches et la barre d’adresse',
    addressText:
      'Quand vous cherchez dans les articles ou l’annuaire, vos mots et le lieu saisi font partie de l’adresse de la page (par exemple …/resources?q=juridique&near=Lyon). Ce site n’en garde aucune trace, mais l’historique de votre navigateur, si, et la barre d’adresse peut les proposer à la prochaine personne qui y tape.',
    clearTitle: 'Retirer ce site de votre navigateur',
    clearChrome:
      'Chrome et Edge sur ordinateur : appuyez sur Ctrl+H (⌘+Y sur Mac) pour ouvrir l’historique, cochez les pages de ce site et choisissez Supprimer.',
    clearFirefox:
      'Firefox : appuyez sur Ctrl+Maj+H (⌘+Maj+H sur Mac), faites un clic droit sur une page de ce site et choisissez « Oublier ce site » : son historique, ses cookies et vos notes disparaissent.',
    clearSafari:
      'Safari sur Mac : menu Historique, Afficher tout l’historique, sélectionnez les pages et appuyez sur Supprimer. Sur iPhone ou iPad : touchez le bouton Signets, puis l’horloge, et balayez chaque page vers la gauche.',
    clearAndroid:
      'Chrome sur Android : menu ⋮, Historique, puis × à côté de chaque page de ce site. Samsung Internet : menu ☰, Historique, puis Modifier.',
    clearSuggestion:
      'Pour retirer une suggestion de la barre d’adresse, sélectionnez-la avec les flèches du clavier et appuyez sur Maj+Suppr (Maj+Fn+Suppr sur Mac).',
    clearData:
      'Effacer l’historique n’efface pas toujours les cookies et le stockage local : dans les mêmes réglages, choisissez aussi « Cookies et données de site », ou appuyez sur « Oublier cet appareil » dans les pages de formation.',
    privateStored:
      'Dans une fenêtre privée, le cookie de formation et vos notes de réflexion sont effacés quand vous fermez la dernière fenêtre privée, même si vous avez coché « Se souvenir de moi ».',
  },
});

export type SafetyKey = Parameters<typeof t>[1];

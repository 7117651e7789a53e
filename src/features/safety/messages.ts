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
      'This site sets no cookies for visitors, runs no analytics and loads nothing from other websites. It does not record your IP address or which browser you use. If you start a training course, the only thing kept is your progress, under a code you choose to save. Comments and suggestions keep only what you type in them.',
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
      'Ce site ne dépose aucun cookie chez les visiteurs, ne fait aucune mesure d’audience et ne charge rien depuis d’autres sites. Il n’enregistre ni votre adresse IP ni votre navigateur. Si vous commencez une formation, seule votre progression est gardée, sous un code que vous choisissez d’enregistrer. Les commentaires et suggestions ne gardent que ce que vous y écrivez.',
  },
});

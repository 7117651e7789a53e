import { defineMessages } from '../i18n/index.ts';

/* The organisation's identity: the settings page's refusals and its labels. */
export const { t, msg } = defineMessages('identity', {
  en: {
    timeZoneUnknown: 'Choose the time zone from the list.',
    timeZoneLabel: 'Time zone',
    timeZoneHint:
      'The time zone staff enter dates in, such as “Publish at”. Pages show the UTC time beside it; stored times are UTC.',
    nameMissing: 'Give the site a name (at most {max} characters).',
    nameTooLong: 'The site name can have at most {max} characters.',
    taglineTooLong: 'The tagline can have at most {max} characters.',
    textNotPlain: 'Use plain text on one line, without control characters or text-direction marks.',
    accentFormat: 'Give the accent colour as six hexadecimal digits, such as #5b2a86.',
    accentContrast:
      'That colour has a contrast of {ratio}:1 with the page or with white button text; at least {min}:1 is needed so everyone can read links and buttons (WCAG AA). Choose a darker colour.',
    quickExitScheme: 'The quick-exit destination must be an https:// address.',
    quickExitAddress: 'Give the quick-exit destination as a full address, such as https://www.example.org/weather.',
    quickExitPlain: 'The quick-exit address must not contain a user name or password.',
    quickExitSameSite:
      'The quick-exit destination must be another site: leaving to this site would not hide the visit.',
    logoTooLarge: 'The logo is too large: at most {max}.',
    logoType: 'The logo must be a PNG or SVG image (the file’s content was neither).',
    logoActive:
      'That SVG contains scripts, event handlers, embedded pages or references to other files. Export it again as a plain drawing (or as a PNG).',
    logoUnreadable:
      'The logo could not be read as an image, or its canvas is too large. Try exporting it again as a PNG.',
    saved: 'The site’s identity is saved; every page shows it now.',
    heading: 'Site identity',
    intro: 'The name, tagline, logo and colour readers see on every page, and where quick exit goes.',
    nameLabel: 'Site name',
    taglineLabel: 'Tagline (optional)',
    logoLabel: 'Logo (PNG or SVG, up to 512 KB)',
    logoHint: 'SVGs are turned into a picture; scripts and links in them never reach readers.',
    logoCurrent: 'Current logo',
    logoNone: 'No logo: the name alone is shown.',
    removeLogo: 'Remove the logo',
    accentLabel: 'Accent colour',
    accentHint:
      'Used for links and buttons. It must have a contrast of at least 4.5:1 with the page and with white text.',
    accentDefault: 'Use the site’s default colours',
    quickExitLabel: 'Quick-exit destination',
    quickExitHint:
      'Where “Exit this page” sends a visitor: a neutral, everyday https:// site. Leave empty for the default ({default}).',
    save: 'Save identity',
    staffLink: 'Site identity',
    staffLinkText: 'Name, logo, colour and quick-exit destination.',
  },
  fr: {
    timeZoneUnknown: 'Choisissez le fuseau horaire dans la liste.',
    timeZoneLabel: 'Fuseau horaire',
    timeZoneHint:
      'Le fuseau horaire dans lequel l’équipe saisit les dates, comme « Publier le ». Les pages indiquent l’heure UTC à côté ; les heures enregistrées sont en UTC.',
    nameMissing: 'Donnez un nom au site (au plus {max} caractères).',
    nameTooLong: 'Le nom du site peut avoir au plus {max} caractères.',
    taglineTooLong: 'Le slogan peut avoir au plus {max} caractères.',
    textNotPlain: 'Utilisez du texte simple sur une ligne, sans caractères de contrôle ni marques de direction.',
    accentFormat: 'Indiquez la couleur d’accent en six chiffres hexadécimaux, par exemple #5b2a86.',
    accentContrast:
      'Cette couleur a un contraste de {ratio}:1 avec la page ou avec le texte blanc des boutons ; il faut au moins {min}:1 pour que chacun lise liens et boutons (WCAG AA). Choisissez une couleur plus foncée.',
    quickExitScheme: 'La destination de sortie rapide doit être une adresse https://.',
    quickExitAddress:
      'Indiquez la destination de sortie rapide en adresse complète, par exemple https://www.example.org/meteo.',
    quickExitPlain: 'L’adresse de sortie rapide ne doit contenir ni nom d’utilisateur ni mot de passe.',
    quickExitSameSite:
      'La destination de sortie rapide doit être un autre site : revenir sur ce site ne cacherait pas la visite.',
    logoTooLarge: 'Le logo est trop lourd : au plus {max}.',
    logoType: 'Le logo doit être une image PNG ou SVG (le contenu du fichier n’est ni l’un ni l’autre).',
    logoActive:
      'Ce SVG contient des scripts, des gestionnaires d’événements, des pages intégrées ou des références à d’autres fichiers. Exportez-le de nouveau comme simple dessin (ou en PNG).',
    logoUnreadable:
      'Le logo n’a pas pu être lu comme une image, ou sa surface est trop grande. Essayez de l’exporter de nouveau en PNG.',
    saved: 'L’identité du site est enregistrée ; toutes les pages l’affichent désormais.',
    heading: 'Identité du site',
    intro: 'Le nom, le slogan, le logo et la couleur que les lecteurs voient sur chaque page, et la sortie rapide.',
    nameLabel: 'Nom du site',
    taglineLabel: 'Slogan (facultatif)',
    logoLabel: 'Logo (PNG ou SVG, 512 Ko au plus)',
    logoHint: 'Les SVG sont transformés en image : leurs scripts et liens n’atteignent jamais les lecteurs.',
    logoCurrent: 'Logo actuel',
    logoNone: 'Pas de logo : seul le nom est affiché.',
    removeLogo: 'Retirer le logo',
    accentLabel: 'Couleur d’accent',
    accentHint:
      'Pour les liens et les boutons. Son contraste doit être d’au moins 4,5:1 avec la page et avec du texte blanc.',
    accentDefault: 'Utiliser les couleurs par défaut du site',
    quickExitLabel: 'Destination de sortie rapide',
    quickExitHint:
      'Là où « Quitter cette page » envoie le visiteur : un site https:// neutre et courant. Laissez vide pour la valeur par défaut ({default}).',
    save: 'Enregistrer l’identité',
    staffLink: 'Identité du site',
    staffLinkText: 'Nom, logo, couleur et destination de sortie rapide.',
  },
});

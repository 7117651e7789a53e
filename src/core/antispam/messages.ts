import { defineMessages } from '../i18n/index.ts';

/*
 * Why the shared anti-spam checks refused a submission: one wording for every form that uses them
 * (comments, campaign pledges), so it speaks of "the form" and "your text", never of one feature.
 * Neutral on purpose: a person caught by mistake is told what to do, a bot learns nothing new.
 */
export const { t, msg } = defineMessages('antispam', {
  en: {
    /** The off-screen honeypot's label: read by no person, but still text of the page. */
    honeypotLabel: 'Leave this field empty',
    tooMany:
      'Too many forms were sent from your connection in a short time. Wait a few minutes, then send this one again.',
    honeypot:
      'This form could not be accepted. If your browser filled in the hidden “website” field for you, empty it and send the form again.',
    challengeInvalid: 'The anti-spam check did not pass. Send the form again.',
    challengeExpired: 'The anti-spam check expired. Send the form again.',
    challengeReplayed: 'This form was already sent once. Send it again if you want to make a new submission.',
    blockedWord: 'Your text contains a word or phrase this site does not publish. Reword it and send the form again.',
    duplicate:
      'This text has already been sent here, so there is no need to send it again. If it is waiting for moderation, it will appear once approved.',
    unverifiedCeiling:
      'Too many messages arrived without the anti-spam check in the last hour. Try again later, or enable JavaScript.',
  },
  fr: {
    honeypotLabel: 'Laissez ce champ vide',
    tooMany:
      'Trop de formulaires ont été envoyés depuis votre connexion en peu de temps. Attendez quelques minutes, puis renvoyez celui-ci.',
    honeypot:
      'Ce formulaire n’a pas pu être accepté. Si votre navigateur a rempli pour vous le champ caché « website », videz-le et renvoyez le formulaire.',
    challengeInvalid: 'La vérification anti-spam n’a pas abouti. Renvoyez le formulaire.',
    challengeExpired: 'La vérification anti-spam a expiré. Renvoyez le formulaire.',
    challengeReplayed: 'Ce formulaire a déjà été envoyé une fois. Renvoyez-le si vous souhaitez faire un nouvel envoi.',
    blockedWord:
      'Votre texte contient un mot ou une expression que ce site ne publie pas. Reformulez-le et renvoyez le formulaire.',
    duplicate:
      'Ce texte a déjà été envoyé ici : inutile de le renvoyer. S’il attend la modération, il apparaîtra une fois approuvé.',
    unverifiedCeiling:
      'Trop de messages sont arrivés sans la vérification anti-spam au cours de la dernière heure. Réessayez plus tard, ou activez JavaScript.',
  },
});

import { defineMessages } from '../../core/i18n/index.ts';

/* The home page's own text: its meta description and the introduction between help and the news. */
export const { t } = defineMessages('home', {
  en: {
    description: 'Support, resources and training, from a support-not-rescue position.',
    intro:
      'Alongside publishes news, a directory of support services and free training for people who sell sex, people experiencing trafficking, and everyone who works alongside them — on their terms, without judgement and without “rescue”.',
  },
  fr: {
    description: 'Soutien, ressources et formation, dans une démarche de soutien et non de « sauvetage ».',
    intro:
      'Alongside publie des actualités, un annuaire de services de soutien et des formations gratuites pour les personnes qui vendent des services sexuels, les personnes victimes de traite, et toutes celles qui travaillent à leurs côtés — selon leurs conditions, sans jugement et sans « sauvetage ».',
  },
});

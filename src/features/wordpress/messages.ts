import { defineMessages } from '../../core/i18n/index.ts';

/* Why a WordPress export (WXR) could not be read; the command line prints these in English. */
export const { t, msg } = defineMessages('wordpress', {
  en: {
    notXml: 'The file is not well-formed XML (line {line}, column {col}: {detail}). Nothing was imported.',
    noChannel: 'The file is XML but not a WordPress export: it has no <rss><channel>. Nothing was imported.',
    notWxr:
      'The file is RSS but not a WordPress export (no wp:wxr_version). Export it from WordPress with Tools → Export. Nothing was imported.',
    refusedText: '{problem} Nothing was imported.',
    atChannel: 'The channel, {field}',
    atAuthor: 'Author {n}, {field}',
    atItem: 'Item {n} (wp:post_id {id}), {field}',
    atItemNoId: 'Item {n}, {field}',
    atComment: 'Item {n} (wp:post_id {id}), comment {c}, {field}',
    atCommentNoId: 'Item {n}, comment {c}, {field}',
    noUploads:
      'The uploads folder {dir} cannot be read: give a copy of the old site’s wp-content/uploads folder. Nothing was imported.',
  },
  fr: {
    notXml: 'Le fichier n’est pas du XML bien formé (ligne {line}, colonne {col} : {detail}). Rien n’a été importé.',
    noChannel:
      'Le fichier est du XML mais pas un export WordPress : il n’a pas de <rss><channel>. Rien n’a été importé.',
    notWxr:
      'Le fichier est du RSS mais pas un export WordPress (pas de wp:wxr_version). Exportez-le depuis WordPress avec Outils → Exporter. Rien n’a été importé.',
    refusedText: '{problem} Rien n’a été importé.',
    atChannel: 'Le canal, {field}',
    atAuthor: 'Auteur {n}, {field}',
    atItem: 'Élément {n} (wp:post_id {id}), {field}',
    atItemNoId: 'Élément {n}, {field}',
    atComment: 'Élément {n} (wp:post_id {id}), commentaire {c}, {field}',
    atCommentNoId: 'Élément {n}, commentaire {c}, {field}',
    noUploads:
      'Le dossier d’images {dir} est illisible : donnez une copie du dossier wp-content/uploads de l’ancien site. Rien n’a été importé.',
  },
});

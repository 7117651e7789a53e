import { createTranslator } from '../../core/i18n/index.ts';

/* Reader-facing text of publishing pages; a post page follows the post's language where a catalog exists. */
export const tp = createTranslator({
  en: {
    latestPosts: 'Latest posts',
    noPosts: 'Nothing has been published yet.',
    by: 'By',
    minutesRead: '{n} min read',
    tags: 'Tags',
    contentNote: 'Content note',
    contentNoteHint: 'You can stop reading at any time; the quick exit button is at the top of the page.',
    readIn: 'Also in',
    postsTagged: 'Posts tagged “{tag}”',
    postsBy: 'Posts by {name}',
    search: 'Search posts',
    searchLabel: 'Words to look for',
    searchButton: 'Search',
    results: '{n} results for “{q}”',
    noResults: 'No published post matches “{q}”.',
    feeds: 'Feeds',
    readMore: 'Read “{title}”',
    pages: 'Pages',
    published: 'Published',
    updated: 'Updated',
    allTags: 'All tags',
  },
  fr: {
    latestPosts: 'Derniers articles',
    noPosts: 'Rien n’a encore été publié.',
    by: 'Par',
    minutesRead: '{n} min de lecture',
    tags: 'Étiquettes',
    contentNote: 'Avertissement',
    contentNoteHint:
      'Vous pouvez arrêter la lecture à tout moment ; le bouton de sortie rapide est en haut de la page.',
    readIn: 'Aussi en',
    postsTagged: 'Articles étiquetés « {tag} »',
    postsBy: 'Articles de {name}',
    search: 'Rechercher des articles',
    searchLabel: 'Mots à chercher',
    searchButton: 'Rechercher',
    results: '{n} résultats pour « {q} »',
    noResults: 'Aucun article publié ne correspond à « {q} ».',
    feeds: 'Flux',
    readMore: 'Lire « {title} »',
    pages: 'Pages',
    published: 'Publié',
    updated: 'Mis à jour',
    allTags: 'Toutes les étiquettes',
  },
});

/** Language names for the language switcher, in their own language. */
export const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  fr: 'Français',
  es: 'Español',
  pt: 'Português',
  de: 'Deutsch',
  it: 'Italiano',
};
export const languageName = (code: string) => LANGUAGE_NAMES[code.split('-')[0]!] ?? code;

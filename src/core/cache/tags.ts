/*
 * Page-cache tags, made here only: a cached page is stored under the tags of what it shows, and a
 * write invalidates the tags of what it changed. A tag typed as a string literal in two places can
 * drift apart silently; a constructor cannot.
 */
declare const tagBrand: unique symbol;
export type CacheTag = string & { readonly [tagBrand]: true };

const tag = (name: string) => name as CacheTag;

export const cacheTags = {
  /** Every cached page: site-wide changes (e.g. a setting every page shows). */
  all: tag('*'),
  home: tag('home'),
  /** Lists and feeds of posts. */
  posts: tag('posts'),
  /** One post's page (its comments show there too). */
  post: (id: number) => tag(`post:${id}`),
  comments: tag('comments'),
  /** Directory pages and the HSDS API. */
  resources: tag('resources'),
  /** One listing's page; directory services are known by their HSDS id (a UUID string). */
  resource: (id: number | string) => tag(`resource:${id}`),
  training: tag('training'),
  certificates: tag('certificates'),
  certificate: (code: string) => tag(`certificate:${code}`),
  campaigns: tag('campaigns'),
  campaign: (id: number) => tag(`campaign:${id}`),
  robots: tag('robots'),
} as const;

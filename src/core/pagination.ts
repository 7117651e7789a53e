/*
 * The one way to page a list: a page number (validated at the edge by `PageNumber` in
 * core/http/schemas.ts) becomes a limit and an offset for the repo, and a total becomes a page
 * count for the view's <Pagination>. A page past the end is simply empty.
 */
export interface PageRequest {
  page: number;
  perPage: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageCount: number;
  total: number;
}

/** Limit and offset for a repo query. */
export function pageWindow({ page, perPage }: PageRequest): { limit: number; offset: number } {
  return { limit: perPage, offset: (Math.max(1, page) - 1) * perPage };
}

/** At least one page, so "page 1 of 1" reads right for an empty list. */
export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

export function toPage<T>(items: T[], total: number, request: PageRequest): Page<T> {
  return { items, total, page: request.page, pageCount: pageCount(total, request.perPage) };
}

import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** A whole HTML document from a page component. Text and attributes are escaped by preact. */
export function renderDocument(page: VNode): string {
  return '<!doctype html>' + renderToString(page);
}

export { renderToString };

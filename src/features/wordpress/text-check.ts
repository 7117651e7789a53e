import type { Message } from '../../core/i18n/index.ts';
import { findTextFault } from '../../core/text/gate.ts';
import { textFaultMessage } from '../../core/text/messages.ts';
import { msg } from './messages.ts';
import type { Wxr } from './wordpress.ts';

/*
 * Every piece of text a WordPress export brings passes the one text gate (core/text/gate.ts) before
 * anything is stored: the first refused one is named by its item (or author) and its WXR element,
 * so whoever made the file can find it. Bytes that were not UTF-8 arrive marked (decodeUtf8Marked)
 * and are found here, where they sit. Text may span lines everywhere (tab, LF and CR are allowed).
 */
type Fields = [field: string, value: string][];

function firstFault(fields: Fields, at: (field: string) => Message): Message | null {
  for (const [field, value] of fields) {
    const fault = findTextFault(value, true);
    if (fault) return textFaultMessage(at(field), fault);
  }
  return null;
}

/** The first refused text of the export, as a sentence naming where it is, or null when all of it is clean. */
export function refusedWxrText(wxr: Wxr): Message | null {
  const channel = firstFault(
    [
      ['wp:base_site_url', wxr.siteUrl],
      ['language', wxr.language],
    ],
    (field) => msg('atChannel', { field }),
  );
  if (channel) return channel;
  for (const [i, a] of wxr.authors.entries()) {
    const fields: Fields = [
      ['wp:author_login', a.login],
      ['wp:author_email', a.email],
      ['wp:author_display_name', a.displayName],
    ];
    const problem = firstFault(fields, (field) => msg('atAuthor', { n: i + 1, field }));
    if (problem) return problem;
  }
  for (const [i, item] of wxr.items.entries()) {
    // The item is named by its id unless the id itself is what is refused.
    const named = findTextFault(item.id, true) === null && item.id !== '';
    const at = (field: string) =>
      named ? msg('atItem', { n: i + 1, id: item.id, field }) : msg('atItemNoId', { n: i + 1, field });
    const atComment = (c: number) => (field: string) =>
      named ? msg('atComment', { n: i + 1, id: item.id, c, field }) : msg('atCommentNoId', { n: i + 1, c, field });
    const fields: Fields = [
      ['wp:post_id', item.id],
      ['title', item.title],
      ['wp:post_name', item.slug],
      ['wp:post_type', item.type],
      ['wp:status', item.status],
      ['dc:creator', item.creator],
      ['content:encoded', item.contentHtml],
      ['excerpt:encoded', item.excerptHtml],
      ...item.tags.flatMap((t): Fields => [
        ['category', t.name],
        ['category nicename', t.slug],
      ]),
    ];
    const problem =
      firstFault(fields, at) ??
      item.comments
        .map((c, j) =>
          firstFault(
            [
              ['wp:comment_id', c.id],
              ['wp:comment_parent', c.parentId],
              ['wp:comment_author', c.author],
              ['wp:comment_content', c.contentHtml],
              ['wp:comment_type', c.type],
            ],
            atComment(j + 1),
          ),
        )
        .find((p) => p !== null);
    if (problem) return problem;
  }
  return null;
}

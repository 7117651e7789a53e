import { assetUrl } from '../http/assets.ts';

/*
 * The formatting buttons above a Markdown field staff write in (post bodies, lesson texts), in a
 * template: public/markdown-toolbar.js shows them and makes them write Markdown around the selection,
 * with the shortcuts Ctrl/Cmd+B, I and K. Without JavaScript they would do nothing, so they are not shown.
 * Each title names its shortcut. The image button is for editors that can take an image into the text
 * (the post editor's script answers its `markdown-image` event).
 */
export function MarkdownToolbar({ target, image = false }: { target: string; image?: boolean }) {
  const button = (kind: string, label: string, shortcut?: string) => (
    <button
      type="button"
      class="secondary"
      data-md={kind}
      title={shortcut ? `${label} (Ctrl+${shortcut}, or ⌘${shortcut} on a Mac)` : label}
      aria-keyshortcuts={shortcut ? `Control+${shortcut} Meta+${shortcut}` : undefined}
    >
      {label}
    </button>
  );
  return (
    <template data-md-toolbar>
      <div class="md-toolbar" role="group" aria-label="Formatting" data-md-for={target}>
        {button('heading', 'Heading')}
        {button('bold', 'Bold', 'B')}
        {button('italic', 'Italic', 'I')}
        {button('link', 'Link', 'K')}
        {button('list', 'List')}
        {button('quote', 'Quote')}
        {image && button('image', 'Image')}
      </div>
    </template>
  );
}

/** The toolbar's script and styles, for a page's Layout (`scripts`) and head. */
export const markdownToolbarScript = () => assetUrl('markdown-toolbar.js');
export const MarkdownToolbarStyles = () => <link rel="stylesheet" href={assetUrl('markdown-toolbar.css')} />;

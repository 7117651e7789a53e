import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markdownToText, renderCommentMarkdown, renderMarkdown } from './render.ts';

/* The one Markdown renderer: its output goes into pages unescaped, so it must never yield script. */
describe('renderMarkdown', () => {
  it('renders headings with unique ids, lists, quotes, code and same-site images', () => {
    const html = renderMarkdown(
      '# Hello, world\n\n## Hello, world\n\n- a\n- b\n\n> quote\n\n```\ncode <b>\n```\n\n![A map](/static/map.png)',
    );
    assert.match(html, /<h1 id="hello-world">Hello, world<\/h1>/);
    assert.match(html, /<h2 id="hello-world-2">/);
    assert.match(html, /<ul>\n<li>a<\/li>/);
    assert.match(html, /<blockquote>/);
    assert.match(html, /<pre><code>code &lt;b&gt;/);
    assert.match(html, /<img src="\/static\/map.png" alt="A map" loading="lazy">/);
  });

  it('escapes raw HTML and links only http, https, mailto and same-site paths', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html;base64,PHNjcmlwdD4=) [d](vbscript:x) [e](//evil.example/) [f](https://ok.example/) [g](mailto:hi@example.org) [h](/resources)',
    );
    assert.doesNotMatch(html, /<script|<img/i);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &lt;img src=x onerror=alert\(1\)&gt;/);
    assert.doesNotMatch(html, /href="(javascript|data|vbscript):/i);
    assert.doesNotMatch(html, /href="\/\/evil/);
    assert.match(html, /<a href="https:\/\/ok.example\/" rel="noopener noreferrer">f<\/a>/);
    assert.match(html, /<a href="mailto:hi@example.org">g<\/a>/);
    assert.match(html, /<a href="\/resources">h<\/a>/);
  });

  it('shows images from other origins as their text only (no request leaves the site)', () => {
    const html = renderMarkdown('![tracker](https://tracker.example/pixel.gif) ![x](//cdn.example/a.png)');
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /\[tracker\]/);
  });
});

describe('renderCommentMarkdown', () => {
  it('allows no images, headings or tables, marks links ugc and shows their domain', () => {
    const html = renderCommentMarkdown(
      '# big\n\n![i](/static/x.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nsee [this](https://help.example.org/page) or [bad](javascript:x)',
    );
    assert.doesNotMatch(html, /<h1|<img|<table/);
    assert.match(
      html,
      /<a href="https:\/\/help.example.org\/page" rel="ugc nofollow noopener noreferrer">this<\/a> <span class="link-domain">\(help.example.org\)<\/span>/,
    );
    assert.doesNotMatch(html, /href="javascript:/);
  });

  it('does not link same-site-looking paths in comments', () => {
    assert.doesNotMatch(renderCommentMarkdown('[x](/admin)'), /<a /);
  });

  it('links only what the one URL check takes: no user names in links, no empty hosts', () => {
    const html = renderCommentMarkdown(
      '[bank](https://bank.example@evil.example/login) [empty](https://) [ok](https://help.example.org/) [mail](mailto:hi@example.org)',
    );
    assert.doesNotMatch(html, /href="[^"]*evil|href="https:\/\/"/);
    assert.match(html, /<a href="https:\/\/help.example.org\/"/);
    assert.match(html, /<a href="mailto:hi@example.org"/);
    assert.doesNotMatch(renderMarkdown('[bank](https://bank.example@evil.example/)'), /href="[^"]*evil/);
  });
});

describe('markdownToText', () => {
  it('keeps the words and drops the markup', () => {
    assert.equal(
      markdownToText('# Title\n\nSome *emphasis* and a [link](https://x.example).'),
      'Title Some emphasis and a link.',
    );
  });
});

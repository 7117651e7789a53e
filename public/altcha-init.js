// Loads the proof-of-work widget (ALTCHA, ~80 KB) only for a reader who starts on a form that has
// one: when a field of the form gets focus, or when the form is submitted before that. Without
// JavaScript nothing here runs and the form posts as it is (the submission is held for a look).
// The widget, its stylesheet and its worker come from this site (hashed names from the page).
let loading;
function loadWidget(field) {
  if (loading) return loading;
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = field.dataset.altchaCss;
  document.head.append(css);
  const worker = field.dataset.altchaWorker;
  loading = import(field.dataset.altchaJs).then(() => {
    const make = () => new Worker(worker);
    for (const name of ['SHA-256', 'SHA-384', 'SHA-512']) globalThis.$altcha.algorithms.set(name, make);
    for (const el of document.querySelectorAll('[data-altcha-hint]')) el.hidden = true;
    return customElements.whenDefined('altcha-widget');
  });
  return loading;
}

for (const field of document.querySelectorAll('[data-altcha-js]')) {
  const form = field.closest('form');
  if (!form) continue;
  form.addEventListener('focusin', () => void loadWidget(field), { once: true });
  // Submitted before any field had focus (autofill, a quick tap): hold the submission until the
  // widget is there, then submit again so the widget solves the challenge first.
  form.addEventListener(
    'submit',
    (event) => {
      if (customElements.get('altcha-widget')) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const submitter = event.submitter;
      loadWidget(field).then(() => form.requestSubmit(submitter ?? undefined));
    },
    { capture: true },
  );
}

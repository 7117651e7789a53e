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
  });
  return loading;
}

for (const field of document.querySelectorAll('[data-altcha-js]')) {
  const form = field.closest('form');
  const widget = field.querySelector('altcha-widget');
  if (!form || !widget) continue;
  // The widget listens to its form only once it has mounted, a few ticks after its element is
  // defined: a submission sent again before that would go without the proof.
  let isMounted = false;
  const mounted = new Promise((resolve) => widget.addEventListener('load', resolve, { once: true }));
  mounted.then(() => (isMounted = true));
  let submitter;
  let pending = false;
  form.addEventListener('focusin', () => void loadWidget(field), { once: true });
  form.addEventListener(
    'submit',
    (event) => {
      pending = true;
      submitter = event.submitter ?? undefined;
      if (isMounted) return;
      // Submitted before the widget was there (autofill, a quick tap): hold the submission until
      // it is, then submit again so the widget solves the challenge first.
      event.preventDefault();
      event.stopImmediatePropagation();
      loadWidget(field)
        .then(() => mounted)
        .then(() => form.requestSubmit(submitter));
    },
    { capture: true },
  );
  // A proof that cannot be made (the challenge did not load, the worker failed) must not leave the
  // reader's words stuck: the form posts without it, as it does without JavaScript.
  widget.addEventListener('statechange', (event) => {
    if (event.detail?.state === 'error' && pending) form.requestSubmit(submitter);
  });
}

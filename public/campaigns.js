// Progressive enhancement for campaign pages: "me too" without reloading the page. Without
// JavaScript the same form posts and the page comes back with the count.
document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains('me-too')) return;
  event.preventDefault();
  const button = form.querySelector('button');
  const output = form.querySelector('[data-me-too-count]');
  if (button) button.disabled = true;
  try {
    const res = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
    });
    if (!res.ok) throw new Error(String(res.status));
    const data = await res.json();
    // The plural form by the page language's rules, as the server chose it (French: 0 and 1 are "one").
    const one = new Intl.PluralRules(form.dataset.lang || 'en').select(data.count) === 'one';
    const text = ((one ? form.dataset.one : form.dataset.many) || '').replace('{n}', String(data.count));
    if (output) output.textContent = data.counted ? text : `${text} · ${form.dataset.already}`;
  } catch {
    form.submit();
  } finally {
    if (button) button.disabled = false;
  }
});

// Keyboard shortcuts for the comment moderation queue (progressive enhancement; every action
// is also a plain button). j/k move, x selects, a/r/s act on the current comment, e edits,
// Shift+A/R/S act on the selected comments.
(function () {
  const form = document.querySelector('[data-moderation-queue]');
  if (!form) return;
  const items = Array.from(form.querySelectorAll('[data-queue-item]'));
  let current = -1;
  function focusItem(i) {
    if (items.length === 0) return;
    current = Math.max(0, Math.min(items.length - 1, i));
    items.forEach((el, n) => el.classList.toggle('is-current', n === current));
    items[current].focus();
    items[current].scrollIntoView({ block: 'nearest' });
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target;
    if (
      target &&
      (target.tagName === 'TEXTAREA' ||
        (target.tagName === 'INPUT' && target.type !== 'checkbox') ||
        target.isContentEditable)
    )
      return;
    const key = e.key;
    const item = items[current];
    if (key === 'j') focusItem(current + 1);
    else if (key === 'k') focusItem(current - 1);
    else if (key === 'x' && item) item.querySelector('[data-select]').click();
    else if ((key === 'a' || key === 'r' || key === 's') && item) {
      const action = { a: 'approve', r: 'reject', s: 'spam' }[key];
      item.querySelector('[data-action="' + action + '"]').click();
    } else if ((key === 'A' || key === 'R' || key === 'S') && e.shiftKey) {
      const action = { A: 'approve', R: 'reject', S: 'spam' }[key];
      form.querySelector('[data-bulk="' + action + '"]').click();
    } else if (key === 'e' && item) item.querySelector('[data-action="edit"]').click();
    else return;
    e.preventDefault();
  });
})();

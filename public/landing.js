// Every form posts or searches to an address ending in the id of its answer (#answer,
// #error-summary): without JavaScript the browser scrolls there; this also moves keyboard and
// screen-reader focus there, so the answer is announced and Tab continues from it.
(function () {
  var id = location.hash.slice(1);
  if (!id) return;
  var target;
  try {
    target = document.getElementById(decodeURIComponent(id));
  } catch {
    return;
  }
  if (!target) return;
  if (!target.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName))
    target.setAttribute('tabindex', '-1');
  target.focus();
  target.scrollIntoView({ block: 'start' });
})();

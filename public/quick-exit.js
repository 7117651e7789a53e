// Quick exit: a button and Shift pressed three times within five seconds.
// Both hide the page at once, set a neutral title, then replace this page in the history
// with a neutral site so Back does not return here (where the browser allows).
(function () {
  'use strict';
  var bar = document.querySelector('[data-quick-exit]');
  if (!bar) return;
  var target = bar.getAttribute('href');
  var status = document.querySelector('[data-quick-exit-status]');
  var WINDOW_MS = 5000;
  var presses = [];
  var leaving = false;

  function hideNow() {
    document.documentElement.style.visibility = 'hidden';
    document.documentElement.style.background = '#fff';
    if (document.body) document.body.innerHTML = '';
    document.title = 'New tab';
  }

  function exit(event) {
    if (event) event.preventDefault();
    if (leaving) return;
    leaving = true;
    hideNow();
    try {
      // Drop this page's address from the current history entry before leaving it.
      history.replaceState(null, '', '/');
    } catch {
      // Some browsers refuse replaceState on file: or sandboxed pages; leaving matters more.
    }
    window.location.replace(target);
  }

  function announce(count) {
    if (!status) return;
    var template = status.getAttribute('data-template') || '';
    status.textContent =
      count === 0 ? '' : template.replace('{count}', String(count)).replace('{left}', String(3 - count));
  }

  bar.addEventListener('click', exit);

  document.addEventListener(
    'keydown',
    function (event) {
      // Shift alone counts; Shift held with another key (Shift+A) is typing, and any other key resets.
      if (event.key !== 'Shift' || event.ctrlKey || event.altKey || event.metaKey) {
        if (presses.length) announce(0);
        presses = [];
        return;
      }
      if (event.repeat) return;
      var now = Date.now();
      presses = presses.filter(function (t) {
        return now - t < WINDOW_MS;
      });
      presses.push(now);
      if (presses.length >= 3) exit();
      else announce(presses.length);
    },
    true,
  );

  // A page restored from the back-forward cache after an exit stays hidden and leaves again.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted && leaving) {
      hideNow();
      window.location.replace(target);
    }
  });
})();

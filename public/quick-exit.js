// Quick exit: a button and Shift pressed three times within five seconds.
// Both hide the page at once, set a neutral title, then replace this page in the history
// with a neutral site so Back does not return here (where the browser allows). Moving within the
// site replaces the history entry too (below), so the whole visit is that one entry.
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

  // One history entry for the whole visit: moving within the site (a link, a search form) replaces
  // the current entry instead of adding one, so when quick exit replaces that entry, Back has no page
  // of this site to return to. Without JavaScript every page is its own entry; /safety says so.
  // Staff pages keep the browser's usual history (Back between editor and list is their work).
  var ORIGIN = window.location.origin;
  var keepHistory = /^\/admin(\/|$)/.test(window.location.pathname);

  /** An address of this site (http or https, same origin), or null for anything else. */
  function ownUrl(href) {
    var url;
    try {
      url = new URL(href, window.location.href);
    } catch {
      return null;
    }
    if (url.origin !== ORIGIN || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
    return url;
  }

  /** Where a browser would go, in this tab, for a plain click on this link; null to leave it be. */
  function linkTarget(event) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return null;
    var link = event.target instanceof Element ? event.target.closest('a[href], area[href]') : null;
    if (!link || link === bar || link.hasAttribute('download')) return null;
    var target = link.getAttribute('target');
    if (target && target !== '_self') return null;
    return ownUrl(link.href);
  }

  /** The address a GET form would open in this tab, with the fields it would send; null otherwise. */
  function formTarget(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return null;
    var submitter = event.submitter || null;
    // A button's formmethod/formaction/formtarget win over the form's own.
    var own = function (attribute, property, fallback) {
      return submitter && submitter.hasAttribute(attribute) ? submitter[property] : fallback;
    };
    if (own('formmethod', 'formMethod', form.method).toLowerCase() !== 'get') return null;
    var target = own('formtarget', 'formTarget', form.getAttribute('target'));
    if (target && target !== '_self') return null;
    if (form.querySelector('input[type=file]')) return null;
    var url = ownUrl(own('formaction', 'formAction', form.action));
    if (!url) return null;
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    url.search = new URLSearchParams(data).toString();
    return url;
  }

  function stayInOneEntry(event, url) {
    if (!url || event.defaultPrevented || leaving) return;
    event.preventDefault();
    window.location.replace(url.href);
  }

  if (!keepHistory) {
    // On window, the last stop of a bubbling event: a page's own handler that took the event over
    // (campaigns' "me too" fetch) has already marked it, and is left alone.
    window.addEventListener('click', function (event) {
      stayInOneEntry(event, linkTarget(event));
    });
    window.addEventListener('submit', function (event) {
      stayInOneEntry(event, formTarget(event));
    });
  }

  // A page restored from the back-forward cache after an exit stays hidden and leaves again.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted && leaving) {
      hideNow();
      window.location.replace(target);
    }
  });
})();

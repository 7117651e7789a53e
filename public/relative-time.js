// Dates readers see (<time data-relative>, src/core/views/time.tsx) arrive as absolute dates in the
// page's language. Here, with the reader's clock and time zone, recent ones become "3 days ago" /
// « il y a 3 jours » and older ones the date in the reader's own time zone; the title keeps the
// exact time. Done in the browser because cached pages would make server-written words go stale.
//
// The words are made in a worker running this same file: a page's first date formatter loads the
// browser's locale data, a long pause on a slow phone (~150 ms), and the page's main thread must
// stay free to answer quick exit at once. Where a worker cannot start, the page makes them itself.
(function () {
  'use strict';
  var MINUTE = 60e3;
  var HOUR = 60 * MINUTE;
  var DAY = 24 * HOUR;

  /** [text, title] for each [datetime, kind] at the moment `now`, or null to leave one as it is. */
  function wordsFor(page, now, items) {
    // The same English and French as the server writes (src/core/views/time.tsx).
    var lang = page === 'fr' ? 'fr-FR' : page === 'en' ? 'en-GB' : page;
    // Made once: a formatter costs far more to make than to use, and a page can carry many dates.
    var relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
    var exact = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'long' });
    var dateOnly = new Intl.DateTimeFormat(lang, { dateStyle: 'long' });
    var dateAndTime = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' });
    var midnight = function (d) {
      return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    };
    var today = new Date(now);
    return items.map(function (item) {
      var at = new Date(item[0]);
      if (isNaN(at.getTime())) return null;
      var ago = now - at.getTime();
      // Calendar days in the reader's time zone, so "yesterday" means yesterday (round: DST days).
      var days = Math.round((midnight(today) - midnight(at)) / DAY);
      var words;
      if (ago < -MINUTE)
        words = null; // in the future by this clock: keep the date
      else if (ago < MINUTE) words = relative.format(0, 'second');
      else if (ago < HOUR) words = relative.format(-Math.floor(ago / MINUTE), 'minute');
      else if (ago < DAY) words = relative.format(-Math.floor(ago / HOUR), 'hour');
      else if (days < 7) words = relative.format(-days, 'day');
      else if (days < 31) words = relative.format(-Math.floor(days / 7), 'week');
      // Beyond a month a date says more than "5 weeks ago": the date, in the reader's time zone.
      if (!words) words = (item[1] === 'time' ? dateAndTime : dateOnly).format(at);
      return [words, exact.format(at)];
    });
  }

  if (typeof document === 'undefined') {
    // In the worker: one request, one answer.
    self.onmessage = function (event) {
      self.postMessage(wordsFor(event.data.lang, event.data.now, event.data.items));
    };
    return;
  }

  var times = document.querySelectorAll('time[data-relative][datetime]');
  if (!times.length || typeof Intl === 'undefined' || !Intl.RelativeTimeFormat) return;
  var lang = document.documentElement.lang || 'en';
  // The page's clock, read here: the worker's could differ where a test or an extension sets it.
  var now = Date.now();
  var items = [];
  for (var i = 0; i < times.length; i++)
    items.push([times[i].getAttribute('datetime'), times[i].getAttribute('data-relative')]);
  // Words usually arrive after the page is drawn: each date keeps at least the width it had, so
  // nothing beside or below it moves (widths all read first, then all written: one layout).
  var apply = function (words) {
    var widths = [];
    for (var i = 0; i < times.length; i++) widths.push(times[i].getBoundingClientRect().width);
    for (var j = 0; j < times.length; j++) {
      if (!words[j]) continue;
      times[j].textContent = words[j][0];
      times[j].title = words[j][1];
      times[j].style.display = 'inline-block';
      times[j].style.minWidth = widths[j] + 'px';
    }
  };
  var inPage = function () {
    apply(wordsFor(lang, now, items));
  };
  var worker = null;
  try {
    if (typeof Worker === 'function' && document.currentScript) worker = new Worker(document.currentScript.src);
  } catch {
    worker = null;
  }
  if (!worker) return inPage();
  worker.onmessage = function (event) {
    worker.terminate();
    apply(event.data);
  };
  worker.onerror = function () {
    worker.terminate();
    inPage();
  };
  worker.postMessage({ lang: lang, now: now, items: items });
})();

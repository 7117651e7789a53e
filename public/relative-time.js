// Dates readers see (<time data-relative>, src/core/views/time.tsx) arrive as absolute dates in the
// page's language. Here, with the reader's clock and time zone, recent ones become "3 days ago" /
// « il y a 3 jours » and older ones the date in the reader's own time zone; the title keeps the
// exact time. Done in the browser because cached pages would make server-written words go stale.
(function () {
  var times = document.querySelectorAll('time[data-relative][datetime]');
  if (!times.length || typeof Intl === 'undefined' || !Intl.RelativeTimeFormat) return;
  var page = document.documentElement.lang || 'en';
  // The same English and French as the server writes (src/core/views/time.tsx).
  var lang = page === 'fr' ? 'fr-FR' : page === 'en' ? 'en-GB' : page;
  var relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  var exact = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'long' });
  // Made once: a formatter costs far more to make than to use, and a post can carry many dates.
  var dateOnly = new Intl.DateTimeFormat(lang, { dateStyle: 'long' });
  var dateAndTime = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' });
  var MINUTE = 60e3;
  var HOUR = 60 * MINUTE;
  var DAY = 24 * HOUR;
  var midnight = function (d) {
    return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  };
  var today = new Date();
  for (var i = 0; i < times.length; i++) {
    var el = times[i];
    var at = new Date(el.getAttribute('datetime'));
    if (isNaN(at.getTime())) continue;
    var ago = today.getTime() - at.getTime();
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
    if (!words) words = (el.getAttribute('data-relative') === 'time' ? dateAndTime : dateOnly).format(at);
    el.textContent = words;
    el.title = exact.format(at);
  }
})();

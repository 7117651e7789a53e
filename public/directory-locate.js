// "Use my location" on the directory search: the browser's position goes only into the search
// address the visitor submits (rounded to about 1 km); nothing is sent anywhere else or stored.
(function () {
  var form = document.querySelector('[data-directory-search]');
  if (!form || !('geolocation' in navigator)) return;
  var button = form.querySelector('[data-use-location]');
  var field = form.querySelector('[data-location-field]');
  var note = form.querySelector('[data-location-note]');
  if (!button || !field) return;
  button.hidden = false;
  if (note) note.hidden = false;
  button.addEventListener('click', function () {
    var label = button.textContent;
    button.disabled = true;
    button.textContent = button.getAttribute('data-label-busy') || '…';
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        field.disabled = false;
        field.value = pos.coords.latitude.toFixed(2) + ',' + pos.coords.longitude.toFixed(2);
        var place = form.querySelector('input[name=place]');
        if (place) place.value = '';
        // requestSubmit fires the submit event, so the search replaces this history entry (quick-exit.js).
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      },
      function () {
        button.disabled = false;
        button.textContent = label;
        if (note) note.textContent = 'Your location could not be read. Type a town or city instead.';
      },
      { maximumAge: 600000, timeout: 15000 },
    );
  });
})();

// Filters fold into a <details> so results come first on a phone; a wide screen has room for both.
(function () {
  var fold = document.querySelector('[data-filters]');
  if (fold && window.matchMedia && window.matchMedia('(min-width: 52rem)').matches) fold.open = true;
})();

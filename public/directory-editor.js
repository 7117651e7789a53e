// The listing editor, improved: "add another" buttons under the hours, phone and language rows, a
// filter over long lists (countries, languages, time zones), and arrow buttons that move the map's
// point at once. Without JavaScript the form already shows empty rows, and the arrows ask the server.
(function () {
  var form = document.querySelector('form.listing-editor');
  if (!form) return;

  // ── add another row: a copy of the last row, renumbered and emptied ──
  function renumber(el, prefix, from, to) {
    ['name', 'id', 'for', 'aria-describedby'].forEach(function (attr) {
      var v = el.getAttribute(attr);
      if (!v) return;
      if (prefix) v = v.split(prefix + from + '_').join(prefix + to + '_');
      else v = v.replace(new RegExp('-' + from + '$'), '-' + to);
      el.setAttribute(attr, v);
    });
  }
  var LABELS = {
    phone: 'Add another phone',
    languages: 'Add another language',
    areas: 'Add another country',
    exception: 'Add another change',
  };
  form.querySelectorAll('[data-rows]').forEach(function (box) {
    var key = box.getAttribute('data-rows');
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary add-row';
    button.textContent = LABELS[key] || 'Add another session';
    button.addEventListener('click', function () {
      var rows = box.querySelectorAll(':scope > [data-row]');
      var last = rows[rows.length - 1];
      var from = Number(last.getAttribute('data-row'));
      var to = from + 1;
      var copy = last.cloneNode(true);
      copy.setAttribute('data-row', String(to));
      var prefix = key === 'languages' || key === 'areas' ? '' : key;
      if (prefix) copy.id = copy.id ? copy.id.split(prefix + from + '_').join(prefix + to + '_') : copy.id;
      copy.querySelectorAll('[name], [id], [for], [aria-describedby]').forEach(function (el) {
        renumber(el, prefix, from, to);
      });
      copy.querySelectorAll('.field-error, .list-filter').forEach(function (el) {
        el.remove();
      });
      copy.querySelectorAll('input').forEach(function (el) {
        if (el.type === 'checkbox') el.checked = false;
        // A choice between radios keeps its values and goes back to the default one.
        else if (el.type === 'radio') el.checked = el.hasAttribute('data-default');
        else el.value = '';
        el.removeAttribute('aria-invalid');
      });
      copy.querySelectorAll('select').forEach(function (el) {
        el.selectedIndex = 0;
      });
      var legend = copy.querySelector('legend');
      if (legend) legend.textContent = legend.textContent.replace(/\d+$/, String(rows.length + 1));
      copy.querySelectorAll('label[for]').forEach(function (el) {
        el.textContent = el.textContent.replace(/\d+$/, String(rows.length + 1));
      });
      last.after(copy);
      copy.querySelectorAll('select[data-filterable]').forEach(addFilter);
      var first = copy.querySelector('input, select');
      if (first) first.focus();
    });
    box.appendChild(button);
  });

  // ── a filter over a long list: typing hides the options whose name does not contain the text ──
  function fold(s) {
    return s
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  }
  function addFilter(select) {
    if (select.options.length < 30) return;
    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'list-filter';
    input.setAttribute('aria-label', 'Filter the list below');
    input.placeholder = 'Type to filter the list';
    input.addEventListener('input', function () {
      var q = fold(input.value.trim());
      var firstShown = null;
      Array.prototype.forEach.call(select.options, function (o) {
        var show = !q || o.value === '' || fold(o.textContent).indexOf(q) >= 0;
        o.hidden = !show;
        if (show && o.value !== '' && !firstShown) firstShown = o;
      });
      if (q && firstShown && select.selectedOptions[0] && select.selectedOptions[0].hidden) firstShown.selected = true;
    });
    select.before(input);
  }
  form.querySelectorAll('select[data-filterable]').forEach(addFilter);

  // ── arrows: move the point and its dot at once ──
  var STEP = 0.005;
  form.querySelectorAll('[data-map]').forEach(function (box) {
    var i = box.getAttribute('data-map');
    var svg = box.querySelector('svg');
    var point = box.querySelector('.place-point');
    var lat = form.querySelector('[name="loc' + i + '_latitude"]');
    var lon = form.querySelector('[name="loc' + i + '_longitude"]');
    if (!svg || !point || !lat || !lon) return;
    var lat0 = Number(svg.getAttribute('data-lat'));
    var lon0 = Number(svg.getAttribute('data-lon'));
    var spanLat = Number(svg.getAttribute('data-span-lat'));
    var spanLon = Number(svg.getAttribute('data-span-lon'));
    var vb = svg.viewBox.baseVal;
    function draw() {
      var dx = ((Number(lon.value) - lon0) / spanLon) * vb.width;
      var dy = (-(Number(lat.value) - lat0) / spanLat) * vb.height;
      if (isFinite(dx) && isFinite(dy)) point.setAttribute('transform', 'translate(' + dx + ' ' + dy + ')');
    }
    var round = function (x) {
      return String(Math.round(x * 10000) / 10000);
    };
    box.querySelectorAll('[data-nudge]').forEach(function (button) {
      button.addEventListener('click', function (event) {
        var a = Number(lat.value);
        var o = Number(lon.value);
        if (!isFinite(a) || !isFinite(o) || lat.value === '' || lon.value === '') return; // the server answers
        event.preventDefault();
        var d = button.getAttribute('data-nudge');
        if (d === 'n') a = Math.min(90, a + STEP);
        if (d === 's') a = Math.max(-90, a - STEP);
        if (d === 'e') o = o + STEP > 180 ? o + STEP - 360 : o + STEP;
        if (d === 'w') o = o - STEP < -180 ? o - STEP + 360 : o - STEP;
        lat.value = round(a);
        lon.value = round(o);
        draw();
      });
    });
    lat.addEventListener('input', draw);
    lon.addEventListener('input', draw);
  });
})();

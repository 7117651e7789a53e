/*
 * Training, progressive enhancement only:
 * - reflection answers are kept in this browser's localStorage and are never sent anywhere
 *   (the textareas have no name and sit outside any form);
 * - "copy" and "print" buttons for the progress code appear only when scripts run.
 */
(function () {
  'use strict';
  var PREFIX = 'alongside-reflection:';

  function storage() {
    try {
      var s = window.localStorage;
      s.setItem(PREFIX + 'test', '1');
      s.removeItem(PREFIX + 'test');
      return s;
    } catch {
      return null;
    }
  }

  var store = storage();
  var fields = document.querySelectorAll('textarea[data-reflection]');
  if (store) {
    Array.prototype.forEach.call(fields, function (field) {
      var key = PREFIX + field.getAttribute('data-reflection');
      var saved = store.getItem(key);
      if (saved !== null) field.value = saved;
      field.addEventListener('input', function () {
        if (field.value) store.setItem(key, field.value);
        else store.removeItem(key);
      });
    });
  }

  function clearNotes() {
    if (!store) return;
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k && k.indexOf(PREFIX) === 0) keys.push(k);
    }
    keys.forEach(function (k) {
      store.removeItem(k);
    });
    Array.prototype.forEach.call(fields, function (field) {
      field.value = '';
    });
  }

  // "Forget this device" also forgets the notes; a button removes them at any time.
  Array.prototype.forEach.call(document.querySelectorAll('form[data-forget]'), function (form) {
    form.addEventListener('submit', clearNotes);
  });
  Array.prototype.forEach.call(document.querySelectorAll('button[data-clear-reflections]'), function (button) {
    if (!store) return;
    button.hidden = false;
    button.addEventListener('click', clearNotes);
  });

  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (button) {
    var target = document.querySelector(button.getAttribute('data-copy'));
    if (!target || !navigator.clipboard) return;
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(
        function () {
          button.textContent = '✓ ' + label;
        },
        function () {
          button.textContent = label;
        },
      );
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll('button[data-print]'), function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      window.print();
    });
  });
})();

// Formatting buttons and shortcuts (Ctrl/Cmd+B, I, K) for the Markdown fields staff write in (post
// bodies, lesson texts): each <template data-md-toolbar> holds the buttons for the textarea its
// data-md-for names, shown only when this script runs (without it they would do nothing). Lends the
// post editor the same text editing for the images it inserts (window.alongsideMarkdown).
// First-party and small on purpose: no editor library, nothing loaded from another site.
(function () {
  // Remembered so that something inserted after leaving the text goes where the cursor was.
  var carets = new WeakMap();
  function remember(source) {
    carets.set(source, { start: source.selectionStart, end: source.selectionEnd });
  }
  function caret(source) {
    return carets.get(source) || { start: source.value.length, end: source.value.length };
  }

  /** Replaces start..end with text (undoable where the browser allows it), selecting sel; listeners hear `input`. */
  function replace(source, start, end, text, selStart, selEnd) {
    source.focus();
    source.setSelectionRange(start, end);
    var done;
    try {
      done = document.execCommand('insertText', false, text);
    } catch {
      done = false;
    }
    if (!done || source.value.slice(start, start + text.length) !== text) {
      source.value = source.value.slice(0, start) + text + source.value.slice(end);
      source.dispatchEvent(new Event('input', { bubbles: true }));
    }
    source.setSelectionRange(selStart, selEnd);
    remember(source);
  }

  function wrap(source, before, after, placeholder) {
    var s = source.selectionStart;
    var e = source.selectionEnd;
    var chosen = source.value.slice(s, e) || placeholder;
    replace(source, s, e, before + chosen + after, s + before.length, s + before.length + chosen.length);
  }

  /** Puts prefix before every line the selection touches. */
  function prefixLines(source, prefix) {
    var v = source.value;
    var s = v.lastIndexOf('\n', source.selectionStart - 1) + 1;
    var e = v.indexOf('\n', source.selectionEnd);
    if (e === -1) e = v.length;
    var text = v
      .slice(s, e)
      .split('\n')
      .map(function (line) {
        return line.indexOf(prefix) === 0 ? line : prefix + line;
      })
      .join('\n');
    replace(source, s, e, text, s + text.length, s + text.length);
  }

  function link(source) {
    var s = source.selectionStart;
    var e = source.selectionEnd;
    var label = source.value.slice(s, e) || 'link text';
    // The address is selected, ready to be typed over.
    var at = s + label.length + 3;
    replace(source, s, e, '[' + label + '](https://)', at, at + 8);
  }

  var actions = {
    heading: function (source) {
      prefixLines(source, '## ');
    },
    bold: function (source) {
      wrap(source, '**', '**', 'bold text');
    },
    italic: function (source) {
      wrap(source, '_', '_', 'italic text');
    },
    link: link,
    list: function (source) {
      prefixLines(source, '- ');
    },
    quote: function (source) {
      prefixLines(source, '> ');
    },
    image: function (source) {
      remember(source);
      source.dispatchEvent(new CustomEvent('markdown-image', { bubbles: true }));
    },
  };
  var KEYS = { b: 'bold', i: 'italic', k: 'link' };

  function attach(template) {
    if (!('content' in template) || !template.content.firstElementChild) return;
    var bar = template.content.firstElementChild.cloneNode(true);
    var source = document.getElementById(bar.getAttribute('data-md-for'));
    if (!source) return;
    ['select', 'keyup', 'mouseup', 'blur'].forEach(function (type) {
      source.addEventListener(type, function () {
        remember(source);
      });
    });
    bar.addEventListener('click', function (event) {
      var button = event.target.closest('button[data-md]');
      var act = button && actions[button.getAttribute('data-md')];
      if (act) act(source);
    });
    source.addEventListener('keydown', function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      var act = KEYS[event.key.toLowerCase()];
      if (!act) return;
      event.preventDefault();
      actions[act](source);
    });
    template.parentNode.insertBefore(bar, template);
  }

  window.alongsideMarkdown = { replace: replace, caret: caret, remember: remember };
  Array.prototype.forEach.call(document.querySelectorAll('template[data-md-toolbar]'), attach);
})();

// The post editor, improved when JavaScript runs (without it the plain textarea, the "Preview"
// button and the "Add the image" button do the same through the server):
// - formatting buttons and shortcuts (Ctrl/Cmd+B, I, K) that write Markdown around the selection;
// - a live preview rendered by the server's own Markdown renderer (the one readers' pages use);
// - images chosen or dropped into the text are uploaded with their required description and their
//   line inserted at the cursor.
// First-party and small on purpose: no editor library, nothing loaded from another site.
(function () {
  var form = document.querySelector('[data-post-editor]');
  if (!form) return;
  var source = form.querySelector('[data-preview-source]');
  var target = form.querySelector('[data-preview]');
  var csrf = form.querySelector('input[name="_csrf"]');
  if (!source || !target || !csrf) return;

  // ── live preview ──
  var timer = null;
  var seq = 0;
  function refresh() {
    var mine = ++seq;
    var body = new URLSearchParams();
    body.set('body_md', source.value);
    fetch('/admin/posts/preview', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf.value },
      body: body.toString(),
    })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        // Only the renderer's output (raw HTML escaped, safe links only) is inserted.
        if (html !== null && mine === seq) target.innerHTML = html;
      })
      .catch(function () {});
  }
  function changed() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }
  source.addEventListener('input', changed);

  // ── editing the text ──
  // Remembered so an image chosen after leaving the text goes where the cursor was.
  var caret = { start: source.value.length, end: source.value.length };
  function remember() {
    caret = { start: source.selectionStart, end: source.selectionEnd };
  }
  source.addEventListener('select', remember);
  source.addEventListener('keyup', remember);
  source.addEventListener('mouseup', remember);
  source.addEventListener('blur', remember);

  /** Replaces start..end with text (undoable where the browser allows it), selecting sel. */
  function replace(start, end, text, selStart, selEnd) {
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
    }
    source.setSelectionRange(selStart, selEnd);
    remember();
    changed();
  }

  function wrap(before, after, placeholder) {
    var s = source.selectionStart;
    var e = source.selectionEnd;
    var chosen = source.value.slice(s, e) || placeholder;
    replace(s, e, before + chosen + after, s + before.length, s + before.length + chosen.length);
  }

  /** Puts prefix before every line the selection touches. */
  function prefixLines(prefix) {
    var v = source.value;
    var s = v.lastIndexOf('\n', source.selectionStart - 1) + 1;
    var e = v.indexOf('\n', source.selectionEnd);
    if (e === -1) e = v.length;
    var lines = v.slice(s, e).split('\n');
    var text = lines
      .map(function (line) {
        return line.indexOf(prefix) === 0 ? line : prefix + line;
      })
      .join('\n');
    replace(s, e, text, s + text.length, s + text.length);
  }

  function link() {
    var s = source.selectionStart;
    var e = source.selectionEnd;
    var label = source.value.slice(s, e) || 'link text';
    var text = '[' + label + '](https://)';
    // The address is selected, ready to be typed over.
    var at = s + label.length + 3;
    replace(s, e, text, at, at + 8);
  }

  var imageBox = form.querySelector('[data-add-image]');
  var imageFile = imageBox && imageBox.querySelector('input[type="file"]');
  var imageAlt = imageBox && imageBox.querySelector('input[name="image_alt"]');
  var imageButton = imageBox && imageBox.querySelector('[data-add-image-button]');
  var imageStatus = imageBox && imageBox.querySelector('[data-image-status]');

  var actions = {
    heading: function () {
      prefixLines('## ');
    },
    bold: function () {
      wrap('**', '**', 'bold text');
    },
    italic: function () {
      wrap('_', '_', 'italic text');
    },
    link: link,
    list: function () {
      prefixLines('- ');
    },
    quote: function () {
      prefixLines('> ');
    },
    image: function () {
      remember();
      if (imageFile) imageFile.click();
    },
  };

  var template = form.querySelector('template[data-md-toolbar]');
  if (template && 'content' in template) {
    var bar = template.content.firstElementChild.cloneNode(true);
    bar.addEventListener('click', function (event) {
      var button = event.target.closest('button[data-md]');
      if (!button) return;
      var act = actions[button.getAttribute('data-md')];
      if (act) act();
    });
    template.parentNode.insertBefore(bar, template);
  }

  var KEYS = { b: 'bold', i: 'italic', k: 'link' };
  source.addEventListener('keydown', function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    var act = KEYS[event.key.toLowerCase()];
    if (!act) return;
    event.preventDefault();
    actions[act]();
  });

  // ── images ──
  if (!imageBox || !imageFile || !imageAlt || !imageButton || !imageStatus) return;
  function say(text) {
    imageStatus.textContent = text;
  }
  function chosen() {
    if (!imageFile.files || !imageFile.files.length) return;
    say('Describe the image (required), then choose “Add the image to the text”.');
    imageAlt.focus();
  }
  imageFile.addEventListener('change', chosen);
  source.addEventListener('dragover', function (event) {
    if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, 'Files') !== -1) {
      event.preventDefault();
    }
  });
  source.addEventListener('drop', function (event) {
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) return;
    event.preventDefault();
    remember();
    imageFile.files = files;
    chosen();
  });

  imageButton.addEventListener('click', function (event) {
    event.preventDefault();
    if (!imageFile.files || !imageFile.files.length) {
      say('Choose an image file to add to the text.');
      imageFile.focus();
      return;
    }
    if (!imageAlt.value.trim()) {
      say('Describe the image for people who cannot see it. Nothing was uploaded.');
      imageAlt.focus();
      return;
    }
    var data = new FormData();
    data.append('_csrf', csrf.value);
    data.append('image_alt', imageAlt.value);
    data.append('image', imageFile.files[0]);
    imageButton.disabled = true;
    say('Uploading…');
    fetch('/admin/posts/images', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-csrf-token': csrf.value, accept: 'application/json' },
      body: data,
    })
      .then(function (res) {
        return res
          .json()
          .catch(function () {
            return {};
          })
          .then(function (json) {
            return { ok: res.ok, json: json };
          });
      })
      .then(function (answer) {
        imageButton.disabled = false;
        if (!answer.ok || typeof answer.json.markdown !== 'string') {
          say(answer.json.error || 'The image could not be added. Try another file.');
          return;
        }
        var v = source.value;
        var at = Math.min(caret.end, v.length);
        // The image on a line of its own.
        var before = at > 0 && v.charAt(at - 1) !== '\n' ? '\n\n' : '';
        var line = before + answer.json.markdown + '\n';
        replace(caret.start, at, line, caret.start + line.length, caret.start + line.length);
        imageFile.value = '';
        imageAlt.value = '';
        say('The image was added to the text.');
      })
      .catch(function () {
        imageButton.disabled = false;
        say('The image could not be uploaded. Check the connection and try again.');
      });
  });
})();

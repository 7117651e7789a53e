// The post editor, improved when JavaScript runs (without it the plain textarea, the "Preview"
// button and the "Add the image" button do the same through the server):
// - formatting buttons and shortcuts (Ctrl/Cmd+B, I, K): markdown-toolbar.js, shared with other editors;
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

  // ── images ──
  // Formatting and the text editing images are inserted with are markdown-toolbar.js's, loaded first.
  var md = window.alongsideMarkdown;
  var imageBox = form.querySelector('[data-add-image]');
  var imageFile = imageBox && imageBox.querySelector('input[type="file"]');
  var imageAlt = imageBox && imageBox.querySelector('input[name="image_alt"]');
  var imageButton = imageBox && imageBox.querySelector('[data-add-image-button]');
  var imageStatus = imageBox && imageBox.querySelector('[data-image-status]');
  if (!md || !imageBox || !imageFile || !imageAlt || !imageButton || !imageStatus) return;
  // The toolbar's Image button.
  source.addEventListener('markdown-image', function () {
    imageFile.click();
  });
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
    md.remember(source);
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
        var caret = md.caret(source);
        var at = Math.min(caret.end, v.length);
        // The image on a line of its own.
        var before = at > 0 && v.charAt(at - 1) !== '\n' ? '\n\n' : '';
        var line = before + answer.json.markdown + '\n';
        md.replace(source, caret.start, at, line, caret.start + line.length, caret.start + line.length);
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

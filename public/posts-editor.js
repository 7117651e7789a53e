// Live preview for the post editor: sends the Markdown to the server, which renders it with the
// same safe renderer as the public page. Without JavaScript, the "Preview" button does the same.
(function () {
  var form = document.querySelector('[data-post-editor]');
  if (!form) return;
  var source = form.querySelector('[data-preview-source]');
  var target = form.querySelector('[data-preview]');
  var csrf = form.querySelector('input[name="_csrf"]');
  if (!source || !target || !csrf) return;
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
  source.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();

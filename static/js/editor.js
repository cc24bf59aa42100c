// The story editor: live preview (rendered by the server, the same code as the public page)
// and autosave of unsaved text to the user's own draft slot (never to a revision).
(function () {
  "use strict";
  var root = document.querySelector(".editor");
  if (!root) { return; }
  var form = root.closest("form");
  var field = function (name) { return form.querySelector("[name='" + name + "']"); };
  var body = field("body"), title = field("title"), summary = field("summary");
  var base = field("base_revision_id");
  var previewBox = root.querySelector(".preview-body");
  var previewError = root.querySelector(".preview-error");
  var status = root.querySelector(".autosave-status");
  var csrf = root.getAttribute("data-csrf");
  var dirty = false, previewTimer = null, saving = false;

  function post(url, data) {
    var fd = new FormData();
    fd.append("csrf_token", csrf);
    Object.keys(data).forEach(function (k) { fd.append(k, data[k]); });
    return fetch(url, { method: "POST", body: fd, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, json: j }; }); });
  }

  function refreshPreview() {
    post(root.getAttribute("data-preview-url"), { body: body.value }).then(function (res) {
      if (res.ok) {
        previewBox.innerHTML = res.json.html; // sanitised by the server (bleach allowlist)
        previewError.hidden = true;
      } else {
        previewError.textContent = res.json.error || "";
        previewError.hidden = false;
      }
    }).catch(function () {});
  }

  function autosave() {
    if (!dirty || saving) { return; }
    saving = true; dirty = false;
    post(root.getAttribute("data-autosave-url"), {
      scope: root.getAttribute("data-scope"), title: title.value, summary: summary.value,
      body: body.value, base_revision_id: base ? base.value : ""
    }).then(function (res) {
      saving = false;
      var time = new Date().toLocaleTimeString(document.documentElement.lang);
      status.textContent = res.ok ? root.getAttribute("data-msg-saved").replace("{time}", time)
                                  : root.getAttribute("data-msg-failed");
      if (!res.ok) { dirty = true; }
    }).catch(function () { saving = false; dirty = true; status.textContent = root.getAttribute("data-msg-failed"); });
  }

  // Side-by-side translation: one field per paragraph, joined into the body.
  var segments = Array.prototype.slice.call(root.querySelectorAll("[data-segment]"));
  function joinSegments() {
    body.value = segments.map(function (s) { return s.value.trim(); })
      .filter(function (v) { return v; }).join("\n\n");
  }
  segments.forEach(function (el) {
    el.addEventListener("input", function () {
      joinSegments(); dirty = true;
      clearTimeout(previewTimer); previewTimer = setTimeout(refreshPreview, 400);
    });
  });

  [title, summary, body].forEach(function (el) {
    el.addEventListener("input", function () {
      dirty = true;
      if (el === body) { clearTimeout(previewTimer); previewTimer = setTimeout(refreshPreview, 400); }
    });
  });
  setInterval(autosave, 8000);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { autosave(); } });
  form.addEventListener("submit", function () { dirty = false; });

  var restore = document.querySelector("[data-restore]");
  if (restore) {
    restore.addEventListener("click", function () {
      var data = JSON.parse(document.getElementById("autosave-data").textContent);
      if (data.title !== undefined) { title.value = data.title; }
      if (data.summary !== undefined) { summary.value = data.summary; }
      if (data.body !== undefined) { body.value = data.body; }
      // Save against the revision the kept text was based on, so a newer one is a conflict.
      if (base && restore.getAttribute("data-base")) { base.value = restore.getAttribute("data-base"); }
      dirty = true; refreshPreview();
      restore.closest(".restore").hidden = true;
    });
  }
  refreshPreview();
})();

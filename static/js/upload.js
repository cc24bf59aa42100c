// Media uploads with a real progress bar per file (bytes sent / total) and a cancel button.
// Small files, and every file with the local store, are streamed through the hub; large
// files go straight to S3 with a presigned POST when the S3 store is on.
(function () {
  "use strict";
  var box = document.querySelector(".upload");
  if (!box) { return; }
  var input = box.querySelector("input[type=file]");
  var list = box.querySelector(".upload-list");
  var zone = box.querySelector(".dropzone");
  var csrf = box.getAttribute("data-csrf");
  var msg = function (name) { return box.getAttribute("data-msg-" + name); };
  var pending = 0, succeeded = 0;

  function row(file) {
    var li = document.createElement("li");
    li.className = "upload-item";
    var name = document.createElement("bdi");
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = file.size || 1; bar.value = 0;
    var pct = document.createElement("span");
    pct.className = "pct"; pct.textContent = "0 %";
    var cancel = document.createElement("button");
    cancel.type = "button"; cancel.className = "button secondary"; cancel.textContent = msg("cancel");
    var status = document.createElement("span");
    status.className = "status";
    li.append(name, bar, pct, cancel, status);
    list.appendChild(li);
    return { li: li, bar: bar, pct: pct, cancel: cancel, status: status };
  }

  function finish(ui, ok, text, thumb) {
    ui.cancel.remove();
    ui.status.textContent = text;
    ui.li.classList.add(ok ? "done" : "failed");
    if (ok && thumb) {
      var img = document.createElement("img");
      img.src = thumb; img.alt = ""; img.width = 60; img.height = 60; img.className = "thumb";
      ui.li.appendChild(img);
    }
    pending -= 1;
    if (ok) { succeeded += 1; }
    // When the last file is done, show the stored files (with any message left readable).
    if (pending === 0 && succeeded) { setTimeout(function () { window.location.reload(); }, 2500); }
  }

  function progress(ui, sent, total) {
    ui.bar.max = total || 1; ui.bar.value = sent;
    ui.pct.textContent = Math.floor(100 * sent / (total || 1)) + " %";
  }

  function errorOf(xhr) {
    try { return JSON.parse(xhr.responseText).error || msg("failed"); } catch (e) { return msg("failed"); }
  }

  function viaHub(file, ui) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", box.getAttribute("data-upload-url"));
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("X-Filename", encodeURIComponent(file.name));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) { progress(ui, e.loaded, e.total || file.size); };
    xhr.onload = function () {
      if (xhr.status === 200) {
        progress(ui, file.size, file.size);
        finish(ui, true, msg("done"), JSON.parse(xhr.responseText).thumb);
      } else { finish(ui, false, errorOf(xhr)); }
    };
    xhr.onerror = function () { finish(ui, false, msg("network")); };
    xhr.onabort = function () { finish(ui, false, msg("cancelled")); };
    ui.cancel.onclick = function () { xhr.abort(); };
    xhr.send(file);
  }

  function post(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body || {}) }).then(function (r) {
        return r.json().then(function (j) { return { ok: r.ok, json: j }; });
      });
  }

  function direct(file, ui) {
    post(box.getAttribute("data-direct-url"), { filename: file.name }).then(function (res) {
      if (!res.ok) { finish(ui, false, res.json.error || msg("failed")); return; }
      var form = new FormData();
      Object.keys(res.json.fields).forEach(function (k) { form.append(k, res.json.fields[k]); });
      form.append("file", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", res.json.url);
      xhr.upload.onprogress = function (e) { progress(ui, e.loaded, e.total || file.size); };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          post(res.json.complete).then(function (done) {
            if (done.ok) { progress(ui, file.size, file.size); finish(ui, true, msg("done"), done.json.thumb); }
            else { finish(ui, false, done.json.error || msg("failed")); }
          });
        } else { finish(ui, false, msg("failed")); }
      };
      xhr.onerror = function () { finish(ui, false, msg("network")); };
      xhr.onabort = function () {
        post(res.json.complete.replace(/complete$/, "cancel"));
        finish(ui, false, msg("cancelled"));
      };
      ui.cancel.onclick = function () { xhr.abort(); };
      xhr.send(form);
    });
  }

  function send(files) {
    Array.prototype.forEach.call(files, function (file) {
      pending += 1;
      var ui = row(file);
      var directUrl = box.getAttribute("data-direct-url");
      if (directUrl && file.size >= Number(box.getAttribute("data-direct-min"))) { direct(file, ui); }
      else { viaHub(file, ui); }
    });
  }

  input.addEventListener("change", function () { send(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) { send(e.dataTransfer.files); });
})();

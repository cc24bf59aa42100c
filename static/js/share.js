// The share block of a story page: "Copy link" (the clipboard, else a selected text box)
// and "Share…" (the phone's own share sheet, shown only where the browser has one).
// Without JavaScript both stay hidden; the network links work on their own.
(function () {
  "use strict";
  var block = document.querySelector("[data-share]");
  if (!block) { return; }
  var url = block.getAttribute("data-url");
  var title = block.getAttribute("data-title");
  var status = block.querySelector("[data-share-status]");
  var copy = block.querySelector("[data-copy]");
  var native = block.querySelector("[data-native-share]");
  var fallback = block.querySelector("[data-share-fallback]");
  var timer = null;

  function say(text) {
    // Emptied first so that saying the same words again is announced again.
    status.textContent = "";
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function showBox() {
    fallback.hidden = false;
    var input = fallback.querySelector("input");
    input.focus();
    input.select();
    say(block.getAttribute("data-copy-failed"));
  }

  function copyOldWay() {
    var input = fallback.querySelector("input");
    input.value = url;
    fallback.hidden = false;
    input.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    if (done) {
      fallback.hidden = true;
      say(block.getAttribute("data-copied"));
    } else {
      showBox();
    }
  }

  if (copy) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(
          function () { say(block.getAttribute("data-copied")); },
          copyOldWay
        );
      } else {
        copyOldWay();
      }
    });
  }

  if (native && typeof navigator.share === "function") {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: title, url: url }).catch(function () {
        // Closing the share sheet is not an error worth a message.
      });
    });
  }
})();

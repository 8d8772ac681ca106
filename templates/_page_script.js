(function () {
  "use strict";
  try {
    var signed = {{ "true" if signed else "false" }};
    // The host page's origin, as embed.js reported it; only heights and events are sent.
    var target = {{ (context.origin if context and context.origin else "*")|tojson }};
    var post = function (message) {
      message.type = "petition-widget";
      if (window.parent !== window) window.parent.postMessage(message, target);
    };
    var lastHeight = 0;
    var sendHeight = function () {
      var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height !== lastHeight) { lastHeight = height; post({ event: "height", height: height }); }
    };
    var form = document.querySelector("form[method=post]");
    if (form) form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      // Keep a double click from sending the form twice; its token can be spent only once.
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
    var focusTarget = document.querySelector("[aria-invalid=true]") || document.getElementById("form-problem") || (signed && document.getElementById("thanks-heading"));
    if (focusTarget) focusTarget.focus();
    post({ event: "ready" });
    sendHeight();
    if (signed) post({ event: "signed" });
    if (window.ResizeObserver) new ResizeObserver(sendHeight).observe(document.documentElement);
    window.addEventListener("load", sendHeight);
  } catch (error) { /* the form works without this script */ }
})();

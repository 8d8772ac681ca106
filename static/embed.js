/* Petition Widget embed: turns each a.petition-widget into a self-sizing iframe.
   One hand-written file, no build step, no globals; it never throws into the host page. */
(function () {
  "use strict";
  var MIN_HEIGHT = 120, MAX_HEIGHT = 5000, START_HEIGHT = 640, READY_GRACE_MS = 4000;
  try {
    var script = document.currentScript;
    var scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : null;
    var frames = [];

    var upgrade = function (link) {
      if (link.getAttribute("data-petition-widget-done")) return;
      var url = new URL(link.href, location.href);
      var match = url.pathname.match(/^\/p\/([a-z0-9-]+)\/?$/);
      if (!match || (scriptOrigin && url.origin !== scriptOrigin)) return;
      link.setAttribute("data-petition-widget-done", "1");
      // The link's own URL carries partner, source and lang (a stripped script still
      // credits the partner); data-* attributes, the older form, win where both are set.
      var query = new URLSearchParams();
      ["partner", "source", "lang"].forEach(function (name) {
        var value = link.getAttribute("data-" + name) || url.searchParams.get(name);
        if (value) query.set(name, value);
      });
      query.set("origin", location.origin);
      var frame = document.createElement("iframe");
      frame.src = url.origin + "/p/" + match[1] + "/embed?" + query;
      frame.title = link.textContent.trim() || "Petition";
      frame.loading = "lazy";
      frame.setAttribute("allow", "clipboard-write; web-share");
      frame.setAttribute("sandbox", "allow-forms allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox");
      frame.style.cssText = "display:block;width:100%;max-width:40rem;border:0;overflow:hidden;height:" + START_HEIGHT + "px";
      var entry = { frame: frame, link: link, origin: url.origin, slug: match[1], partner: query.get("partner"), ready: false };
      frames.push(entry);
      // Until the widget says it is ready, the link stays: if the frame cannot load, the
      // link still leads to the full petition page.
      frame.addEventListener("load", function () {
        setTimeout(function () {
          if (!entry.ready && frame.parentNode) frame.parentNode.removeChild(frame);
        }, READY_GRACE_MS);
      });
      link.parentNode.insertBefore(frame, link.nextSibling);
    };

    window.addEventListener("message", function (event) {
      try {
        var data = event.data;
        if (!data || data.type !== "petition-widget") return;
        for (var i = 0; i < frames.length; i++) {
          var entry = frames[i];
          if (event.source !== entry.frame.contentWindow || event.origin !== entry.origin) continue;
          if (!entry.ready) {
            entry.ready = true;
            entry.link.style.display = "none";
          }
          if (data.event === "height" && typeof data.height === "number" && isFinite(data.height)) {
            var height = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(data.height)));
            entry.frame.style.height = height + "px";
          } else if (data.event === "signed") {
            entry.frame.dispatchEvent(new CustomEvent("petition-widget:signed", {
              bubbles: true,
              detail: { slug: entry.slug, partner: entry.partner }
            }));
          }
        }
      } catch (error) { /* never break the host page */ }
    });

    var scan = function () {
      try {
        var links = document.querySelectorAll("a.petition-widget");
        for (var i = 0; i < links.length; i++) upgrade(links[i]);
      } catch (error) { /* leave the links as they are */ }
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
    else scan();
  } catch (error) { /* an old browser: the links stay links */ }
})();

// The live pages' transport: poll the session's version once a second (204 while unchanged);
// when it moved, fetch the page's fragment and swap it in. A reload simply starts again from
// the server's state, so the big screen survives one.
(function () {
  "use strict";
  function watch(box) {
    var version = box.dataset.version;
    var busy = false;
    function tick() {
      if (busy) return;
      busy = true;
      fetch(box.dataset.versionUrl + "?v=" + encodeURIComponent(version), {
        cache: "no-store",
        credentials: "same-origin",
      })
        .then(function (r) {
          if (r.status !== 200) return null;
          return fetch(box.dataset.fragmentUrl, {
            cache: "no-store",
            credentials: "same-origin",
            headers: { "HX-Request": "true" },
          }).then(function (f) {
            return f.ok ? f.text() : null;
          });
        })
        .then(function (html) {
          if (!html) return;
          var old = document.getElementById(box.dataset.target);
          var holder = document.createElement("div");
          holder.innerHTML = html.trim();
          var fresh = holder.querySelector("#" + box.dataset.target);
          if (!old || !fresh) return;
          old.replaceWith(fresh);
          version = fresh.dataset.version || version;
          if (window.htmx) window.htmx.process(fresh);
        })
        .catch(function () {})
        .then(function () {
          busy = false;
        });
    }
    setInterval(tick, 1000);
  }
  document.querySelectorAll("[data-live-poll]").forEach(watch);
})();

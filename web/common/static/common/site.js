// The site's own script: small, no build step. Behaviour that needs the server goes through htmx.
(function () {
  "use strict";
  // Ask before a destructive or final action: <button data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var text = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (text && !window.confirm(text)) { event.preventDefault(); }
  }, true);
})();

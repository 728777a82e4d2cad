// The scoring page: the weighted total as the reviewer types, out-of-range marks before saving,
// and the draft kept safe (htmx autosave after a pause, a last save when the page is left, a
// notice and a retry when the connection is lost). The server decides; this only helps.
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form) { return; }
  var locked = form.dataset.locked === "1";
  var inputs = Array.prototype.slice.call(form.querySelectorAll(".score-input"));
  var total = document.getElementById("total");
  var lost = document.getElementById("connection-status");
  var dirty = false;

  function parse(input) {
    var text = input.value.trim().replace(",", ".");
    if (text === "") { return null; }
    if (!/^\d+(\.\d)?$/.test(text)) { return NaN; }
    return parseFloat(text);
  }

  function refresh() {
    var sum = 0;
    inputs.forEach(function (input) {
      var value = parse(input);
      var max = parseFloat(input.dataset.max);
      var bad = value !== null && (isNaN(value) || value < 0 || value > max);
      input.classList.toggle("is-invalid", bad);
      if (bad) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
      if (value !== null && !bad) { sum += parseFloat(input.dataset.weight) * value / max; }
    });
    total.textContent = (Math.round(sum * 100) / 100).toString();
  }

  inputs.forEach(function (input) { input.addEventListener("input", refresh); });
  refresh();
  if (locked) { return; }

  form.addEventListener("input", function () { dirty = true; });
  // A real submit (save, save and next, submit) is leaving with the values: no beacon after it.
  form.addEventListener("submit", function () { dirty = false; });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) { return; }
    if (event.detail.successful) { dirty = false; lost.hidden = true; }
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    if (event.detail.elt === form) { lost.hidden = false; }
  });
  window.addEventListener("online", function () {
    if (dirty && window.htmx) { window.htmx.trigger(form, "input"); }
  });
  function lastSave() {
    if (!dirty || !navigator.sendBeacon) { return; }
    var data = new FormData(form);
    data.append("beacon", "1");
    if (navigator.sendBeacon(form.action, data)) { dirty = false; }
  }
  window.addEventListener("pagehide", lastSave);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { lastSave(); }
  });
})();

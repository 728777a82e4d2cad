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

// Formsets: <button data-formset-add="team"> appends a copy of <template id="team-empty-row">.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-formset-add]");
  if (!button) { return; }
  var prefix = button.dataset.formsetAdd;
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var template = document.getElementById(prefix + "-empty-row");
  var rows = document.getElementById(prefix + "-rows");
  var index = parseInt(total.value, 10);
  var html = template.innerHTML.replace(/__prefix__/g, String(index));
  rows.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  var first = rows.lastElementChild.querySelector("input, select");
  if (first) { first.focus(); }
});

// Uploads: drag a file onto the drop zone, see the progress of large files (htmx's xhr events).
document.addEventListener("dragover", function (event) {
  var zone = event.target.closest && event.target.closest("[data-drop-zone]");
  if (zone) { event.preventDefault(); zone.classList.add("dragover"); }
});
document.addEventListener("dragleave", function (event) {
  var zone = event.target.closest && event.target.closest("[data-drop-zone]");
  if (zone) { zone.classList.remove("dragover"); }
});
document.addEventListener("drop", function (event) {
  var zone = event.target.closest && event.target.closest("[data-drop-zone]");
  if (!zone) { return; }
  event.preventDefault();
  zone.classList.remove("dragover");
  var input = zone.querySelector("input[type=file]");
  if (input && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; }
});
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest && event.target.closest("[data-upload-form]");
  var bar = form && form.querySelector("[data-upload-progress]");
  if (bar && event.detail.lengthComputable) {
    bar.classList.remove("d-none");
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});

// The judge's phone. The score is kept in localStorage from the first keystroke; "submit" marks
// it pending and sends it; a failed send (no network) keeps it pending and it is sent again when
// the browser is back online (and every two seconds meanwhile). The server keeps one score per
// judge and entry, so sending twice is harmless. Once a second the page asks whether the entry
// on stage or its state changed, and reloads itself when it did.
(function () {
  "use strict";
  var root = document.getElementById("phone");
  if (!root) return;
  var member = root.dataset.member;
  var slot = root.dataset.slot;
  var form = document.getElementById("score-form");
  var status = document.getElementById("phone-status");
  var draftKey = "live:" + member + ":draft:" + slot;
  var pendingKey = "live:" + member + ":pending";
  var csrf = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";
  var sending = false;

  function text(id, total) {
    var t = document.getElementById(id).innerHTML;
    return total === undefined ? t : t.replace("{total}", total);
  }
  function say(msg) {
    status.textContent = msg;
  }
  function inputs() {
    return form ? Array.prototype.slice.call(form.querySelectorAll(".live-score")) : [];
  }
  function valid(input) {
    var v = input.value.trim();
    var ok = /^\d+(\.\d)?$/.test(v) && parseFloat(v) <= parseFloat(input.dataset.max);
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    input.classList.toggle("is-invalid", !ok && v !== "");
    return ok;
  }
  function total() {
    var sum = 0;
    var all = true;
    inputs().forEach(function (i) {
      if (valid(i)) sum += (parseFloat(i.dataset.weight) * parseFloat(i.value)) / parseFloat(i.dataset.max);
      else all = false;
    });
    document.getElementById("total").textContent = all ? sum.toFixed(1) : "—";
  }
  function saveDraft() {
    var values = {};
    inputs().forEach(function (i) {
      values[i.name] = i.value;
    });
    localStorage.setItem(draftKey, JSON.stringify(values));
    total();
  }
  function send() {
    var pending = JSON.parse(localStorage.getItem(pendingKey) || "null");
    if (!pending || sending) return;
    sending = true;
    say(text("msg-sending"));
    fetch(root.dataset.scoreUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(pending),
    })
      .then(function (r) {
        if (r.status >= 500) throw new Error("server"); // kept, tried again
        return r
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            // answered: stored, or refused for good (closed, blanked, signed out)
            localStorage.removeItem(pendingKey);
            if (r.ok) say(text("msg-sent", parseFloat(body.total).toFixed(1)));
            else say(body.detail || String(r.status));
          });
      })
      .catch(function () {
        say(text("msg-offline"));
      })
      .then(function () {
        sending = false;
      });
  }
  if (form) {
    var draft = JSON.parse(localStorage.getItem(draftKey) || "{}");
    inputs().forEach(function (i) {
      if (draft[i.name] !== undefined) i.value = draft[i.name];
      i.addEventListener("input", saveDraft);
    });
    total();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!inputs().every(valid)) {
        say(text("msg-invalid"));
        return;
      }
      var scores = {};
      inputs().forEach(function (i) {
        scores[i.name] = i.value.trim();
      });
      localStorage.setItem(pendingKey, JSON.stringify({ slot: parseInt(slot, 10), scores: scores }));
      send();
    });
  }
  window.addEventListener("online", send);
  setInterval(function () {
    if (localStorage.getItem(pendingKey)) send();
  }, 2000);
  send();
  setInterval(function () {
    if (localStorage.getItem(pendingKey)) return; // first deliver what is kept here
    fetch(root.dataset.statusUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        return r.json();
      })
      .then(function (s) {
        if (s.signed_out || String(s.slot || "") !== slot || (s.state || "") !== root.dataset.state) {
          window.location.reload();
        }
      })
      .catch(function () {});
  }, 1000);
})();

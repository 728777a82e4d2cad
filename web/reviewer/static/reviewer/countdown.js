// Keeps the "time left" badges of the queue page current (the server wrote the first value).
(function () {
  "use strict";
  var badges = document.querySelectorAll("[data-countdown]");
  if (!badges.length) { return; }
  function tick() {
    var now = Date.now();
    badges.forEach(function (badge) {
      var left = Math.max(0, new Date(badge.dataset.countdown).getTime() - now);
      var minutes = Math.floor(left / 60000);
      var days = Math.floor(minutes / 1440);
      var hours = Math.floor((minutes % 1440) / 60);
      var parts = [];
      if (days) { parts.push(days + " " + badge.dataset.days); }
      if (days || hours) { parts.push(hours + " " + badge.dataset.hours); }
      if (!days) { parts.push((minutes % 60) + " " + badge.dataset.minutes); }
      badge.textContent = left ? badge.dataset.template.replace("%s", parts.join(" ")) : badge.dataset.passed;
    });
  }
  tick();
  window.setInterval(tick, 30000);
})();

// Draws each dashboard chart from the same rows as the table under it (json_script
// "programme-charts": {key: {type, stacked, categories, series: [{name, data}]}}).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("programme-charts");
    if (!source || typeof echarts === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = charts[el.dataset.chart];
      if (!data) { return; }
      var dark = el.dataset.theme === "dark";
      var chart = echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
      chart.setOption({
        backgroundColor: "transparent",
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 40, bottom: 56 },
        xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) {
          return { name: s.name, type: data.type, data: s.data, stack: data.stacked ? "total" : undefined };
        })
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  // The meeting-room view reloads itself (a script, not <meta refresh>: axe rule meta-refresh).
  function scheduleReload() {
    var screen = document.querySelector("[data-refresh-seconds]");
    var seconds = screen ? parseInt(screen.dataset.refreshSeconds, 10) : 0;
    if (seconds > 0) { setTimeout(function () { window.location.reload(); }, seconds * 1000); }
  }
  scheduleReload();
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();

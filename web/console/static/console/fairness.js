// The fairness lab's charts (Apache ECharts, vendored). Readable without colour: ECharts' aria
// decals give every series a pattern, values are written on the bars, and each chart's numbers
// are in a table next to it.
(function () {
  "use strict";
  function init() {
    var node = document.getElementById("fairness-data");
    if (!node || typeof echarts === "undefined") return;
    var data = JSON.parse(node.textContent);
    var aria = { enabled: true, decal: { show: true } };
    document.querySelectorAll(".fairness-chart").forEach(function (el) {
      var chart = echarts.init(el, null, { renderer: "svg" });
      if (el.dataset.chart === "histogram") {
        var cat = data.categories[Number(el.dataset.category)];
        var edges = cat.histogram.edges;
        var points = cat.histogram.counts.map(function (n, i) { return [(edges[i] + edges[i + 1]) / 2, n]; });
        var series = { type: "bar", name: "entries", data: points, barWidth: "90%", label: { show: true, position: "top",
          formatter: function (p) { return p.value[1] ? p.value[1] : ""; } } };
        if (cat.cut_line !== null) {
          series.markLine = { symbol: "none", lineStyle: { type: "dashed", width: 2 },
            label: { formatter: (el.dataset.cut || "cut") + " " + cat.cut_line }, data: [{ xAxis: cat.cut_line }] };
        }
        chart.setOption({ aria: aria, grid: { left: 40, right: 20, top: 30, bottom: 30 },
          xAxis: { type: "value", min: 0, max: data.max_total || 100 }, yAxis: { type: "value", minInterval: 1 },
          tooltip: { trigger: "axis" }, series: [series] });
      } else if (el.dataset.chart === "leniency") {
        var rows = data.reviewers.filter(function (r) { return r.offset !== null; });
        if (rows.length > 40) rows = rows.slice(0, 20).concat(rows.slice(-20));
        chart.setOption({ aria: aria, grid: { left: 120, right: 40, top: 10, bottom: 30 },
          xAxis: { type: "value", name: el.dataset.axis || "offset" },
          yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
          tooltip: { trigger: "axis" },
          series: [{ type: "bar", name: "offset", data: rows.map(function (r) { return r.offset; }),
            label: { show: true, position: "right" } }] });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

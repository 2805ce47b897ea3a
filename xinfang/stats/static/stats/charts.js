/* Draws every chart of the page with Apache ECharts (served by the app, see package.json).
 * No inline script (CSP): each chart's data is a <script type="application/json"> block named by the
 * element's data-chart attribute: {kind: bar|line|spark, unit: count|rate|days, name, labels, values, urls}.
 * Clicking a bar or point opens its drill-down (the petition list filtered to what it counts). */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];
  var RED = "#a61b1b", BLUE = "#0b4fb3";

  function suffix(unit) { return unit === "rate" ? "%" : ""; }

  function option(d) {
    var fmt = function (v) { return v === null || v === undefined ? "—" : v + suffix(d.unit); };
    if (d.kind === "spark") {
      return {
        animation: false,
        grid: { left: 2, right: 2, top: 4, bottom: 4 },
        xAxis: { type: "category", data: d.labels, show: false, boundaryGap: false },
        yAxis: { type: "value", show: false, scale: true },
        tooltip: { trigger: "axis", valueFormatter: fmt },
        series: [{ type: "line", data: d.values, name: d.name, symbol: "none", smooth: true,
                   lineStyle: { width: 2, color: BLUE }, areaStyle: { opacity: 0.08, color: BLUE } }]
      };
    }
    if (d.kind === "line") {
      return {
        animation: false,
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.labels },
        yAxis: { type: "value", minInterval: 1 },
        tooltip: { trigger: "axis", valueFormatter: fmt },
        series: [{ type: "line", data: d.values, name: d.name, symbolSize: 8, color: RED,
                   label: { show: true, position: "top" } }]
      };
    }
    // bar: horizontal (category on the y axis, first row on top) so that long unit names fit at phone width
    return {
      animation: false,
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", show: false, max: d.unit === "rate" ? 100 : null },
      yAxis: { type: "category", data: d.labels, inverse: true,
               axisLabel: { width: 120, overflow: "truncate" } },
      tooltip: { trigger: "item", valueFormatter: fmt },
      series: [{ type: "bar", data: d.values, name: d.name, color: RED, barMaxWidth: 22,
                 label: { show: true, position: "right", formatter: function (p) { return fmt(p.value); } } }]
    };
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var d = JSON.parse(source.textContent);
    if (d.kind === "bar") { el.style.height = Math.max(120, d.labels.length * 30 + 24) + "px"; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option(d));
    chart.on("click", function (p) {
      var url = d.urls[p.dataIndex];
      if (url) { window.location.href = url; }
    });
    if (d.urls.some(function (u) { return u; })) { el.classList.add("drills"); }
    el.setAttribute("data-drawn", "1");
    charts.push(chart);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

/* Dashboard charts: data comes from the <script type="application/json" id="dash-data"> block (json_script). */
(function () {
  function draw() {
    var el = document.getElementById("dash-data");
    if (!el || !window.echarts) return;
    var data = JSON.parse(el.textContent);
    var trendEl = document.getElementById("chart-trend");
    var barsEl = document.getElementById("chart-bars");
    if (trendEl) {
      var months = data.trend.map(function (t) { return t.month; });
      var old = echarts.getInstanceByDom(trendEl); if (old) old.dispose();
      echarts.init(trendEl).setOption({
        animation: false,
        title: { text: "月度趋势", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24, data: ["在岗率(%)", "请假天数", "经费支出(元)"] },
        grid: { top: 60, left: 50, right: 60, bottom: 30 },
        xAxis: { type: "category", data: months },
        yAxis: [{ type: "value", name: "%/天" }, { type: "value", name: "元" }],
        series: [
          { name: "在岗率(%)", type: "line", data: data.trend.map(function (t) { return t.on_duty_rate; }) },
          { name: "请假天数", type: "bar", data: data.trend.map(function (t) { return t.leave_days; }) },
          { name: "经费支出(元)", type: "line", yAxisIndex: 1, data: data.trend.map(function (t) { return t.fund_spent; }) }
        ]
      });
    }
    if (barsEl) {
      var old2 = echarts.getInstanceByDom(barsEl); if (old2) old2.dispose();
      echarts.init(barsEl).setOption({
        animation: false,
        title: { text: "各" + (data.child_label || "单位") + "在岗率与请假天数", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24, data: ["在岗率(%)", "请假天数"] },
        grid: { top: 60, left: 50, right: 20, bottom: 60 },
        xAxis: { type: "category", data: data.bars.names, axisLabel: { rotate: 30 } },
        yAxis: { type: "value" },
        series: [
          { name: "在岗率(%)", type: "bar", data: data.bars.rate },
          { name: "请假天数", type: "bar", data: data.bars.leave_days }
        ]
      });
    }
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".chart").forEach(function (c) { var i = echarts.getInstanceByDom(c); if (i) i.resize(); });
  });
})();

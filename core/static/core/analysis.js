/* Tessera: the graph of a generic list, drawn with ECharts (vendor/echarts.min.js) from the
 * JSON in the chart element's data-chart attribute.
 * Clicking a bar, point or slice opens the list narrowed to its records. No inline script:
 * the Content-Security-Policy refuses it. Tooltips render as rich text (no HTML from data). */
(function () {
  "use strict";

  function formatter(language, decimals) {
    try {
      return new Intl.NumberFormat(language, { maximumFractionDigits: decimals });
    } catch (error) {
      return new Intl.NumberFormat(undefined, { maximumFractionDigits: decimals });
    }
  }

  function pieOption(data) {
    var series = data.series[0];
    return {
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: function (point) {
          return point.name + ": " + series.text[point.dataIndex] + " (" + point.percent + "%)";
        }
      },
      legend: { type: "scroll", bottom: 0 },
      series: [
        {
          name: series.name,
          type: "pie",
          radius: ["30%", "62%"],
          label: { formatter: "{b}: {d}%" },
          data: data.categories.map(function (name, index) {
            return { name: name, value: series.data[index] };
          })
        }
      ]
    };
  }

  function axisOption(data) {
    var numbers = formatter(data.language, data.decimals);
    return {
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        formatter: function (points) {
          var lines = [points.length ? points[0].name : ""];
          points.forEach(function (point) {
            var text = data.series[point.seriesIndex].text[point.dataIndex];
            if (text !== null && text !== undefined) {
              lines.push(point.seriesName + ": " + text);
            }
          });
          return lines.join("\n");
        }
      },
      legend: { show: data.series.length > 1, type: "scroll", bottom: 0 },
      grid: { left: 16, right: 24, top: 40, bottom: data.series.length > 1 ? 56 : 32, containLabel: true },
      xAxis: {
        type: "category",
        data: data.categories,
        name: data.x,
        nameLocation: "middle",
        nameGap: 28,
        axisLabel: { hideOverlap: true }
      },
      yAxis: {
        type: "value",
        name: data.measure,
        // Counts and whole quantities: no 0.5 steps (which would print as 1, 1, 2, 2).
        minInterval: data.decimals === 0 ? 1 : null,
        axisLabel: { formatter: function (value) { return numbers.format(value); } }
      },
      series: data.series.map(function (series) {
        return { name: series.name, type: data.type, data: series.data, connectNulls: true };
      })
    };
  }

  /* A dashboard's contribution (Pareto) chart: the cumulative share of the whole as a
   * line on a second axis from 0 to 100 %. */
  function addShare(option, data) {
    var share = data.share;
    option.series.push({ name: share.name, type: "line", yAxisIndex: 1, data: share.data, smooth: false });
    option.yAxis = [option.yAxis, { type: "value", min: 0, max: 100, name: "%", splitLine: { show: false } }];
    option.legend.show = true;
    option.grid.bottom = 56;
    var text = option.tooltip.formatter;
    option.tooltip.formatter = function (points) {
      var lines = [points.length ? points[0].name : ""];
      points.forEach(function (point) {
        var series = point.seriesIndex < data.series.length ? data.series[point.seriesIndex] : share;
        var value = series.text[point.dataIndex];
        if (value !== null && value !== undefined) {
          lines.push(point.seriesName + ": " + value + (series === share ? " %" : ""));
        }
      });
      return lines.length > 1 ? lines.join("\n") : text(points);
    };
  }

  function draw(element) {
    if (!window.echarts || element.dataset.drawn) {
      return;
    }
    element.dataset.drawn = "1";
    var data = JSON.parse(element.dataset.chart);
    var chart = window.echarts.init(element, null, { locale: data.locale });
    var option = data.type === "pie" ? pieOption(data) : axisOption(data);
    if (data.share && data.type !== "pie") {
      addShare(option, data);
    }
    option.toolbox = { feature: { saveAsImage: { name: "chart" } } };
    chart.setOption(option);
    chart.on("click", function (point) {
      var series = data.series[data.type === "pie" ? 0 : point.seriesIndex] || data.share;
      var url = series && series.links[point.dataIndex];
      if (url) {
        window.location.assign(url);
      }
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
    // A pie has no series: the series picker says so by being disabled.
    var type = document.getElementById("graph-type");
    var series = document.getElementById("graph-series");
    if (type && series) {
      type.addEventListener("change", function () {
        series.disabled = type.value === "pie";
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();

/**
 * The HTML report's own scripts, inlined as text around the chart library (html.ts). They
 * are plain ES2020 for the browser, so they are strings here rather than TypeScript this
 * project compiles for Node; the data they draw is shaped and typed in charts.ts.
 */

/**
 * Runs first: any error later on the page (the library, a chart) is shown at the top of the
 * page and counted in body[data-chart-errors], so a broken report says so instead of
 * showing blank boxes, and a test can see it.
 */
export const ERROR_SCRIPT = `
window.vpmuReportError = function (message) {
  var box = document.getElementById('chart-errors');
  box.hidden = false;
  var p = document.createElement('p');
  p.textContent = message;
  box.appendChild(p);
  document.body.dataset.chartErrors = String(box.childElementCount);
};
window.addEventListener('error', function (e) {
  window.vpmuReportError('page error: ' + e.message + ' (' + (e.filename || 'inline') + ':' + e.lineno + ')');
});
window.addEventListener('unhandledrejection', function (e) {
  window.vpmuReportError('unhandled rejection: ' + e.reason);
});
`;

/**
 * Draws every ChartSpec of the #charts JSON block into its <canvas>, without animation so a
 * screenshot shows the final picture, then records how many charts it drew in
 * body[data-charts-rendered] (the browser test waits for it).
 */
export const CHART_SCRIPT = `
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('charts').textContent);

  // Axis numbers as the table prints them: 1.5 k, 2 M.
  function si(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toPrecision(3) + ' G';
    if (a >= 1e6) return +(v / 1e6).toPrecision(3) + ' M';
    if (a >= 1e3) return +(v / 1e3).toPrecision(3) + ' k';
    return String(+v.toPrecision(3));
  }
  // A log axis labels its powers of ten only; the 2s and 5s between would crowd it.
  function decades(v) {
    var e = Math.log10(v);
    return Math.abs(e - Math.round(e)) < 1e-9 ? si(v) : '';
  }

  // Vertical lines at fractional category positions (a histogram's p50/p99), hidden with
  // their dataset. Labels sit on a white box, one row per dataset, so lines close together
  // stay readable; the colour says whose they are.
  var markers = {
    id: 'vpmuMarkers',
    afterDatasetsDraw: function (chart, _args, opts) {
      var area = chart.chartArea, x = chart.scales.x, ctx = chart.ctx;
      var rows = [];
      (opts.list || []).forEach(function (m) {
        if (rows.indexOf(m.dataset) < 0) rows.push(m.dataset);
        var row = rows.indexOf(m.dataset);
        if (!chart.isDatasetVisible(m.dataset)) return;
        var px = x.getPixelForValue(m.at);
        if (!(px >= area.left && px <= area.right)) return;
        ctx.save();
        // A white halo under the line keeps it visible across a bar of its own colour.
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.strokeStyle = 'white';
        ctx.lineWidth = 5;
        ctx.stroke();
        ctx.strokeStyle = m.color;
        ctx.lineWidth = 2;
        ctx.setLineDash(m.dash);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = 'bold 11px system-ui, sans-serif';
        var w = ctx.measureText(m.label).width;
        var tx = px + 4 + w > area.right ? px - 4 - w : px + 4;
        var ty = area.top + 4 + 15 * row;
        ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
        ctx.fillRect(tx - 2, ty, w + 4, 14);
        ctx.fillStyle = m.color;
        ctx.textBaseline = 'top';
        ctx.fillText(m.label, tx, ty + 2);
        ctx.restore();
      });
    }
  };

  function axis(a, extra) {
    var o = { title: { display: true, text: a.title } };
    for (var k in extra) o[k] = extra[k];
    if (a.suggestedMax > 0) o.suggestedMax = a.suggestedMax;
    if (a.min !== undefined) o.min = a.min;
    if (a.max !== undefined) o.max = a.max;
    return o;
  }

  function config(spec) {
    var bar = spec.type === 'bar';
    var scales = {
      x: spec.x.labels ? axis(spec.x, { type: 'category' }) : axis(spec.x, { type: 'linear', ticks: { callback: si } }),
      y: spec.y.log
        ? axis(spec.y, { type: 'logarithmic', min: 0.5, ticks: { callback: decades } })
        : axis(spec.y, { type: 'linear', beginAtZero: true, ticks: { callback: si } })
    };
    if (spec.y1) {
      scales.y1 = axis(spec.y1, { type: 'linear', position: 'right', beginAtZero: true, ticks: { callback: si }, grid: { drawOnChartArea: false } });
    }
    return {
      type: spec.type,
      data: {
        labels: spec.x.labels,
        datasets: spec.datasets.map(function (d) {
          return {
            label: d.label,
            data: d.data,
            yAxisID: d.right ? 'y1' : 'y',
            borderColor: d.color,
            backgroundColor: bar ? d.color + 'cc' : d.color,
            borderWidth: bar ? 1 : 2,
            borderDash: d.dashed ? [6, 4] : [],
            // Empty buckets (null) leave their room to the designs that have the bucket.
            skipNull: bar,
            // A series of one sample has no line to draw: show the point.
            pointRadius: d.data.length > 1 ? 0 : 4
          };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          title: { display: true, text: spec.title, font: { size: 14 } },
          legend: { position: 'bottom' },
          vpmuMarkers: { list: spec.markers || [] }
        },
        scales: scales
      },
      plugins: [markers]
    };
  }

  var drawn = 0;
  specs.forEach(function (spec) {
    try {
      new Chart(document.getElementById(spec.id), config(spec));
      drawn++;
    } catch (e) {
      console.error(e);
      window.vpmuReportError('chart ' + spec.id + ': ' + (e && e.message ? e.message : e));
    }
  });
  document.body.dataset.chartsRendered = String(drawn);
})();
`;

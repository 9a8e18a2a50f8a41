/**
 * The browser script for figure-charts.ts: plain JavaScript in a string (shipped inside dist/ by
 * tsc, nothing to copy), no backquotes or dollar-brace in it. It publishes what it drew as
 * window.vipdrillFigureCharts = { [id]: { kind, points } } for tests.
 */
export const FIGURE_CHARTS_SCRIPT = String.raw`(function () {
  "use strict";
  var el = document.getElementById("vipdrill-figure-charts");
  if (!el) return;
  var charts = JSON.parse(el.textContent);
  window.vipdrillFigureCharts = {};
  function pr() { return uPlot.pxRatio; }
  function fmt(unit, v) {
    if (v == null) return "–";
    if (unit === "count") return String(+v.toFixed(2));
    return Math.abs(v) >= 1000 ? (+(v / 1000).toFixed(3)) + " s" : (+v.toFixed(1)) + " ms";
  }
  function width(div) { return Math.max(360, div.clientWidth || 800); }

  function pointsChart(spec, div) {
    var xs = [];
    spec.series.forEach(function (s) { s.points.forEach(function (p) { if (xs.indexOf(p.x) < 0) xs.push(p.x); }); });
    xs.sort(function (a, b) { return a - b; });
    // From 0 (or below it: a VIP that moved before the inject returned is negative) to above every bar.
    var top = 0, bottom = 0;
    spec.series.forEach(function (s) { s.points.forEach(function (p) {
      if (p.y == null) return;
      top = Math.max(top, p.y + (p.pm || 0));
      bottom = Math.min(bottom, p.y - (p.pm || 0));
    }); });
    if (spec.hline) top = Math.max(top, spec.hline.y);
    top = top > 0 ? top * 1.1 : 1;
    bottom = bottom < 0 ? bottom * 1.1 : 0;
    var data = [xs].concat(spec.series.map(function (s) {
      return xs.map(function (x) {
        var p = s.points.filter(function (q) { return q.x === x; })[0];
        // A run that did not measure the figure has no point; draw() puts a cross at the top.
        return p && p.y != null ? p.y : null;
      });
    }));
    var ticks = spec.xTicks || null;
    function draw(u) {
      var c = u.ctx, b = u.bbox;
      c.save();
      c.beginPath();
      c.rect(b.left, b.top, b.width, b.height);
      c.clip();
      c.lineWidth = pr();
      spec.series.forEach(function (s) {
        c.strokeStyle = s.color;
        s.points.forEach(function (p) {
          var x = u.valToPos(p.x, "x", true);
          if (p.y == null) {
            var yt = u.valToPos(top, "y", true) + 5 * pr(), d = 4 * pr();
            c.beginPath(); c.moveTo(x - d, yt - d); c.lineTo(x + d, yt + d); c.moveTo(x + d, yt - d); c.lineTo(x - d, yt + d); c.stroke();
            return;
          }
          if (!p.pm) return;
          var y0 = u.valToPos(p.y - p.pm, "y", true), y1 = u.valToPos(p.y + p.pm, "y", true), h = 3 * pr();
          c.beginPath(); c.moveTo(x, y0); c.lineTo(x, y1); c.moveTo(x - h, y0); c.lineTo(x + h, y0); c.moveTo(x - h, y1); c.lineTo(x + h, y1); c.stroke();
        });
      });
      if (spec.hline) {
        var y = Math.round(u.valToPos(spec.hline.y, "y", true)) + 0.5;
        c.strokeStyle = "#cf222e";
        c.setLineDash([6 * pr(), 4 * pr()]);
        c.beginPath(); c.moveTo(b.left, y); c.lineTo(b.left + b.width, y); c.stroke();
        c.setLineDash([]);
        c.fillStyle = "#cf222e";
        c.font = (11 * pr()) + "px system-ui, sans-serif";
        c.fillText(spec.hline.label, b.left + 4 * pr(), y - 4 * pr());
      }
      c.restore();
    }
    var opts = {
      title: spec.title,
      width: width(div),
      height: 260,
      scales: { x: { time: false, range: function (u, min, max) { return min === max ? [min - 1, max + 1] : [min - (max - min) * 0.03, max + (max - min) * 0.03]; } }, y: { range: [bottom, top] } },
      axes: [
        { label: spec.xLabel, values: function (u, splits) { return splits.map(function (v) {
          if (!ticks) return Number.isInteger(v) ? String(v) : "";
          var t = ticks.filter(function (k) { return k.x === v; })[0];
          return t ? t.label : "";
        }); }, splits: ticks ? function () { return ticks.map(function (k) { return k.x; }); } : undefined },
        { size: 80, values: function (u, splits) { return splits.map(function (v) { return fmt(spec.unit, v); }); } },
      ],
      series: [{ label: spec.xLabel }].concat(spec.series.map(function (s) {
        return { label: s.label, stroke: s.color, width: 0, points: { show: true, size: 7, fill: s.color }, paths: function () { return null; },
          value: function (u, v) { return fmt(spec.unit, v); } };
      })),
      hooks: { draw: [draw] },
    };
    window.vipdrillFigureCharts[spec.id] = { kind: "points", points: spec.series.reduce(function (n, s) { return n + s.points.length; }, 0) };
    return new uPlot(opts, data, div);
  }

  function ecdfChart(spec, div) {
    var xs = [];
    spec.series.forEach(function (s) { s.values.forEach(function (v) { if (xs.indexOf(v) < 0) xs.push(v); }); });
    xs.sort(function (a, b) { return a - b; });
    var data = [xs].concat(spec.series.map(function (s) {
      var sorted = s.values.slice().sort(function (a, b) { return a - b; });
      return xs.map(function (x) {
        var k = 0;
        while (k < sorted.length && sorted[k] <= x) k++;
        return sorted.length === 0 ? null : k / sorted.length;
      });
    }));
    var opts = {
      title: spec.title,
      width: width(div),
      height: 240,
      scales: { x: { time: false }, y: { range: [0, 1] } },
      axes: [
        { values: function (u, splits) { return splits.map(function (v) { return fmt(spec.unit, v); }); } },
        { size: 60, values: function (u, splits) { return splits.map(function (v) { return Math.round(v * 100) + "%"; }); } },
      ],
      series: [{ label: "value", value: function (u, v) { return fmt(spec.unit, v); } }].concat(spec.series.map(function (s) {
        return { label: s.label + " (n " + s.values.length + ")", stroke: s.color, width: 2, paths: uPlot.paths.stepped({ align: 1 }),
          value: function (u, v) { return v == null ? "–" : Math.round(v * 100) + "% of runs ≤"; } };
      })),
    };
    window.vipdrillFigureCharts[spec.id] = { kind: "ecdf", points: spec.series.reduce(function (n, s) { return n + s.values.length; }, 0) };
    return new uPlot(opts, data, div);
  }

  charts.forEach(function (spec) {
    var div = document.getElementById(spec.id);
    if (!div) return;
    if (spec.kind === "points") pointsChart(spec, div); else ecdfChart(spec, div);
  });
})();
`;

/**
 * report.html's own script: draws the timeline and the percentile plot with uPlot from the JSON the
 * page embeds. Kept as plain browser JavaScript in a string so that `tsc` ships it inside dist/
 * with nothing to copy or find at run time; test/e2e/html-report.test.ts runs it in Chromium.
 * (No backquotes or dollar-brace in it: it sits in a template literal.)
 *
 * It publishes what it drew for tests and for anyone checking a report by hand:
 * window.vipdrillPlotted = { outages, faultWindow, lanes, marks, bucketMs, drawn: { lanes, outages } }
 * (drawn: each segment's rectangle in CSS px from the plot's left edge) and window.vipdrillCharts
 * (the uPlot instances: outcomes, latency, lanes, percentiles).
 */
export const PAGE_SCRIPT = String.raw`(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("vipdrill-data").textContent);
  var t = data.timeline;
  var endS = t.endMs / 1000;
  // A single failed probe, a 1 ms command, an instant: never drawn thinner than this.
  var MIN_PX = 2;
  // The same y-axis width on every timeline row, so that one x position is one time on all of them.
  var GUTTER_PX = 170;
  var LANE_PX = 22;
  // A4 less the print margins at 96 dpi: charts are redrawn at this width for paper.
  var PRINT_WIDTH_PX = 700;
  var SYNC_KEY = "vipdrill-timeline";
  var timelineCharts = [];
  var drawn = { lanes: [], outages: [] };
  window.vipdrillPlotted = { outages: t.outages, faultWindow: t.faultWindow, lanes: t.lanes, marks: t.marks, bucketMs: t.buckets.bucketMs, drawn: drawn };
  window.vipdrillCharts = {};

  function pr() { return uPlot.pxRatio; }
  function sec(ms) { return ms / 1000; }
  function xAt(u, ms) { return u.valToPos(sec(ms), "x", true); }
  function fmtSeconds(v) { return v == null ? "–" : "T+" + (+v.toFixed(3)) + " s"; }
  function screenWidth() { return Math.max(360, document.getElementById("timeline").clientWidth); }

  function clipped(u, draw) {
    var c = u.ctx, b = u.bbox;
    c.save();
    c.beginPath();
    c.rect(b.left, b.top, b.width, b.height);
    c.clip();
    draw(c, b);
    c.restore();
  }

  // [left, width] in canvas px of [x0, x1); a narrower one is widened about its middle to MIN_PX,
  // on whole pixels so that it stays crisp rather than a faint blur.
  function widened(x0, x1) {
    var min = MIN_PX * pr();
    return x1 - x0 >= min ? [x0, x1 - x0] : [Math.round((x0 + x1 - min) / 2), min];
  }

  function span(u, fromMs, toMs) { return widened(xAt(u, fromMs), xAt(u, toMs)); }

  // Row i of n (0 at the top) on a y scale of [0, n]: [top, height] in canvas px.
  function rowBox(u, scale, i, n) {
    var top = u.valToPos(n - i - 0.12, scale, true), bottom = u.valToPos(n - i - 0.88, scale, true);
    return [top, bottom - top];
  }

  function laneAxis(scale, names) {
    var n = names.length;
    return {
      scale: scale,
      size: GUTTER_PX,
      gap: 6,
      grid: { show: false },
      ticks: { show: false },
      splits: function () { return names.map(function (_, i) { return n - i - 0.5; }); },
      values: function () { return names; },
    };
  }

  function xAxis() {
    return { scale: "x", values: function (u, splits) { return splits.map(function (v) { return (+v.toFixed(3)) + " s"; }); } };
  }

  // The fault held, its commands and the outage windows, behind every row.
  function drawShading(u) {
    clipped(u, function (c, b) {
      t.shading.forEach(function (s) {
        var r = span(u, s.fromMs, s.toMs);
        c.fillStyle = s.color;
        c.fillRect(r[0], b.top, r[1], b.height);
      });
    });
  }

  // The stable recoveries, across every row.
  function drawMarks(u) {
    clipped(u, function (c, b) {
      c.strokeStyle = data.colors.mark;
      c.lineWidth = pr();
      c.setLineDash([4 * pr(), 3 * pr()]);
      t.marks.forEach(function (m) {
        var x = Math.round(xAt(u, m.atMs)) + 0.5;
        c.beginPath();
        c.moveTo(x, b.top);
        c.lineTo(x, b.top + b.height);
        c.stroke();
      });
      c.setLineDash([]);
    });
  }

  // "#rrggbb" dark enough for white text on it (relative luminance below about a half).
  function isDark(color) {
    var v = parseInt(color.slice(1, 7), 16);
    return color.charAt(0) === "#" && 0.2126 * (v >> 16) + 0.7152 * ((v >> 8) & 255) + 0.0722 * (v & 255) < 140;
  }

  // A ± as an error bar across the lane's middle, with end ticks.
  function whisker(u, c, ms, pm, box) {
    if (!pm) return;
    var x0 = xAt(u, ms - pm), x1 = xAt(u, ms + pm), y = box[0] + box[1] / 2, h = box[1] * 0.3;
    c.strokeStyle = "#000";
    c.lineWidth = pr();
    c.beginPath();
    c.moveTo(x0, y); c.lineTo(x1, y);
    c.moveTo(x0, y - h); c.lineTo(x0, y + h);
    c.moveTo(x1, y - h); c.lineTo(x1, y + h);
    c.stroke();
  }

  function drawLanes(u) {
    var n = t.lanes.length, ratio = pr();
    drawn.lanes.length = 0;
    drawn.outages.length = 0;
    clipped(u, function (c, b) {
      c.font = (11 * ratio) + "px system-ui, sans-serif";
      c.textAlign = "left";
      c.textBaseline = "middle";
      t.lanes.forEach(function (lane, i) {
        var box = rowBox(u, "lanes", i, n);
        lane.segments.forEach(function (s) {
          var r = span(u, s.fromMs, s.toMs);
          c.fillStyle = s.color;
          c.fillRect(r[0], box[0], r[1], box[1]);
          whisker(u, c, s.fromMs, s.fromPrecisionMs, box);
          whisker(u, c, s.toMs, s.toPrecisionMs, box);
          if (c.measureText(s.label).width + 8 * ratio < r[1]) {
            c.fillStyle = isDark(s.color) ? "#fff" : "#000";
            c.fillText(s.label, r[0] + 4 * ratio, box[0] + box[1] / 2);
          }
          var record = { lane: lane.lane, label: s.label, fromMs: s.fromMs, toMs: s.toMs,
            leftPx: (r[0] - b.left) / ratio, rightPx: (r[0] + r[1] - b.left) / ratio, topPx: (box[0] - b.top) / ratio, heightPx: box[1] / ratio };
          drawn.lanes.push(record);
          if (lane.group === "outage") drawn.outages.push(record);
        });
      });
    });
  }

  // One row per outcome: a bar over every bucket holding at least one probe of it.
  function outcomeBars(row, n, bucketS) {
    return function (u, si, i0, i1) {
      if (i0 == null || i1 == null) return null;
      var p = new Path2D(), xs = u.data[0], ys = u.data[si], box = rowBox(u, "rows", row, n);
      for (var i = i0; i <= i1; i++) {
        if (!ys[i]) continue;
        var r = widened(u.valToPos(xs[i], "x", true), u.valToPos(xs[i] + bucketS, "x", true));
        p.rect(r[0], box[0], r[1], box[1]);
      }
      return { fill: p };
    };
  }

  function timelineOptions(title, height, series, scales, yAxis, hooks) {
    return {
      title: title,
      width: screenWidth(),
      height: height,
      padding: [8, 16, 0, 0],
      scales: Object.assign({ x: { time: false } }, scales),
      axes: [xAxis(), yAxis],
      series: [{ label: "time", value: function (u, v) { return fmtSeconds(v); } }].concat(series),
      cursor: {
        sync: { key: SYNC_KEY, scales: ["x", null] },
        drag: { x: true, y: false },
        // Double-click resets every row at once (below), not just this one to its data.
        bind: { dblclick: function () { return null; } },
      },
      hooks: Object.assign({ drawClear: [drawShading], draw: [drawMarks], setScale: [syncX] }, hooks || {}),
    };
  }

  var syncing = false;
  // Zooming or panning one row moves them all: one x axis for the whole run.
  function syncX(u, key) {
    if (key !== "x" || syncing) return;
    syncing = true;
    timelineCharts.forEach(function (other) {
      if (other !== u) other.setScale("x", { min: u.scales.x.min, max: u.scales.x.max });
    });
    syncing = false;
  }

  function setX(min, max) {
    var spanS = Math.min(endS, Math.max(0.001, max - min));
    min = Math.max(0, Math.min(min, endS - spanS));
    timelineCharts[0].setScale("x", { min: min, max: min + spanS });
  }

  function resetX() { setX(0, endS); }

  // Wheel zooms about the pointer; shift+wheel (or a sideways scroll) pans.
  function onWheel(u) {
    return function (e) {
      e.preventDefault();
      var min = u.scales.x.min, max = u.scales.x.max, spanS = max - min;
      // Some browsers turn shift+wheel into a sideways scroll themselves.
      var dx = e.deltaX || (e.shiftKey ? e.deltaY : 0);
      if (dx) return setX(min + (dx > 0 ? 0.1 : -0.1) * spanS, max + (dx > 0 ? 0.1 : -0.1) * spanS);
      var at = u.posToVal(e.clientX - u.over.getBoundingClientRect().left, "x");
      var f = e.deltaY < 0 ? 0.75 : 1 / 0.75;
      setX(at - (at - min) * f, at + (max - at) * f);
    };
  }

  function interactive(u) {
    u.over.addEventListener("wheel", onWheel(u), { passive: false });
    u.over.addEventListener("dblclick", resetX);
    timelineCharts.push(u);
    return u;
  }

  function outcomesChart(el) {
    var b = t.buckets, bucketS = b.bucketMs / 1000, n = b.outcomes.length;
    var xs = [];
    for (var i = 0; i < b.count; i++) xs.push(i * bucketS);
    var series = b.outcomes.map(function (o, row) {
      var color = data.colors.outcomes[o.outcome] || "#000";
      return { label: o.outcome, scale: "rows", stroke: color, fill: color, width: 0, points: { show: false },
        paths: outcomeBars(row, n, bucketS), value: function (u, v) { return v == null ? "0" : String(v); } };
    });
    var counts = b.outcomes.map(function (o) { return o.counts.map(function (c) { return c === 0 ? null : c; }); });
    var opts = timelineOptions("probes per " + (+b.bucketMs.toFixed(3)) + " ms by outcome (" + t.stream + ")", n * LANE_PX + 60, series,
      { rows: { range: [0, n] } }, laneAxis("rows", b.outcomes.map(function (o) { return o.outcome; })));
    opts.cursor.points = { show: false };
    return interactive(new uPlot(opts, [xs].concat(counts), el));
  }

  function latencyChart(el) {
    var b = t.buckets, bucketS = b.bucketMs / 1000, xs = [];
    for (var i = 0; i < b.count; i++) xs.push(i * bucketS);
    function ms(u, v) { return v == null ? "–" : v + " ms"; }
    var series = [
      { label: "p50", scale: "ms", stroke: data.colors.latency.p50, width: 1, value: ms },
      { label: "max", scale: "ms", stroke: data.colors.latency.max, width: 1, value: ms },
    ];
    var axis = { scale: "ms", size: GUTTER_PX, values: function (u, splits) { return splits.map(function (v) { return v == null ? "" : (+v.toPrecision(3)) + " ms"; }); } };
    // With no success at all, 1–10 ms keeps the axis (and so the x alignment with the other rows).
    var msRange = function (u, min, max) { return min == null ? [1, 10] : uPlot.rangeLog(min, max, 10, false); };
    var opts = timelineOptions("latency of successful probes per bucket (log scale)", 220, series, { ms: { distr: 3, log: 10, range: msRange } }, axis);
    return interactive(new uPlot(opts, [xs, b.latencyP50Ms, b.latencyMaxMs], el));
  }

  function lanesChart(el) {
    var n = t.lanes.length;
    var opts = timelineOptions("fault, outage windows (±), who held the VIP, Keepalived", n * LANE_PX + 60, [],
      { lanes: { range: [0, n] } }, laneAxis("lanes", t.lanes.map(function (l) { return l.lane; })), { draw: [drawLanes, drawMarks] });
    opts.legend = { show: false };
    return interactive(new uPlot(opts, [[0, endS]], el));
  }

  // 1/(1−p) → "99.9%": as many decimals as the nines need.
  function percentLabel(x, extra) {
    var p = 100 * (1 - 1 / x);
    return p.toFixed(Math.max(0, Math.ceil(Math.log10(x) - 1e-9) - 2 + (extra || 0))) + "%";
  }

  function percentilesChart(el) {
    var p = data.percentiles;
    var series = p.phases.map(function (ph) {
      return { label: ph.phase + " (" + ph.ok + " ok, max " + ph.maxMs + " ms)", stroke: data.colors.phases[ph.phase] || "#000", width: 1.5,
        value: function (u, v) { return v == null ? "–" : v + " ms"; } };
    });
    var opts = {
      title: "latency by percentile, per phase (HDR histograms)",
      width: Math.max(360, el.clientWidth),
      height: 300,
      // Room on the right for the last tick's label, "99.999%".
      padding: [8, 40, 0, 0],
      scales: { x: { time: false, distr: 3, log: 10, range: [1, 100000] }, y: { range: function (u, min, max) { return [0, max * 1.05]; } } },
      axes: [
        { splits: function () { return [1, 10, 100, 1000, 10000, 100000]; }, values: function (u, splits) { return splits.map(function (x) { return percentLabel(x); }); } },
        { size: 80, values: function (u, splits) { return splits.map(function (v) { return (+v.toPrecision(3)) + " ms"; }); } },
      ],
      series: [{ label: "percentile", value: function (u, v) { return v == null ? "–" : percentLabel(v, 1); } }].concat(series),
    };
    return new uPlot(opts, [p.inverseTail].concat(p.phases.map(function (ph) { return ph.valuesMs; })), el);
  }

  function sizeAll(width) {
    timelineCharts.concat(window.vipdrillCharts.percentiles ? [window.vipdrillCharts.percentiles] : []).forEach(function (u) {
      u.setSize({ width: width, height: u.height });
    });
  }

  window.vipdrillCharts.outcomes = outcomesChart(document.getElementById("chart-outcomes"));
  window.vipdrillCharts.latency = latencyChart(document.getElementById("chart-latency"));
  if (t.lanes.length > 0) window.vipdrillCharts.lanes = lanesChart(document.getElementById("chart-lanes"));
  if (data.percentiles.phases.length > 0) window.vipdrillCharts.percentiles = percentilesChart(document.getElementById("chart-percentiles"));
  resetX();

  document.getElementById("reset-zoom").addEventListener("click", resetX);
  var printing = window.matchMedia("print");
  function fit() { sizeAll(printing.matches ? PRINT_WIDTH_PX : screenWidth()); }
  printing.addEventListener("change", fit);
  window.addEventListener("beforeprint", function () { sizeAll(PRINT_WIDTH_PX); });
  window.addEventListener("afterprint", fit);
  var resizing = 0;
  window.addEventListener("resize", function () { cancelAnimationFrame(resizing); resizing = requestAnimationFrame(fit); });
  // uPlot draws in a microtask after each chart is made: this one runs after all of them.
  queueMicrotask(function () { window.vipdrillReadyMs = performance.now(); });
})();
`;

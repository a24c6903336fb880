// Painting charts into canvases: sized for the device's pixel ratio and the width the
// layout gives, in the page's colour scheme, repainted when that width changes.
import { chartHeightJson, drawChartJson } from "./pkg/canvass_web.js";

export const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");

/// The CSS width of each painted canvas, as the layout last reported it. Reading
/// `clientWidth` after the page has changed forces a layout of the whole page on the
/// spot (more than drawing the chart takes); the observer reports widths after the
/// browser's own layout instead. A width that changes calls `widthChanged`.
const canvasWidths = new WeakMap();
let widthChanged = () => {};
const widthObserver = new ResizeObserver((entries) => {
  let changed = false;
  for (const entry of entries) {
    const width = entry.contentRect.width;
    const before = canvasWidths.get(entry.target);
    canvasWidths.set(entry.target, width);
    if (before !== undefined && width > 0 && Math.abs(before - width) >= 1) changed = true;
  }
  if (changed) widthChanged();
});

/// `redraw()` is called when a painted canvas is shown at another width.
export function onWidthChange(redraw) {
  widthChanged = redraw;
}

export function canvasWidth(canvas) {
  if (!canvasWidths.has(canvas)) {
    widthObserver.observe(canvas);
    // Kept as the width painted at, so that a change before the observer's first
    // report counts as one.
    const width = canvas.clientWidth;
    if (width > 0) canvasWidths.set(canvas, width);
    return width;
  }
  return canvasWidths.get(canvas) || canvas.clientWidth;
}

/// Paints the chart (`chartJson`, a chart input of the core) into `canvas`, at least
/// `minCssHeight` tall and `knownWidth` wide when the caller knows it; `description`
/// becomes its text alternative.
export function paint(canvas, chartJson, description, minCssHeight, knownWidth = 0) {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = knownWidth || canvasWidth(canvas) || 640;
  const cssHeight = Math.max(minCssHeight, chartHeightJson(chartJson, cssWidth));
  canvas.style.setProperty("height", `${cssHeight}px`);
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  canvas.dataset.layout = drawChartJson(chartJson, canvas, dpr, darkScheme.matches);
  canvas.setAttribute("aria-label", `${description} The table below has the numbers.`);
}

/// The height a question's card chart will have at `cssWidth`, before its numbers are
/// known: that of its outline (the core's card_outline, the same chart with every value
/// zero), by the same rule `paint` sizes the drawn chart with; at least `minCssHeight`.
export function expectedHeight(question, cssWidth, minCssHeight) {
  if (!cssWidth || !question.outline) return minCssHeight;
  try {
    return Math.max(minCssHeight, chartHeightJson(JSON.stringify(question.outline), cssWidth));
  } catch {
    return minCssHeight;
  }
}

/// A small chart, drawn once where no one sees it (see warmUpPainting).
const WARM_UP_CHART = JSON.stringify({
  chart: {
    Bars: {
      title: "Warm-up",
      categories: ["First answer", "Second answer", "Third answer"],
      values: [50, 30, 20],
      counts: [60, 36, 24],
      intervals: [[41.2, 58.8], [22.5, 38.7], [13.8, 28.1]],
      axis_label: "% of respondents",
    },
  },
  footnote: { base: "n = 120" },
});

/// The first chart painted on this thread pays for everything done once: compiling
/// the drawing code, the canvas's first text and fonts. Painting a small chart into a
/// canvas that is never shown, while the data is still on its way, takes that cost off
/// the way to the first chart.
export function warmUpPainting() {
  const canvas = document.createElement("canvas");
  try {
    const height = chartHeightJson(WARM_UP_CHART, 320);
    canvas.width = 320;
    canvas.height = Math.max(1, height);
    drawChartJson(WARM_UP_CHART, canvas, window.devicePixelRatio || 1, darkScheme.matches);
  } catch {
    // Only a head start: the real charts report their own errors.
  }
}

// Downloads of the view on screen: the chart as PNG or SVG, its table as CSV.
import { chartHeightJson, chartSvg, drawChartJson } from "./pkg/canvass_web.js";
import { $, el } from "./dom.js";
import { showMessage } from "./messages.js";
import { shownView } from "./question-view.js";
import { page } from "./state.js";

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el("a", undefined, { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/// The chart at twice the screen's pixel density, in the light theme reports use.
function exportPng({ chartJson, name }) {
  const scale = 2 * (window.devicePixelRatio || 1);
  const cssWidth = $("chart").clientWidth || 640;
  const cssHeight = chartHeightJson(chartJson, cssWidth);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(cssWidth * scale);
  canvas.height = Math.round(cssHeight * scale);
  drawChartJson(chartJson, canvas, scale, false);
  canvas.toBlob((blob) => download(blob, `${name}.png`), "image/png");
}

function exportSvg({ chartJson, name }) {
  const svg = chartSvg(chartJson, $("chart").clientWidth || 640, false);
  download(new Blob([svg], { type: "image/svg+xml" }), `${name}.svg`);
}

/// The table as the page shows it (`tidy` false), or in long form for analysis: one
/// row per number, its header line first and the notes as `#` comments at the end.
async function exportCsv({ request, name }, tidy = false) {
  try {
    const answer = JSON.parse(await page.engine.view({ ...request, csv: true }));
    const [text, file] = tidy ? [answer.tidy_csv, `${name}-tidy.csv`] : [answer.csv, `${name}.csv`];
    // A byte-order mark, so spreadsheets read the file as UTF-8; not in the tidy
    // file, whose readers (pandas, R) would take it into the first column's name.
    const parts = tidy ? [text] : ["\ufeff", text];
    download(new Blob(parts, { type: "text/csv;charset=utf-8" }), file);
  } catch (err) {
    showMessage(err.message);
  }
}

export function wireExports() {
  const exportTidy = (view) => exportCsv(view, true);
  for (const [id, save] of [["export-png", exportPng], ["export-svg", exportSvg], ["export-csv", exportCsv], ["export-tidy", exportTidy]]) {
    $(id).addEventListener("click", () => shownView() && save(shownView()));
  }
}

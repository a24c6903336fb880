// The explorer page: fetches the bundled survey, asks the wasm core for tables and
// charts, and shows them. Survey text is only ever inserted with textContent.
import init, { Survey } from "./pkg/canvass_web.js";

const DATA_URL = "data/sample/tools-survey.csv";
const $ = (id) => document.getElementById(id);

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

const fmtInt = new Intl.NumberFormat("en");
const fmtPct = (p) => (p === null ? "–" : `${p.toFixed(1)}%`);

function showError(message) {
  const box = $("messages");
  box.replaceChildren(el("p", message, { class: "error", role: "alert" }));
  document.body.dataset.state = "error";
}

function renderTable(freq) {
  const body = $("chart-table").tBodies[0];
  body.replaceChildren(
    ...freq.rows.map((row) => {
      const tr = document.createElement("tr");
      tr.append(
        el("th", row.option, { scope: "row" }),
        el("td", row.count === null ? "–" : fmtInt.format(row.count)),
        el("td", fmtPct(row.percent)),
        el("td", row.ci === null ? "–" : `${row.ci[0].toFixed(1)}–${row.ci[1].toFixed(1)}%`),
      );
      return tr;
    }),
  );
  const missing = freq.missing.map((m) => `${fmtInt.format(m.count)} ${m.reason.replaceAll("_", " ")}`);
  const base = `n = ${fmtInt.format(freq.base.n)} of ${fmtInt.format(freq.respondents)} respondents`;
  $("chart-table-caption").textContent = [freq.text, base, ...missing].join(" · ");
}

const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");

function draw(survey, questionIdx) {
  const freq = JSON.parse(survey.frequenciesJson(questionIdx));
  const canvas = $("chart");
  // The backing store has device pixels so that text and lines are crisp on HiDPI
  // screens; the chart is laid out at that scale.
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 640;
  const cssHeight = survey.preferredHeight(questionIdx, cssWidth, "");
  canvas.style.height = `${cssHeight}px`;
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  const layout = survey.drawChart(questionIdx, canvas, dpr, darkScheme.matches, "");
  canvas.dataset.layout = layout;
  canvas.setAttribute("aria-label", `${JSON.parse(layout).kind} chart: ${freq.text}`);
  $("chart-caption").textContent = `n = ${fmtInt.format(freq.base.n)} of ${fmtInt.format(freq.respondents)}`;
  renderTable(freq);
  document.body.dataset.state = "ready";
}

async function main() {
  await init();
  const response = await fetch(DATA_URL);
  if (!response.ok) throw new Error(`could not load ${DATA_URL}: HTTP ${response.status}`);
  const survey = Survey.load(new Uint8Array(await response.arrayBuffer()));
  const questions = JSON.parse(survey.questionsJson());
  $("dataset").textContent = `${DATA_URL.split("/").pop()} · ${fmtInt.format(survey.respondents())} respondents · ${questions.length} questions`;
  const select = $("question");
  questions.forEach((q, i) => {
    if (q.chartable) select.append(el("option", q.text, { value: String(i) }));
  });
  select.disabled = false;
  select.addEventListener("change", () => draw(survey, Number(select.value)));
  darkScheme.addEventListener("change", () => draw(survey, Number(select.value)));
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => draw(survey, Number(select.value)), 100);
  });
  if (select.options.length > 0) draw(survey, Number(select.value));
}

main().catch((e) => showError(e.message || String(e)));

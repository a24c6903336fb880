// The explorer page. The survey itself lives in a Web Worker (survey-worker.js); this
// thread asks it for tables and paints them with the same Rust chart code, compiled to
// wasm. Survey text is only ever inserted with textContent, never as HTML.
import init, { chartHeightJson, drawChartJson } from "./pkg/canvass_web.js";
import { SurveyWorker } from "./survey-worker.js";
import { defaults, parseHash, toHash } from "./state.js";

const DEFAULT_DATASET = "numpy-2020";
const MAX_FILE_BYTES = 2 * 1024 ** 3;

const $ = (id) => document.getElementById(id);
const fmtInt = new Intl.NumberFormat("en");
const fmtPct = (p) => (p === null || p === undefined ? "–" : `${p.toFixed(1)}%`);
const fmtCount = (c) => (c === null || c === undefined ? "–" : fmtInt.format(c));

const app = {
  worker: null,
  survey: null, // { title, version, synthetic, k, local, respondents, questions }
  state: null, // the view state, read from the URL hash once the module is ready
  loading: null, // the worker of a file being opened
  observer: null,
  cardsSettled: 0,
  firstChartMarked: false,
  cardsTotal: 0,
};

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function showMessage(message, kind = "error") {
  const p = el("p", message, { class: kind });
  if (kind === "error") p.setAttribute("role", "alert");
  $("messages").replaceChildren(p);
  if (kind === "error" && !app.survey) document.body.dataset.state = "error";
}

function showWarnings(report) {
  const box = $("messages");
  box.replaceChildren();
  if (!report.warnings.length) return;
  const details = el("details", undefined, { class: "warnings" });
  details.append(el("summary", `${fmtInt.format(report.warnings.length)} warnings while reading the file`));
  const list = el("ul");
  for (const w of report.warnings.slice(0, 100)) list.append(el("li", `line ${fmtInt.format(w.line)}: ${w.message}`));
  if (report.warnings.length > 100) list.append(el("li", `… and ${fmtInt.format(report.warnings.length - 100)} more`));
  details.append(list);
  box.append(details);
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: the server answered ${response.status}. Reload the page.`);
  return response;
}

async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function fetchChecked(name, entry, manifestUrl) {
  const url = new URL(name, new URL(manifestUrl, location.href));
  const bytes = await (await fetchOk(url)).arrayBuffer();
  if (entry.bytes !== undefined && bytes.byteLength !== entry.bytes) {
    throw new Error(
      `${name} arrived with ${fmtInt.format(bytes.byteLength)} of its ${fmtInt.format(entry.bytes)} bytes: ` +
        "the download was cut short. Reload the page.",
    );
  }
  if (entry.sha256 && (await sha256Hex(bytes)) !== entry.sha256) {
    throw new Error(`${name} does not match the checksum in its manifest: the download is damaged. Reload the page.`);
  }
  return bytes;
}

/// Fetches a bundled dataset (its responses and, if any, its codebook) and checks each
/// file against the size and sha256 its manifest records before anything is shown.
async function fetchBundled(manifestUrl) {
  const manifest = await (await fetchOk(manifestUrl)).json();
  const files = manifest.files || {};
  const responses = Object.keys(files).find((name) => /\.(tsv|csv|txt)$/i.test(name));
  if (!responses) throw new Error(`${manifestUrl} names no responses file`);
  const codebook = Object.keys(files).find((name) => /codebook\.json$/i.test(name));
  const [bytes, codebookBytes] = await Promise.all([
    fetchChecked(responses, files[responses], manifestUrl),
    codebook ? fetchChecked(codebook, files[codebook], manifestUrl) : null,
  ]);
  return { manifest, bytes, codebookBytes };
}

function describeBase(freq) {
  const parts = [`n = ${fmtInt.format(freq.base.n)} of ${fmtInt.format(freq.respondents)}`];
  for (const m of freq.missing) parts.push(`${fmtInt.format(m.count)} ${m.reason.replaceAll("_", " ")}`);
  return parts.join("; ");
}

function setHeader(table, headings) {
  const tr = el("tr");
  for (const h of headings) tr.append(el("th", h, { scope: "col" }));
  table.tHead.replaceChildren(tr);
}

/// Fills a chart's HTML table with the numbers its chart shows: the answers of a
/// frequency table, or for a ranking each item's mean score and first-place share.
function fillTable(table, freq, chart) {
  if (chart && chart.Rank) {
    const rank = chart.Rank;
    setHeader(table, ["Item", `Mean score (0–${rank.max_score})`, "Ranked first"]);
    table.tBodies[0].replaceChildren(
      ...rank.items.map((item, i) => {
        const tr = el("tr");
        const score = rank.borda[i];
        tr.append(el("th", item, { scope: "row" }), el("td", score === null ? "–" : score.toFixed(2)), el("td", fmtPct(rank.first_place[i])));
        return tr;
      }),
    );
    return;
  }
  setHeader(table, ["Answer", "Count", "Percent", "95% interval"]);
  table.tBodies[0].replaceChildren(
    ...freq.rows.map((row) => {
      const tr = el("tr");
      tr.append(
        el("th", row.option, { scope: "row" }),
        el("td", fmtCount(row.count)),
        el("td", fmtPct(row.percent)),
        el("td", row.ci ? `${row.ci[0].toFixed(1)}–${row.ci[1].toFixed(1)}%` : "–"),
      );
      return tr;
    }),
  );
}

function tableSkeleton() {
  const table = el("table");
  table.append(el("caption"));
  const head = el("thead");
  const tr = el("tr");
  for (const h of ["Answer", "Count", "Percent", "95% interval"]) tr.append(el("th", h, { scope: "col" }));
  head.append(tr);
  table.append(head, el("tbody"));
  return table;
}

const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");

/// Sizes the canvas for the device's pixel ratio, so text and lines are crisp, and
/// paints the table into it in the page's colour scheme.
function paint(canvas, chartJson, freq, minCssHeight) {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 640;
  const cssHeight = Math.max(minCssHeight, chartHeightJson(chartJson, cssWidth));
  canvas.style.height = `${cssHeight}px`;
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  canvas.dataset.layout = drawChartJson(chartJson, canvas, dpr, darkScheme.matches);
  canvas.setAttribute("aria-label", `Bar chart of answers to: ${freq.text}. ${describeBase(freq)}. The table below has the numbers.`);
}

function questionIndex(id) {
  return app.survey.questions.findIndex((q) => q.id === id);
}

/// The questions shown as charts, in file order. A grid or ranking is one chart of all
/// its items, so only its first item stands for it, under the group's question.
function chartable() {
  const seen = new Set();
  return app.survey.questions
    .map((q, i) => ({ ...q, index: i, text: q.group && q.group_title ? q.group_title : q.text }))
    .filter((q) => {
      if (!q.chartable) return false;
      if (!q.group || (q.kind !== "rank" && q.kind !== "grid")) return true;
      if (seen.has(q.group)) return false;
      seen.add(q.group);
      return true;
    });
}

function sectionOf(q) {
  return q.section || "Questions";
}

// ---- Overview ---------------------------------------------------------------------

async function drawCard(card) {
  if (card.dataset.drawn) return;
  card.dataset.drawn = "pending";
  const index = Number(card.dataset.index);
  try {
    const answer = JSON.parse(await app.worker.request("view", { question: index, base: "answered", k: app.survey.k }));
    const freq = answer.table;
    // The card's heading already is the question; the chart need not repeat it.
    for (const chart of Object.values(answer.chart.chart)) chart.title = "";
    paint(card.querySelector("canvas"), JSON.stringify(answer.chart), freq, 140);
    card.querySelector(".base").textContent = describeBase(freq);
    const table = card.querySelector("table");
    table.caption.textContent = `${freq.text} · ${describeBase(freq)}`;
    fillTable(table, freq, answer.chart.chart);
    card.dataset.drawn = "1";
    noteCardSettled(true);
  } catch (err) {
    card.querySelector(".base").textContent = err.message;
    card.dataset.drawn = "error";
    noteCardSettled(false);
  }
}

// Performance marks read by the browser benchmark (cargo xtask bench). A card whose
// table is withheld shows its sentence instead; the overview is done when every card
// shows its chart or its sentence.
function noteCardSettled(drawn) {
  app.cardsSettled += 1;
  if (drawn && !app.firstChartMarked) {
    app.firstChartMarked = true;
    performance.mark(app.survey.local ? "canvass:file-first-chart" : "canvass:first-chart");
  }
  if (app.cardsSettled === app.cardsTotal) performance.mark("canvass:overview-drawn");
}

function buildOverview() {
  app.cardsSettled = 0;
  app.firstChartMarked = false;
  app.cardsTotal = chartable().length;
  if (app.observer) app.observer.disconnect();
  const root = $("overview");
  root.replaceChildren();
  const sections = new Map();
  for (const q of chartable()) {
    const name = sectionOf(q);
    if (!sections.has(name)) sections.set(name, []);
    sections.get(name).push(q);
  }
  app.observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          app.observer.unobserve(entry.target);
          drawCard(entry.target);
        }
      }
    },
    { rootMargin: "300px" },
  );
  for (const [name, questions] of sections) {
    const section = el("section", undefined, { class: "overview-section" });
    section.append(el("h2", name));
    const grid = el("div", undefined, { class: "cards" });
    for (const q of questions) {
      const card = el("article", undefined, { class: "card", "data-index": String(q.index), "data-id": q.id });
      const link = el("a", q.text, { href: toHash({ ...defaults(), dataset: app.state.dataset, view: "question", question: q.id }) });
      const heading = el("h3");
      heading.append(link);
      const details = el("details");
      details.append(el("summary", "Table"), tableSkeleton());
      card.append(heading, el("canvas", undefined, { role: "img" }), el("p", "", { class: "base" }), details);
      grid.append(card);
      app.observer.observe(card);
    }
    section.append(grid);
    root.append(section);
  }
}

// ---- One question -----------------------------------------------------------------

function fillQuestionPicker() {
  const select = $("question");
  select.replaceChildren();
  const groups = new Map();
  for (const q of chartable()) {
    const name = sectionOf(q);
    if (!groups.has(name)) groups.set(name, el("optgroup", undefined, { label: name }));
    groups.get(name).append(el("option", q.text, { value: q.id }));
  }
  for (const group of groups.values()) select.append(group);
}

function filterPicker(words) {
  const needle = words.trim().toLowerCase();
  const select = $("question");
  let firstMatch = null;
  for (const option of select.options) {
    const match = !needle || option.textContent.toLowerCase().includes(needle) || option.value.toLowerCase().includes(needle);
    option.hidden = !match;
    if (match && !firstMatch) firstMatch = option;
  }
  return firstMatch;
}

async function drawQuestion() {
  const { question: q, base } = app.state;
  const index = questionIndex(q);
  if (index < 0) return;
  $("question").value = q;
  for (const radio of document.querySelectorAll('input[name="base"]')) radio.checked = radio.value === base;
  const answer = JSON.parse(
    await app.worker.request("view", { question: index, base, kind: app.state.chart || "", k: app.survey.k }),
  );
  if (app.state.question !== q || app.state.base !== base) return; // a newer request won
  const freq = answer.table;
  paint($("chart"), JSON.stringify(answer.chart), freq, 180);
  $("chart-caption").textContent = describeBase(freq);
  $("chart-table-caption").textContent = `${freq.text} · ${describeBase(freq)}`;
  fillTable($("chart-table"), freq, answer.chart.chart);
}

// ---- State and rendering ----------------------------------------------------------

function setState(changes) {
  const next = { ...app.state, ...changes };
  if (app.survey && !app.survey.local && app.survey.id) next.dataset = app.survey.id;
  const hash = toHash(next);
  if (hash !== (location.hash || "#")) location.hash = hash;
  else render();
}

async function render() {
  if (!app.survey) return;
  const { state, problems } = parseHash(location.hash);
  if (problems.length) showMessage(`Parts of this link were not understood and were ignored: ${problems.join("; ")}.`, "info");
  if (!state.question || questionIndex(state.question) < 0) {
    const first = chartable()[0];
    state.question = first ? first.id : null;
  }
  app.state = state;
  const overview = state.view === "overview";
  $("overview").hidden = !overview;
  $("question-view").hidden = overview;
  $("nav-overview").toggleAttribute("aria-current", overview);
  $("nav-question").toggleAttribute("aria-current", !overview);
  if (overview) $("nav-overview").setAttribute("aria-current", "page");
  else $("nav-question").setAttribute("aria-current", "page");
  $("nav-overview").href = toHash({ ...state, view: "overview" });
  $("nav-question").href = toHash({ ...state, view: "question" });
  try {
    if (!overview) await drawQuestion();
    document.body.dataset.state = "ready";
  } catch (err) {
    showMessage(err.message);
  }
  document.dispatchEvent(new CustomEvent("canvass:rendered"));
}

function showSurvey(survey) {
  app.survey = survey;
  const parts = [survey.title];
  if (survey.version) parts.push(`version ${survey.version}`);
  parts.push(`${fmtInt.format(survey.respondents)} respondents`, `${fmtInt.format(chartable().length)} questions`);
  $("dataset").textContent = parts.join(" · ");
  const notes = [];
  if (survey.synthetic) notes.push("Synthetic data: generated to match the published results, not real responses.");
  if (survey.k > 0) notes.push(`Groups smaller than ${survey.k} are not shown.`);
  if (survey.local) notes.push("Your file is read in this page only; nothing is uploaded or stored.");
  $("notes").textContent = notes.join(" ");
  buildOverview();
  fillQuestionPicker();
  render();
}

// ---- Loading ----------------------------------------------------------------------

/// The canvass module, fetched and compiled once for this thread and every worker.
/// Compiling while it downloads, and only once, is most of what the first chart waits for.
const wasmModule = (() => {
  const url = new URL("./pkg/canvass_web_bg.wasm", import.meta.url);
  const compiled = WebAssembly.compileStreaming
    ? WebAssembly.compileStreaming(fetch(url)).catch(() => fetch(url).then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)))
    : fetch(url).then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b));
  compiled.catch(() => {});
  return compiled;
})();

/// Loads the bytes of a bundled dataset, or a dropped file, in `worker`. A file is
/// sent as the `File` itself (a handle, not its bytes): the worker reads it, so this
/// thread never holds or copies its contents, and its progress comes back through
/// `onProgress`.
async function loadInto(worker, { bytes = null, file = null, codebook = null }, onProgress = null) {
  const transfer = [bytes, codebook].filter(Boolean);
  const result = await worker.request("load", { bytes, file, codebook }, transfer, onProgress);
  return {
    respondents: result.respondents,
    questions: JSON.parse(result.questions),
    report: JSON.parse(result.report),
  };
}

async function openFile(file) {
  if (app.loading) app.loading.terminate("replaced by another file");
  if (file.size > MAX_FILE_BYTES) {
    showMessage(`${file.name} is ${fmtInt.format(file.size)} bytes; canvass opens files up to 2 GB in the browser. Use the canvass command line for larger files.`);
    return;
  }
  performance.mark("canvass:file-start");
  const worker = new SurveyWorker(wasmModule);
  app.loading = worker;
  const bar = $("load-progress");
  $("load-status").hidden = false;
  bar.removeAttribute("value");
  $("load-text").textContent = `Reading ${file.name} (${fmtInt.format(file.size)} bytes)…`;
  const verbs = { reading: "Reading", parsing: "Reading the answers of" };
  let shownPercent = -1;
  const onProgress = ({ phase, done, total }) => {
    if (app.loading !== worker || !total) return;
    // Reading the file is the first tenth of the bar, parsing the rest.
    const fraction = phase === "reading" ? 0.1 * (done / total) : 0.1 + 0.9 * (done / total);
    const percent = Math.min(100, Math.floor(fraction * 100));
    if (percent === shownPercent) return;
    shownPercent = percent;
    bar.max = 100;
    bar.value = percent;
    $("load-text").textContent = `${verbs[phase] || "Reading"} ${file.name}: ${percent}%`;
  };
  try {
    const loaded = await loadInto(worker, { file }, onProgress);
    if (app.loading !== worker) return;
    if (app.worker) app.worker.terminate("replaced");
    app.worker = worker;
    showWarnings(loaded.report);
    history.pushState(null, "", toHash(defaults()));
    // A visitor's own file gets the same protection as the bundled data by default:
    // charts and exports made here are often shared.
    showSurvey({ title: file.name, local: true, k: 10, synthetic: false, ...loaded });
  } catch (err) {
    if (app.loading === worker) {
      worker.terminate();
      showMessage(`${file.name}: ${err.message}${app.survey ? " The survey you had open is still here." : ""}`);
    }
  } finally {
    if (app.loading === worker) {
      app.loading = null;
      $("load-status").hidden = true;
    }
  }
}

function cancelLoading() {
  if (!app.loading) return;
  const worker = app.loading;
  app.loading = null;
  worker.terminate();
  $("load-status").hidden = true;
  showMessage("Loading was cancelled." + (app.survey ? " The survey you had open is still here." : ""), "info");
}

function wireEvents() {
  window.addEventListener("hashchange", render);
  $("question").addEventListener("change", (e) => setState({ view: "question", question: e.target.value }));
  $("question-search").addEventListener("input", (e) => {
    const first = filterPicker(e.target.value);
    if (first && first.value !== app.state.question) setState({ view: "question", question: first.value });
  });
  for (const radio of document.querySelectorAll('input[name="base"]')) {
    radio.addEventListener("change", (e) => setState({ base: e.target.value }));
  }
  $("open-file").addEventListener("click", () => $("file-input").click());
  $("file-input").addEventListener("change", (e) => {
    if (e.target.files[0]) openFile(e.target.files[0]);
    e.target.value = "";
  });
  $("load-cancel").addEventListener("click", cancelLoading);
  let dragDepth = 0;
  window.addEventListener("dragenter", (e) => {
    if (![...e.dataTransfer.types].includes("Files")) return;
    dragDepth++;
    $("drop-overlay").hidden = false;
  });
  window.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) $("drop-overlay").hidden = true;
  });
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => {
    e.preventDefault();
    dragDepth = 0;
    $("drop-overlay").hidden = true;
    const file = e.dataTransfer.files[0];
    if (file) openFile(file);
  });
  const redraw = () => {
    if (!app.survey) return;
    for (const card of document.querySelectorAll(".card[data-drawn='1']")) {
      delete card.dataset.drawn;
      drawCard(card);
    }
    render();
  };
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(redraw, 150);
  });
  darkScheme.addEventListener("change", redraw);
}

/// The bundled dataset a link asks for (`#d=sample@1`), or the default. Only a plain
/// folder name is accepted, so a crafted link cannot point the fetch anywhere else.
/// Read directly from the hash (not through the wasm parser) so the download can start
/// while the wasm module is still compiling.
function requestedDataset() {
  const [folder, version] = (new URLSearchParams(location.hash.slice(1)).get("d") || "").split("@");
  return /^[a-z0-9][a-z0-9-]{0,63}$/.test(folder || "") ? { folder, version } : { folder: DEFAULT_DATASET, version: null };
}

async function main() {
  // Everything on the way to the first chart starts at once: the data download, this
  // thread's wasm (for drawing) and the worker's (for counting).
  const { folder, version } = requestedDataset();
  const fetching = fetchBundled(`data/${folder}/manifest.json`);
  const worker = new SurveyWorker(wasmModule);
  await init({ module_or_path: await wasmModule });
  performance.mark("canvass:wasm-ready");
  app.state = parseHash(location.hash).state;
  wireEvents();
  const { manifest, bytes, codebookBytes } = await fetching;
  performance.mark("canvass:data-fetched");
  const loaded = await loadInto(worker, { bytes, codebook: codebookBytes });
  performance.mark("canvass:data-loaded");
  app.worker = worker;
  showWarnings(loaded.report);
  if (version && version !== manifest.version) {
    showMessage(`This link was made for version ${version} of the data; this is version ${manifest.version}, so its numbers may differ.`, "info");
  }
  showSurvey({
    id: `${folder}@${manifest.version}`,
    title: manifest.title,
    version: manifest.version,
    synthetic: manifest.synthetic === true,
    k: Number.isInteger(manifest.disclosure_threshold_k) ? manifest.disclosure_threshold_k : 10,
    local: false,
    ...loaded,
  });
}

main().catch((err) => showMessage(err.message || String(err)));

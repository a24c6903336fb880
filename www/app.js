// The explorer page. Two wasm modules are built from the Rust code: this thread's
// (canvass_web) reads a bundled survey's snapshot, answers its views and paints every
// chart; the workers' (canvass_loader, see survey-worker.js) reads survey files, so a
// file a visitor opens is parsed and answered off this thread. Survey text is only
// ever inserted with textContent, never as HTML.
import init, { Survey, chartHeightJson, chartSvg, drawChartJson } from "./pkg/canvass_web.js";
import { SurveyWorker } from "./survey-worker.js";
import { defaults, parseHash, toHash } from "./state.js";

/// This thread's module (canvass_web): reads snapshots, answers views, paints.
/// Compiling it is most of what the first chart waits for, so it starts before this
/// module does anything else.
const wasmModule = compileModule("canvass_web_bg.wasm");

const DEFAULT_DATASET = "numpy-2020";
const MAX_FILE_BYTES = 2 * 1024 ** 3;
/// A bundled dataset without a usable snapshot, up to this size, moves to the page's
/// own thread once its overview is drawn (see moveToPage). Reading the snapshot its
/// worker writes is one task of the page's thread (the release's, 1 MB of files: 8–13
/// ms cold), and the survey is held twice while it moves, so much larger stays put.
const IN_PAGE_MAX_BYTES = 2 * 1024 ** 2;

const $ = (id) => document.getElementById(id);
/// An integer with its digits grouped in threes, as English writes it ("1,236"). Not
/// `Intl.NumberFormat`: making the first one loads the browser's locale data, 15–31 ms
/// of a cold start spent before the engine had even begun compiling.
function fmtInt(n) {
  const digits = String(Math.abs(Math.round(n))).replace(/\B(?=(\d{3})+$)/g, ",");
  return n < 0 ? `-${digits}` : digits;
}
const fmtPct = (p) => (p === null || p === undefined ? "–" : `${p.toFixed(1)}%`);
const fmtCount = (c) => (c === null || c === undefined ? "–" : fmtInt(c));

const app = {
  worker: null,
  survey: null, // { title, version, synthetic, k, local, respondents, questions }
  state: null, // the view state, read from the URL hash once the module is ready
  loading: null, // the worker of a file being opened
  spare: null, // a worker started ahead of the next file
  observer: null,
  cardsSettled: 0,
  firstChartMarked: false,
  cardsTotal: 0,
  cardQueue: [], // cards scrolled into view, waiting to be drawn in order
  pumping: false, // whether the queue is being painted
  cardWidth: 0, // the CSS width of every card's canvas (one grid); 0 until measured, and after a resize
  cardsKey: "", // the filters and intervals setting the overview's cards were drawn with
  drawToken: 0, // the latest question-view request; older answers are dropped
  lastGoodHash: null, // the last view drawn without error, restored after a refusal
  current: null, // the question view on screen: { chartJson, spec, name }
  byPickerFor: null, // the survey and question the by-picker was filled for
  afterFirstScreen: [], // run once the overview is drawn (see afterFirstScreen)
  warming: null, // the first spare worker's warm-up, once asked for (see prepareSpare)
  firstScreenDone: false,
};

/// Question kinds a crosstab can have on either side (numbers in their histogram's bins).
const CROSSTAB_KINDS = new Set(["single", "ordinal", "multi", "numeric"]);

/// Survey text set into a sentence of the page's own: first-strong isolates keep a
/// right-to-left override in the text from reversing the words after it. Where the
/// text gets an element of its own, a <bdi> does the same.
const isolate = (text) => `\u2068${text}\u2069`;

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/// `message` is a sentence, or a list of strings and nodes (a <bdi> around a file name).
function showMessage(message, kind = "error") {
  const p = el("p", undefined, { class: kind });
  p.append(...(Array.isArray(message) ? message : [message]));
  if (kind === "error") p.setAttribute("role", "alert");
  $("messages").replaceChildren(p);
  if (kind === "error" && !app.survey) document.body.dataset.state = "error";
}

function showWarnings(report) {
  const box = $("messages");
  box.replaceChildren();
  if (!report.warnings.length) return;
  const details = el("details", undefined, { class: "warnings" });
  details.append(el("summary", `${fmtInt(report.warnings.length)} warnings while reading the file`));
  const list = el("ul");
  for (const w of report.warnings.slice(0, 100)) list.append(el("li", `line ${fmtInt(w.line)}: ${w.message}`));
  if (report.warnings.length > 100) list.append(el("li", `… and ${fmtInt(report.warnings.length - 100)} more`));
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
      `${name} arrived with ${fmtInt(bytes.byteLength)} of its ${fmtInt(entry.bytes)} bytes: ` +
        "the download was cut short. Reload the page.",
    );
  }
  if (entry.sha256 && (await sha256Hex(bytes)) !== entry.sha256) {
    throw new Error(`${name} does not match the checksum in its manifest: the download is damaged. Reload the page.`);
  }
  return bytes;
}

/// Fetches a bundled dataset. `data` is its snapshot when the site has one (the
/// survey as loaded, written by the build next to the published files as
/// `survey.snapshot`, and fetched alongside the manifest; it is read only if it was
/// made from files with the digests the manifest gives, see openSnapshot), else its
/// published files, each checked against the size and sha256 the manifest records
/// before anything is shown. `published()` fetches those files, for when a snapshot
/// turns out unusable.
async function fetchBundled(manifestUrl) {
  const snapshotFetch = fetch(new URL("survey.snapshot", new URL(manifestUrl, location.href)))
    .then((r) => (r.ok ? r.arrayBuffer() : null))
    .catch(() => null);
  const manifest = await (await fetchOk(manifestUrl)).json();
  const files = manifest.files || {};
  const responses = Object.keys(files).find((name) => /\.(tsv|csv|txt)$/i.test(name));
  if (!responses) throw new Error(`${manifestUrl} names no responses file`);
  const codebook = Object.keys(files).find((name) => /codebook\.json$/i.test(name));
  const published = async () => {
    const [bytes, codebookBytes] = await Promise.all([
      fetchChecked(responses, files[responses], manifestUrl),
      codebook ? fetchChecked(codebook, files[codebook], manifestUrl) : null,
    ]);
    return { bytes, codebook: codebookBytes, sources };
  };
  const sources = { responses: files[responses].sha256, codebook: codebook ? files[codebook].sha256 : undefined };
  // Without digests to hold it to, a snapshot cannot be trusted to be these files.
  const snapshot = sources.responses && (!codebook || sources.codebook) ? await snapshotFetch : null;
  return { manifest, data: snapshot ? { snapshot, sources } : await published(), published };
}

/// The bytes of a bundled dataset's published files (see fetchBundled).
function dataBytes({ bytes, codebook }) {
  return bytes.byteLength + (codebook ? codebook.byteLength : 0);
}

function describeBase(freq) {
  const parts = [`n = ${fmtInt(freq.base.n)} of ${fmtInt(freq.respondents)}`];
  for (const m of freq.missing) parts.push(`${fmtInt(m.count)} ${m.reason.replaceAll("_", " ")}`);
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

/// The CSS width of each painted canvas, as the layout last reported it. Reading
/// `clientWidth` after the page has changed forces a layout of the whole page on the
/// spot (7–38 ms of a question change, more than drawing the chart); the observer
/// reports widths after the browser's own layout instead. A width that changes redraws.
const canvasWidths = new WeakMap();
let redrawSoon = () => {};
const widthObserver = new ResizeObserver((entries) => {
  let changed = false;
  for (const entry of entries) {
    const width = entry.contentRect.width;
    const before = canvasWidths.get(entry.target);
    canvasWidths.set(entry.target, width);
    if (before !== undefined && width > 0 && Math.abs(before - width) >= 1) changed = true;
  }
  if (changed) redrawSoon();
});

function canvasWidth(canvas) {
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

/// Sizes the canvas for the device's pixel ratio, so text and lines are crisp, and
/// paints the chart into it in the page's colour scheme; `description` becomes its
/// text alternative.
function paint(canvas, chartJson, description, minCssHeight, knownWidth = 0) {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = knownWidth || canvasWidth(canvas) || 640;
  const cssHeight = Math.max(minCssHeight, chartHeightJson(chartJson, cssWidth));
  canvas.style.setProperty("height", `${cssHeight}px`);
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  canvas.dataset.layout = drawChartJson(chartJson, canvas, dpr, darkScheme.matches);
  canvas.setAttribute("aria-label", `${description} The table below has the numbers.`);
}

const KIND_NAMES = { Bars: "Bar chart", Histogram: "Histogram", Rank: "Ranking chart", Diverging: "Diverging bar chart" };

/// A sentence of `text`, without doubling the question's own mark.
const sentence = (text) => (/[.?!:]$/.test(text) ? text : `${text}.`);

function describeFreqChart(freq, input) {
  const kind = KIND_NAMES[Object.keys(input.chart)[0]] || "Chart";
  return `${kind} of answers to: ${isolate(sentence(freq.text))} ${describeBase(freq)}. ${describeLargest(input)}`;
}

const pct1 = (v) => `${v.toFixed(1)}%`;

/// The largest values a chart shows, in words, for its text alternative: the three
/// longest bars, the fullest cells of a crosstab, the highest bin, the top-ranked item.
/// Withheld values are not mentioned; a chart with none left says so.
function describeLargest(input) {
  const [kind, chart] = Object.entries(input.chart)[0];
  const top = (entries, words) => {
    const shown = entries.filter((e) => e.value !== null && e.value !== undefined && Number.isFinite(e.value));
    if (!shown.length) return "Every value is withheld or empty.";
    shown.sort((a, b) => b.value - a.value);
    return `${words}: ${shown.slice(0, 3).map((e) => `${isolate(e.label)} ${e.text(e.value)}`).join("; ")}.`;
  };
  if (kind === "Bars") {
    const text = chart.unit === "Count" ? (v) => fmtCount(v) : chart.unit === "Score" ? (v) => v.toFixed(1) : pct1;
    return top(chart.categories.map((label, i) => ({ label, value: chart.values[i], text })), "Largest");
  }
  if (kind === "Rank") {
    return top(chart.items.map((label, i) => ({ label, value: chart.borda[i], text: (v) => `(mean score ${v.toFixed(1)})` })), "Ranked highest");
  }
  if (kind === "Histogram") {
    const bins = chart.counts.map((value, i) => ({ label: `${chart.edges[i]}–${chart.edges[i + 1]}`, value, text: (v) => `(${fmtCount(v)} respondents)` }));
    return top(bins, "Most common");
  }
  if (kind === "Diverging") {
    const cells = chart.items.flatMap((item, r) =>
      chart.levels.map((level, c) => ({ label: `${item}: ${level}`, value: (chart.cells[r] || [])[c], text: pct1 })),
    );
    return top(cells, "Largest");
  }
  if (!chart.cells.some((row) => row.some((v) => v !== null))) {
    return chart.k > 0 ? `All counts withheld (fewer than ${chart.k} respondents).` : "No answers to show.";
  }
  const cells = chart.row_labels.flatMap((row, r) =>
    chart.col_labels.map((col, c) => ({ label: `${row} among ${col}`, value: (chart.cells[r] || [])[c], text: pct1 })),
  );
  return top(cells, "Largest");
}

/// Drops the chart's intervals unless the page's intervals toggle is on, so the toggle
/// governs every chart alike: the cards, the question and the crosstab.
function applyIntervals(input) {
  if (app.state.intervals) return;
  for (const chart of Object.values(input.chart)) if (Array.isArray(chart.intervals)) chart.intervals = [];
}

/// What the overview's cards depend on besides their questions.
function cardsKey(state = app.state) {
  return JSON.stringify([state.filters, Boolean(state.intervals)]);
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

/// What every request for a view carries besides its question: the filters, the
/// disclosure threshold and the release, which footnotes and exports name.
function commonSpec(filters = app.state.filters) {
  const s = app.survey;
  return { filters, k: s.k, dataset: s.title, version: s.version || null, synthetic: Boolean(s.synthetic) };
}

/// Fills `select` with one option per question, grouped by section, after `leading`.
function fillGroupedSelect(select, questions, leading = []) {
  select.replaceChildren(...leading);
  const groups = new Map();
  for (const q of questions) {
    const name = sectionOf(q);
    if (!groups.has(name)) groups.set(name, el("optgroup", undefined, { label: name }));
    groups.get(name).append(el("option", q.text, { value: q.id }));
  }
  for (const group of groups.values()) select.append(group);
}

/// Hides the options of `select` that do not contain `words`; returns the first shown.
function searchSelect(select, words) {
  const needle = words.trim().toLowerCase();
  let firstMatch = null;
  for (const option of select.options) {
    if (!option.value) continue;
    const match = !needle || option.textContent.toLowerCase().includes(needle) || option.value.toLowerCase().includes(needle);
    option.hidden = !match;
    if (match && !firstMatch) firstMatch = option;
  }
  return firstMatch;
}

function showViewN(respondents) {
  const n = `n = ${fmtInt(respondents)} respondents`;
  $("view-n").textContent = app.state.filters.length ? `${n} match the filters` : n;
}

// ---- Overview ---------------------------------------------------------------------

/// How many of the overview's first cards are asked for before the observer reports
/// them: two rows of a desktop window's grid, one screen on a phone.
const EAGER_CARDS = 4;

/// Queues a card that scrolled into view. The worker is asked for its numbers at
/// once, so it counts while earlier cards are painted.
function queueCard(card) {
  if (card.dataset.drawn) return;
  card.dataset.drawn = "pending";
  card.filterKey = app.cardsKey;
  card.answer = requestCard(card);
  card.answer.catch(() => {}); // handled when the card's turn comes
  app.cardQueue.push(card);
  pumpCards();
}

function requestCard(card) {
  // A card's footnote stays short: the page's header names the release.
  const spec = { filters: app.state.filters, k: app.survey.k, question: Number(card.dataset.index), base: "answered" };
  return app.worker.request("view", spec);
}

/// Yields to the browser, so input and rendering are not held up by a long pass.
const yieldToPage = () =>
  globalThis.scheduler && scheduler.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));

/// Paints queued cards in order, giving the page back its thread every few
/// milliseconds: the whole overview is one queue, not one long task.
async function pumpCards() {
  if (app.pumping) return;
  app.pumping = true;
  try {
    let sliceStart = performance.now();
    while (app.cardQueue.length) {
      const card = app.cardQueue.shift();
      // A card replaced by a new overview, or queued twice, is skipped.
      if (!card.isConnected || card.dataset.drawn !== "pending") continue;
      await drawCard(card);
      if (performance.now() - sliceStart > 8) {
        await yieldToPage();
        sliceStart = performance.now();
      }
    }
  } finally {
    app.pumping = false;
  }
}

async function drawCard(card) {
  const filterKey = card.filterKey;
  const request = card.answer || requestCard(card);
  card.answer = null;
  try {
    const answer = JSON.parse(await request);
    if (filterKey !== app.cardsKey) return; // the filters changed while counting
    const freq = answer.table;
    showViewN(freq.respondents);
    // The card's heading already is the question; the chart need not repeat it. Nor
    // most of its footnote: the line under the card gives the base, and the page's
    // header the release, whether it is synthetic and the disclosure threshold, as the
    // chips do the filters. Only its notes stay (such as that a multi-select adds up
    // to more than 100%). A card draws a third less text so (the overview's fillText
    // time in the DevTools profile: 81/62 -> 55/34 ms).
    for (const chart of Object.values(answer.chart.chart)) chart.title = "";
    answer.chart.footnote = { notes: answer.chart.footnote.notes };
    applyIntervals(answer.chart);
    const canvas = card.querySelector("canvas");
    // One width for every card, measured as the overview is built (see buildOverview);
    // measured here only if it was built hidden or the observer reported a change.
    app.cardWidth ||= canvasWidth(canvas);
    paint(canvas, JSON.stringify(answer.chart), describeFreqChart(freq, answer.chart), 140, app.cardWidth);
    card.querySelector(".base").textContent = describeBase(freq);
    const table = card.querySelector("table");
    table.caption.replaceChildren(el("bdi", freq.text), ` · ${describeBase(freq)}`);
    fillTable(table, freq, answer.chart.chart);
    card.dataset.drawn = "1";
    noteCardSettled(true);
  } catch (err) {
    if (filterKey !== app.cardsKey) return;
    card.querySelector(".base").textContent = err.message;
    // The canvas stays blank; its text alternative says why, as the card does.
    card.querySelector("canvas").setAttribute("aria-label", err.message);
    card.dataset.drawn = "error";
    noteCardSettled(false);
  }
}

/// Draws every card again (as it scrolls into view) with the current filters.
function refreshCards() {
  app.cardsKey = cardsKey();
  app.cardQueue = [];
  app.cardsSettled = 0;
  for (const card of document.querySelectorAll(".card")) {
    delete card.dataset.drawn;
    app.observer.unobserve(card);
    app.observer.observe(card);
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
  if (app.cardsSettled === app.cardsTotal) {
    performance.mark("canvass:overview-drawn");
    firstScreenDone();
  }
}

/// Runs `work` once the first screen is drawn (the overview, or 3 s after the page
/// started showing a survey when it opened on another view), or at once after that:
/// work that is worth doing early but must not compete with the first charts.
function afterFirstScreen(work) {
  if (app.firstScreenDone) work();
  else app.afterFirstScreen.push(work);
}

function firstScreenDone() {
  if (app.firstScreenDone) return;
  app.firstScreenDone = true;
  for (const work of app.afterFirstScreen.splice(0)) work();
}

function buildOverview() {
  app.cardsSettled = 0;
  app.firstChartMarked = false;
  app.cardsKey = cardsKey();
  app.cardsTotal = chartable().length;
  app.cardQueue = [];
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
          queueCard(entry.target);
        }
      }
    },
    { rootMargin: "300px" },
  );
  let measure = !app.cardWidth;
  for (const [name, questions] of sections) {
    const section = el("section", undefined, { class: "overview-section" });
    section.append(el("h2", name));
    const grid = el("div", undefined, { class: "cards" });
    section.append(grid);
    root.append(section);
    for (const q of questions) {
      const card = el("article", undefined, { class: "card", "data-index": String(q.index), "data-id": q.id });
      const link = el("a", q.text, { href: toHash({ ...defaults(), dataset: app.state.dataset, view: "question", question: q.id }) });
      const heading = el("h3");
      heading.append(link);
      const details = el("details");
      details.append(el("summary", "Table"), tableSkeleton());
      const canvas = el("canvas", undefined, { role: "img" });
      card.append(heading, canvas, el("p", "", { class: "base" }), details);
      grid.append(card);
      app.observer.observe(card);
      // Every card's canvas is as wide as the first (one grid; the page keeps room for
      // a scrollbar, see style.css). Measured now, with one card in the page, the
      // layout this forces is a small one; measured when the first card is painted,
      // it laid out all of them (16 ms of the way to the first chart).
      if (measure) {
        app.cardWidth = canvasWidth(canvas);
        measure = false;
      }
    }
  }
  // The first cards are on screen in any window: ask for their numbers now, so they
  // are counted while the browser lays out the overview, rather than once the
  // observer has seen them after that layout.
  if (app.state.view === "overview") {
    for (const card of [...root.querySelectorAll(".card")].slice(0, EAGER_CARDS)) queueCard(card);
  }
}

/// Columns that identify respondents (e-mail, IP address, name, location, phone, id)
/// are never charted; they are named under the overview so their absence is explained.
function listIdentifying() {
  const identifying = app.survey.questions.filter((q) => q.identifying);
  if (!identifying.length) return;
  const section = el("section", undefined, { class: "overview-section", id: "identifying" });
  section.append(el("h2", "Not charted"));
  const list = el("ul");
  for (const q of identifying) {
    const item = el("li", undefined, { "data-id": q.id });
    item.append(el("bdi", q.text), ": identifying, not charted");
    list.append(item);
  }
  section.append(list);
  $("overview").append(section);
}

// ---- One question, or one question by another -----------------------------------

function fillQuestionPicker() {
  fillGroupedSelect($("question"), chartable());
  fillGroupedSelect($("filter-question"), filterable());
}

/// The questions a crosstab can break the current one down by.
function fillByPicker() {
  const current = app.state.question;
  // Rebuilding a hundred options restyles the page: only a new question or survey
  // changes the candidates.
  if (app.byPickerFor && app.byPickerFor.survey === app.survey && app.byPickerFor.question === current) return;
  app.byPickerFor = { survey: app.survey, question: current };
  const none = el("option", "Nothing: one question on its own", { value: "" });
  const candidates = app.survey.questions.filter((q) => CROSSTAB_KINDS.has(q.kind) && q.id !== current);
  fillGroupedSelect($("by"), candidates, [none]);
}

function filterable() {
  return app.survey.questions.filter((q) => CROSSTAB_KINDS.has(q.kind) || q.kind === "grid" || q.kind === "numeric");
}

function questionById(id) {
  return app.survey.questions[questionIndex(id)];
}

/// The chart kinds offered for the view: grouped, stacked and heatmap for a crosstab;
/// the question's own kind, bars or diverging bars for one question.
function kindChoices(question, by) {
  // Grouped bars up to seven groups, a heatmap beyond (the core decides).
  if (by) return [["", "Suited to the table"], ["grouped", "Grouped bars"], ["stacked", "100% stacked"], ["heatmap", "Heatmap"]];
  if (question.kind === "ordinal" || question.kind === "grid") return [["", "Suited to the question"], ["bar", "Bars"], ["diverging", "Diverging"]];
  return [];
}

function syncControls() {
  const { question, by, base, percent, intervals, chart } = app.state;
  const q = questionById(question);
  $("question").value = question;
  fillByPicker();
  const byQuestion = by ? questionById(by) : null;
  $("by").value = byQuestion ? by : "";
  const crosstabbable = CROSSTAB_KINDS.has(q.kind);
  $("by").disabled = !crosstabbable;
  $("by-search").disabled = !crosstabbable;
  $("by-note").hidden = crosstabbable;
  $("by-note").textContent = crosstabbable ? "" : "Only single-choice, scale and multi-select questions can be broken down by another.";
  for (const radio of document.querySelectorAll('input[name="base"]')) radio.checked = radio.value === base;
  for (const radio of document.querySelectorAll('input[name="percent"]')) radio.checked = radio.value === percent;
  $("base-choice").hidden = Boolean(byQuestion);
  $("percent-choice").hidden = !byQuestion;
  $("intervals").checked = intervals;
  const kinds = kindChoices(q, byQuestion);
  const box = $("kind-choice");
  box.replaceChildren(el("legend", "Chart"));
  box.hidden = kinds.length === 0;
  for (const [value, label] of kinds) {
    const input = el("input", undefined, { type: "radio", name: "kind", value });
    input.checked = (chart || "") === value;
    input.addEventListener("change", () => setState({ chart: value || null }));
    const wrap = el("label");
    wrap.append(input, ` ${label}`);
    box.append(wrap);
  }
}

/// The request for the view on screen (with `filters` in place of the state's).
function questionSpec(filters = app.state.filters) {
  const { question, by, base, percent, intervals, chart } = app.state;
  const spec = { ...commonSpec(filters), question: questionIndex(question), base, kind: chart || "", intervals };
  const byIndex = by ? questionIndex(by) : -1;
  if (byIndex >= 0 && CROSSTAB_KINDS.has(questionById(question).kind)) {
    spec.by = byIndex;
    spec.percent = percent;
  }
  return spec;
}

async function drawQuestion() {
  syncControls();
  const token = ++app.drawToken;
  const spec = questionSpec();
  const answer = JSON.parse(await app.worker.request("view", spec));
  if (token !== app.drawToken) return; // a newer request won
  if (spec.by === undefined) drawFrequencies(answer, spec);
  else drawCrosstab(answer, spec);
}

function drawFrequencies(answer, spec) {
  const freq = answer.table;
  applyIntervals(answer.chart);
  const chartJson = JSON.stringify(answer.chart);
  paint($("chart"), chartJson, describeFreqChart(freq, answer.chart), 180);
  $("chart-caption").textContent = describeBase(freq);
  $("chart-table-caption").replaceChildren(el("bdi", freq.text), ` · ${describeBase(freq)}`);
  fillTable($("chart-table"), freq, answer.chart.chart);
  $("chart-table").tFoot.replaceChildren();
  $("test-result").hidden = true;
  $("table-note").hidden = true;
  showViewN(freq.respondents);
  app.current = { chartJson, spec, name: exportName() };
}

function drawCrosstab(answer, spec) {
  const { crosstab, shown } = answer;
  const rowQ = questionById(app.state.question);
  const byQ = questionById(app.state.by);
  applyIntervals(answer.chart);
  const chartJson = JSON.stringify(answer.chart);
  const kindName = { Grouped: "Grouped bar chart", Stacked: "100% stacked bar chart", Heatmap: "Heatmap" }[
    Object.keys(answer.chart.chart)[0]
  ];
  const base = answer.chart.footnote.base;
  const test = describeTest(crosstab, byQ.text);
  paint($("chart"), chartJson, `${kindName} of answers to: ${rowQ.text}, by ${byQ.text}. ${base}. ${describeLargest(answer.chart)} ${test}`, 180);
  $("chart-caption").textContent = `${base}.`;
  $("chart-table-caption").textContent = `${rowQ.text} by ${byQ.text} · ${shown.heading} · ${base}`;
  fillCrosstab($("chart-table"), shown);
  $("test-result").textContent = test;
  $("test-result").hidden = false;
  const marked = shown.cells.some((row) => row.some((c) => c.marked && c.value !== null));
  const notes = [];
  if (marked) notes.push("* differs significantly (95% level) from what the groups' totals alone would predict.");
  if (crosstab.k > 0) notes.push(`– marks a value based on fewer than ${crosstab.k} respondents, one withheld so that it cannot be worked out, or a zero.`);
  $("table-note").textContent = notes.join(" ");
  $("table-note").hidden = notes.length === 0;
  showViewN(crosstab.respondents);
  app.current = { chartJson, spec, name: exportName() };
}

function fmtP(p) {
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

/// The significance test in words.
function describeTest(crosstab, byText) {
  const by = `“${byText}”`;
  const chi2 = crosstab.chi2;
  if (chi2) {
    const stats = `χ² = ${chi2.statistic.toFixed(1)}, df = ${chi2.df}, ${fmtP(chi2.p)}, Cramér's V = ${chi2.cramers_v.toFixed(2)}`;
    let text = chi2.p < 0.05 ? `Differs by ${by}: ${stats}.` : `No significant difference by ${by} at the 5% level: ${stats}.`;
    if (chi2.warning) text += ` Caution: ${chi2.warning}.`;
    return text;
  }
  const tests = crosstab.option_tests ? crosstab.option_tests.tests : [];
  const tested = tests.filter((t) => t.p_holm !== null);
  if (tested.length) {
    const significant = tested.filter((t) => t.p_holm < 0.05);
    let text = significant.length
      ? `Differs by ${by} for ${significant.map((t) => `${t.option} (Holm-adjusted ${fmtP(t.p_holm)})`).join("; ")}.`
      : `No answer differs significantly by ${by} (Holm-adjusted p ≥ 0.05 for each answer tested).`;
    const untested = tests.length - tested.length;
    if (untested) text += ` ${untested} of ${tests.length} answers are not tested: their tests would reveal withheld cells.`;
    return text;
  }
  return "No test is shown: with cells withheld, a test could reveal them, or too few groups have answers.";
}

function fmtShown(value, unit) {
  return unit === "count" ? fmtCount(value) : fmtPct(value);
}

/// Fills the table of a crosstab with exactly the numbers the core says it shows.
function fillCrosstab(table, shown) {
  setHeader(table, [shown.heading, ...shown.col_labels, "Total"]);
  const intervals = app.state.intervals && shown.unit === "percent";
  table.tBodies[0].replaceChildren(
    ...shown.row_labels.map((label, r) => {
      const tr = el("tr");
      tr.append(el("th", label, { scope: "row" }));
      shown.cells[r].forEach((cell) => {
        let text = fmtShown(cell.value, shown.unit);
        if (intervals && cell.ci) text += ` (${cell.ci[0].toFixed(1)}–${cell.ci[1].toFixed(1)})`;
        const td = el("td", text);
        if (cell.marked && cell.value !== null) {
          td.classList.add("marked");
          td.append(el("span", " *", { "aria-hidden": "true" }), el("span", " (differs significantly)", { class: "visually-hidden" }));
        }
        tr.append(td);
      });
      tr.append(el("td", fmtShown(shown.row_margins[r], shown.unit)));
      return tr;
    }),
  );
  const total = el("tr");
  total.append(el("th", "Total", { scope: "row" }));
  for (const m of shown.col_margins) total.append(el("td", fmtShown(m, shown.unit)));
  total.append(el("td", fmtShown(shown.corner, shown.unit)));
  table.tFoot.replaceChildren(total);
}

// ---- Filters ----------------------------------------------------------------------

const OPERATORS = ["&=", ">=", "<=", "=", ">", "<"];

/// A filter condition read back into a question and words, for its chip.
function describeFilter(expr) {
  let at = -1;
  let op = null;
  for (const candidate of OPERATORS) {
    const i = expr.indexOf(candidate);
    if (i >= 0 && (at < 0 || i < at || (i === at && candidate.length > op.length))) {
      at = i;
      op = candidate;
    }
  }
  if (at < 0) return expr;
  const id = expr.slice(0, at);
  const value = expr.slice(at + op.length);
  const q = questionById(id);
  const name = q ? q.text : id;
  const words = { "=": "is", "&=": "includes all of", ">=": "≥", "<=": "≤", ">": ">", "<": "<" }[op];
  return `${name} ${words} ${value.split("|").join(", ")}`;
}

function renderChips() {
  const chips = app.state.filters.map((expr, i) => {
    const li = el("li", undefined, { class: "chip" });
    const words = describeFilter(expr);
    const remove = el("button", "×", { type: "button", "aria-label": `Remove filter: ${words}` });
    remove.addEventListener("click", () => {
      changeFilters(app.state.filters.filter((_, j) => j !== i));
      $("add-filter").focus();
    });
    li.append(el("span", words), remove);
    return li;
  });
  $("filter-chips").replaceChildren(...chips);
}

function openFilterEditor() {
  $("filter-editor").hidden = false;
  $("add-filter").setAttribute("aria-expanded", "true");
  $("filter-search").value = "";
  searchSelect($("filter-question"), "");
  fillFilterOptions();
  $("filter-search").focus();
}

function closeFilterEditor() {
  $("filter-editor").hidden = true;
  $("add-filter").setAttribute("aria-expanded", "false");
}

/// Checkboxes for the options of the question chosen in the editor, or a range for a
/// number.
function fillFilterOptions() {
  const q = questionById($("filter-question").value);
  const numeric = q && q.kind === "numeric";
  $("filter-range").hidden = !numeric;
  $("filter-options").hidden = numeric;
  $("filter-min").value = "";
  $("filter-max").value = "";
  const box = $("filter-options");
  box.replaceChildren(el("legend", q && q.kind === "multi" ? "includes any of" : "is one of"));
  if (!q || numeric) return;
  for (const option of q.options) {
    // The filter syntax separates options with "|", so such an option cannot be named.
    if (option.includes("|")) continue;
    const input = el("input", undefined, { type: "checkbox", value: option });
    const label = el("label");
    label.append(input, ` ${option}`);
    box.append(label);
  }
}

function applyFilterEditor() {
  const id = $("filter-question").value;
  const q = questionById(id);
  if (!q) return;
  const added = [];
  if (q.kind === "numeric") {
    const [min, max] = [$("filter-min").value.trim(), $("filter-max").value.trim()];
    if (min !== "") added.push(`${id}>=${min}`);
    if (max !== "") added.push(`${id}<=${max}`);
  } else {
    const chosen = [...$("filter-options").querySelectorAll("input:checked")].map((i) => i.value);
    if (chosen.length) added.push(`${id}=${chosen.join("|")}`);
  }
  if (!added.length) {
    showMessage("Choose at least one answer (or a minimum or maximum) for the filter.", "info");
    return;
  }
  closeFilterEditor();
  $("add-filter").focus();
  changeFilters([...app.state.filters, ...added]);
}

/// Applies new filters only if the core accepts them for the view on screen: a
/// refusal is shown in words and the view stays as it was.
async function changeFilters(filters) {
  const spec =
    app.state.view === "question" ? questionSpec(filters) : { ...commonSpec(filters), question: chartable()[0].index, base: "answered" };
  try {
    await app.worker.request("view", spec);
  } catch (err) {
    showMessage(`This filter was not applied: ${err.message}`, "error");
    return;
  }
  for (const old of $("messages").querySelectorAll(".error")) old.remove();
  setState({ filters });
}

// ---- Exports ----------------------------------------------------------------------

function slug(text) {
  return (
    String(text)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "survey"
  );
}

function exportName() {
  const { question, by, filters } = app.state;
  const parts = [slug(app.survey.title), slug(question)];
  if (app.survey.version) parts.splice(1, 0, slug(app.survey.version));
  if (by) parts.push("by", slug(by));
  if (filters.length) parts.push("filtered");
  return parts.join("-");
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el("a", undefined, { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/// The chart at twice the screen's pixel density, in the light theme reports use.
function exportPng() {
  const { chartJson, name } = app.current;
  const scale = 2 * (window.devicePixelRatio || 1);
  const cssWidth = $("chart").clientWidth || 640;
  const cssHeight = chartHeightJson(chartJson, cssWidth);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(cssWidth * scale);
  canvas.height = Math.round(cssHeight * scale);
  drawChartJson(chartJson, canvas, scale, false);
  canvas.toBlob((blob) => download(blob, `${name}.png`), "image/png");
}

function exportSvg() {
  const { chartJson, name } = app.current;
  const svg = chartSvg(chartJson, $("chart").clientWidth || 640, false);
  download(new Blob([svg], { type: "image/svg+xml" }), `${name}.svg`);
}

async function exportCsv() {
  const { spec, name } = app.current;
  try {
    const answer = JSON.parse(await app.worker.request("view", { ...spec, csv: true }));
    // A byte-order mark, so spreadsheets read the file as UTF-8.
    download(new Blob(["\ufeff", answer.csv], { type: "text/csv;charset=utf-8" }), `${name}.csv`);
  } catch (err) {
    showMessage(err.message);
  }
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
  renderChips();
  $("intervals").checked = state.intervals;
  try {
    if (!overview) await drawQuestion();
    if (cardsKey(state) !== app.cardsKey) refreshCards();
    app.lastGoodHash = location.hash;
    for (const old of $("messages").querySelectorAll(".error")) old.remove();
    document.body.dataset.state = "ready";
  } catch (err) {
    if (app.lastGoodHash !== null && app.lastGoodHash !== location.hash) {
      // The view the link or control asked for cannot be shown: say why and keep the
      // one before it, in the controls and in the address too.
      showMessage(`${err.message} The previous view is still shown.`);
      history.replaceState(null, "", app.lastGoodHash);
      app.state = parseHash(app.lastGoodHash).state;
      renderChips();
      if (app.state.view === "question") syncControls();
    } else {
      showMessage(err.message);
    }
  }
  document.dispatchEvent(new CustomEvent("canvass:rendered"));
}

function showSurvey(survey) {
  app.survey = survey;
  app.state = parseHash(location.hash).state;
  app.lastGoodHash = null;
  const parts = [];
  if (survey.version) parts.push(`version ${survey.version}`);
  parts.push(`${fmtInt(survey.respondents)} respondents`, `${fmtInt(chartable().length)} questions`);
  $("dataset").replaceChildren(el("bdi", survey.title), ` · ${parts.join(" · ")}`);
  const notes = [];
  if (survey.synthetic) notes.push("Synthetic data: generated to match the published results, not real responses.");
  if (survey.k > 0) notes.push(`Groups smaller than ${survey.k} are not shown.`);
  if (survey.local) notes.push("Your file is read in this page only; nothing is uploaded or stored.");
  $("notes").textContent = notes.join(" ");
  buildOverview();
  listIdentifying();
  fillQuestionPicker();
  render();
}

// ---- Loading ----------------------------------------------------------------------

/// Fetches and compiles one of the page's wasm modules (`name` in pkg/), compiling
/// while it downloads. A server that sends a module under another type than
/// application/wasm is misconfigured; the page says so rather than compile bytes of
/// uncertain origin.
function compileModule(name) {
  const url = new URL(`./pkg/${name}`, import.meta.url);
  const response = fetch(url).then((r) => {
    if (!r.ok) throw new Error(`the server answered ${r.status} for ${name}`);
    const type = (r.headers.get("content-type") || "").split(";")[0].trim();
    if (type !== "application/wasm") {
      throw new Error(`the server sent ${name} as ${JSON.stringify(type || "no type")}, not application/wasm`);
    }
    return r;
  });
  const compiled = WebAssembly.compileStreaming
    ? WebAssembly.compileStreaming(response)
    : response.then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b));
  compiled.catch(() => {});
  return compiled;
}

/// The workers' module (canvass_loader): reads survey files. Fetched and compiled
/// once, when a visitor first reaches for a file (see prepareSpare) or a bundled
/// dataset has no usable snapshot, and handed to every worker; a visitor who only
/// looks at the bundled survey never downloads it.
let loaderCompile = null;
function loaderModule() {
  loaderCompile ??= compileModule("canvass_loader_bg.wasm");
  return loaderCompile;
}

/// A survey held on this thread, answering the same requests as a `SurveyWorker`:
/// a change of view then costs no hop to a worker's thread, which on a busy machine
/// took 10–24 ms of a 16 ms frame. A bundled dataset's snapshot is read here from the
/// start (openSnapshot). Without one, a small bundled dataset is parsed by a worker,
/// so the first chart never waits for this thread to parse it, and moves here once
/// its overview is drawn.
class PageSurvey {
  constructor(survey) {
    this.survey = survey;
    this.dead = null;
  }

  request(type, args = {}) {
    if (this.dead) return Promise.reject(new Error(this.dead));
    if (type !== "view") return Promise.reject(new Error(`unknown request ${type}`));
    try {
      return Promise.resolve(this.survey.viewJson(JSON.stringify(args)));
    } catch (err) {
      return Promise.reject(new Error(err && err.message ? err.message : String(err)));
    }
  }

  terminate(reason = "closed") {
    if (this.dead) return;
    this.dead = reason;
    this.survey.free();
  }
}

/// Moves the open survey from its worker to this thread, when the visitor is idle and
/// the same survey is still open: the worker writes it as a snapshot, labelled with the
/// digests its files have in the manifest, and this thread reads that, with no parsing.
/// The worker ends once it has answered what it was asked.
function moveToPage(worker, sources) {
  // Without digests in the manifest, the label only pairs this snapshot with this read.
  const label = { responses: sources.responses || "", codebook: sources.codebook };
  const move = async () => {
    if (app.worker !== worker) return;
    let survey;
    try {
      const snapshot = await worker.request("snapshot", label);
      if (app.worker !== worker) return;
      survey = Survey.fromSnapshot(snapshot, label.responses, label.codebook);
    } catch {
      return; // the worker keeps answering
    }
    app.worker = new PageSurvey(survey);
    document.body.dataset.engine = "page";
    worker.retire();
  };
  if (window.requestIdleCallback) requestIdleCallback(move, { timeout: 2000 });
  else setTimeout(move, 0);
}

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
    stamps: result.stamps,
  };
}

/// Places the worker's stages of loading a file on this page's performance timeline,
/// as measures the browser benchmark reads: `canvass:file-read` (into wasm memory),
/// `-records` (parsed), `-columns` (typed), `-answer` (the list of questions made).
function measureFileStages(stamps) {
  if (!stamps) return;
  const at = (t) => t - performance.timeOrigin;
  const stages = [
    ["read", "start", "read"],
    ["records", "read", "records"],
    ["columns", "records", "typed"],
    ["answer", "typed", "answered"],
  ];
  for (const [name, from, to] of stages) {
    if (stamps[from] && stamps[to]) performance.measure(`canvass:file-${name}`, { start: at(stamps[from]), end: at(stamps[to]) });
  }
}

/// Starts the worker for the next file as soon as a visitor reaches for one: a drag
/// enters the window, the pointer reaches the file button, or the button is pressed.
/// Its module is fetched and compiled then, not on every visit (see loaderModule); a
/// drop or a pick from the file dialog comes later than that takes, and parsing starts
/// at once. Keyboard focus alone is not taken as reaching: tabbing past the button on
/// the way to the charts would cost 300 KB, and pressing it leaves the time the file
/// dialog takes.
function prepareSpare() {
  if (app.spare) return;
  const spare = new SurveyWorker(loaderModule());
  app.spare = spare;
  // A head start only: the first spare reads a made-up survey so that the browser has
  // optimised the reading code when a visitor's file arrives (see worker.js). Every
  // worker runs the one compiled module, optimised code included, so later spares need
  // no warming, and none competes with the views of a file just opened.
  // `body[data-spare]` says when the spare is ready, for the benchmark.
  const ready = () => {
    if (app.spare === spare) document.body.dataset.spare = "warm";
  };
  if (app.warming) {
    app.warming.then(ready);
    return;
  }
  // By then a visitor may have opened a file with this very worker, which warms the
  // code as well; the spare of that moment is the one warmed, if any.
  app.warming = new Promise((resolve) =>
    afterFirstScreen(() => {
      const warming = app.spare ? app.spare.request("warmUp").catch(() => {}) : Promise.resolve();
      warming.then(resolve);
    }),
  );
  app.warming.then(ready);
}

function takeWorker() {
  const worker = app.spare || new SurveyWorker(loaderModule());
  app.spare = null;
  delete document.body.dataset.spare;
  return worker;
}

async function openFile(file) {
  if (app.loading) app.loading.terminate("replaced by another file");
  if (file.size > MAX_FILE_BYTES) {
    showMessage([
      el("bdi", file.name),
      ` is ${fmtInt(file.size)} bytes; canvass opens files up to 2 GB in the browser. Use the canvass command line for larger files.`,
    ]);
    return;
  }
  performance.mark("canvass:file-start");
  const worker = takeWorker();
  app.loading = worker;
  const bar = $("load-progress");
  $("load-status").hidden = false;
  bar.removeAttribute("value");
  $("load-text").replaceChildren("Reading ", el("bdi", file.name), ` (${fmtInt(file.size)} bytes)…`);
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
    $("load-text").replaceChildren(`${verbs[phase] || "Reading"} `, el("bdi", file.name), `: ${percent}%`);
  };
  try {
    const loaded = await loadInto(worker, { file }, onProgress);
    if (app.loading !== worker) return;
    performance.mark("canvass:file-loaded");
    measureFileStages(loaded.stamps);
    if (app.worker) app.worker.terminate("replaced");
    app.worker = worker;
    document.body.dataset.engine = "worker";
    showWarnings(loaded.report);
    history.pushState(null, "", toHash(defaults()));
    // A visitor's own file gets the same protection as the bundled data by default:
    // charts and exports made here are often shared.
    showSurvey({ title: file.name, local: true, k: 10, synthetic: false, ...loaded });
  } catch (err) {
    if (app.loading === worker) {
      worker.terminate();
      showMessage([el("bdi", file.name), `: ${err.message}${app.survey ? " The survey you had open is still here." : ""}`]);
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
  const chooseQuestion = (id) => {
    setState({ view: "question", question: id, chart: null, by: app.state.by === id ? null : app.state.by });
  };
  $("question").addEventListener("change", (e) => chooseQuestion(e.target.value));
  $("question-search").addEventListener("input", (e) => {
    const first = searchSelect($("question"), e.target.value);
    if (first && first.value !== app.state.question) chooseQuestion(first.value);
  });
  $("by").addEventListener("change", (e) => setState({ by: e.target.value || null, chart: null }));
  $("by-search").addEventListener("input", (e) => {
    const first = searchSelect($("by"), e.target.value);
    if (first && e.target.value.trim() && first.value !== app.state.by) setState({ by: first.value, chart: null });
  });
  for (const radio of document.querySelectorAll('input[name="base"]')) {
    radio.addEventListener("change", (e) => setState({ base: e.target.value }));
  }
  for (const radio of document.querySelectorAll('input[name="percent"]')) {
    radio.addEventListener("change", (e) => setState({ percent: e.target.value }));
  }
  $("intervals").addEventListener("change", (e) => setState({ intervals: e.target.checked }));
  $("add-filter").addEventListener("click", () => ($("filter-editor").hidden ? openFilterEditor() : closeFilterEditor()));
  $("filter-search").addEventListener("input", (e) => {
    const first = searchSelect($("filter-question"), e.target.value);
    if (first && first.value !== $("filter-question").value) {
      $("filter-question").value = first.value;
      fillFilterOptions();
    }
  });
  $("filter-question").addEventListener("change", fillFilterOptions);
  $("filter-apply").addEventListener("click", applyFilterEditor);
  $("filter-cancel").addEventListener("click", () => {
    closeFilterEditor();
    $("add-filter").focus();
  });
  $("filter-editor").addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      closeFilterEditor();
      $("add-filter").focus();
    }
  });
  $("export-png").addEventListener("click", () => app.current && exportPng());
  $("export-svg").addEventListener("click", () => app.current && exportSvg());
  $("export-csv").addEventListener("click", () => app.current && exportCsv());
  $("open-file").addEventListener("pointerenter", prepareSpare);
  $("open-file").addEventListener("click", () => {
    prepareSpare();
    $("file-input").click();
  });
  $("file-input").addEventListener("change", (e) => {
    if (e.target.files[0]) openFile(e.target.files[0]);
    e.target.value = "";
  });
  $("load-cancel").addEventListener("click", cancelLoading);
  let dragDepth = 0;
  window.addEventListener("dragenter", (e) => {
    if (![...e.dataTransfer.types].includes("Files")) return;
    prepareSpare();
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
    app.cardWidth = 0; // the grid may be another width now
    for (const card of document.querySelectorAll(".card[data-drawn='1']")) {
      delete card.dataset.drawn;
      queueCard(card);
    }
    render();
  };
  let resizeTimer;
  redrawSoon = () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(redraw, 150);
  };
  window.addEventListener("resize", redrawSoon);
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
function warmUpPainting() {
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

/// Reads a bundled dataset's snapshot on this thread: a few bulk copies, 10–30 ms for
/// the release, so the survey is answered here from the start with no worker to start
/// or message. Throws when the snapshot is not of these files or of this build.
function openSnapshot({ snapshot, sources }) {
  const survey = Survey.fromSnapshot(new Uint8Array(snapshot), sources.responses, sources.codebook);
  try {
    return {
      engine: new PageSurvey(survey),
      source: "snapshot",
      loaded: {
        respondents: survey.respondents(),
        questions: JSON.parse(survey.questionsJson()),
        report: JSON.parse(survey.loadReportJson()),
      },
    };
  } catch (err) {
    survey.free();
    throw err;
  }
}

/// Reads a bundled dataset's published files in a worker, so parsing them never holds
/// this thread; one small enough moves here once the overview is drawn (PageSurvey).
async function openPublished(data) {
  const worker = new SurveyWorker(loaderModule());
  const small = dataBytes(data) <= IN_PAGE_MAX_BYTES;
  let loaded;
  try {
    loaded = await loadInto(worker, data);
  } catch (err) {
    worker.terminate();
    throw err;
  }
  if (small) afterFirstScreen(() => moveToPage(worker, data.sources));
  return { engine: worker, source: "published", loaded };
}

async function main() {
  // Everything on the way to the first chart starts at once: the data download and
  // this thread's wasm.
  const { folder, version } = requestedDataset();
  const fetching = fetchBundled(`data/${folder}/manifest.json`);
  fetching.catch(() => {}); // awaited below; a failure is reported there, once
  try {
    await init({ module_or_path: await wasmModule });
  } catch (err) {
    throw new Error(
      `The page's engine (canvass_web_bg.wasm) could not be started: ${err.message || err}. ` +
        "Reload the page; if this persists, the site is not serving its files correctly.",
    );
  }
  performance.mark("canvass:wasm-ready");
  app.state = parseHash(location.hash).state;
  wireEvents();
  warmUpPainting();
  const { manifest, data, published } = await fetching;
  performance.mark("canvass:data-fetched");
  let opened = null;
  if (data.snapshot) {
    try {
      opened = openSnapshot(data);
    } catch (err) {
      // A snapshot of other files or another build: the published files are the data.
      console.info(`Reading the published files instead of their snapshot: ${err.message || err}`);
    }
  }
  opened ??= await openPublished(data.snapshot ? await published() : data);
  const { engine, source, loaded } = opened;
  performance.mark("canvass:data-loaded");
  app.worker = engine;
  document.body.dataset.engine = engine instanceof PageSurvey ? "page" : "worker";
  document.body.dataset.source = source;
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
  setTimeout(firstScreenDone, 3000);
}

main().catch((err) => {
  // Nothing is shown unless all of it arrived intact: the header says so too.
  if (!app.survey) $("dataset").textContent = "The survey could not be shown.";
  showMessage(err.message || String(err));
});

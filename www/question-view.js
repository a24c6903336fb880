// One question: its frequencies, or a crosstab by another question, with the
// controls that choose them.
import { $, el } from "./dom.js";
import { noteAnswer } from "./filters.js";
import { exportName } from "./format.js";
import { paint } from "./paint.js";
import { fillGroupedSelect, searchFrom } from "./pickers.js";
import { CROSSTAB_KINDS, breakdownCandidates, chartable, intervalsNote, kindChoices } from "./questions.js";
import { changeView, page } from "./state.js";
import { fillCrosstab, fillTable } from "./tables.js";

const questionById = (id) => page.survey.questions.find((q) => q.id === id);

let drawToken = 0; // the latest request; older answers are dropped
let byPickerFor = null; // the survey and question the by-picker was filled for
let shown = null; // the view on screen: { chartJson, request, name }

/// The view on screen, for its exports: the chart input (JSON), the request that made
/// it, and the name its files get.
export const shownView = () => shown;

/// The survey shown changed: the picker offers its questions.
export function fillQuestionPicker() {
  fillGroupedSelect($("question"), chartable(page.survey.questions));
}

/// The questions a crosstab can break the current one down by.
function fillByPicker() {
  const current = page.view.question;
  // Rebuilding a hundred options restyles the page: only a new question or survey
  // changes the candidates.
  if (byPickerFor && byPickerFor.survey === page.survey && byPickerFor.question === current) return;
  byPickerFor = { survey: page.survey, question: current };
  const none = el("option", "Nothing: one question on its own", { value: "" });
  fillGroupedSelect($("by"), breakdownCandidates(page.survey.questions, current), [none]);
}

/// What each base counts, in one line, shown under the choice made.
const BASE_NOTES = {
  answered: "Of those who gave an answer to this question; skipped and declined answers are left out.",
  asked: "Of those shown this question, counting those who skipped it or declined to answer.",
  all: "Of everyone who took the survey, counting those not asked this question.",
};

/// Sets the controls to the view state.
export function syncControls() {
  const { question, by, base, percent, intervals, chart } = page.view;
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
  $("base-note").textContent = BASE_NOTES[base] ?? "";
  for (const radio of document.querySelectorAll('input[name="percent"]')) radio.checked = radio.value === percent;
  $("base-choice").hidden = Boolean(byQuestion);
  $("percent-choice").hidden = !byQuestion;
  $("intervals").checked = intervals;
  fillKindChoice(kindChoices(q, byQuestion), chart || "");
}

/// The chart kind radios. They are rebuilt only when the kinds on offer change: a
/// rebuilt radio would drop the keyboard focus of someone choosing with the arrows.
function fillKindChoice(kinds, chosen) {
  const box = $("kind-choice");
  box.hidden = kinds.length === 0;
  const key = JSON.stringify(kinds);
  if (box.dataset.kinds !== key) {
    box.dataset.kinds = key;
    box.replaceChildren(el("legend", "Chart"));
    for (const [value, label] of kinds) {
      const input = el("input", undefined, { type: "radio", name: "kind", value });
      input.addEventListener("change", () => changeView({ chart: value || null }));
      const wrap = el("label");
      wrap.append(input, ` ${label}`);
      box.append(wrap);
    }
  }
  for (const input of box.querySelectorAll("input")) input.checked = input.value === chosen;
}

/// The request for the view on screen: the view state's choices, the disclosure
/// threshold and the release, which footnotes and exports name. The view state holds
/// a request's fields (see the core's view_state), so its choices are passed on as
/// they are.
function questionRequest() {
  const s = page.survey;
  // `dataset` and `view` say where the page is, not what it asks.
  const { dataset, view, by, ...choices } = page.view;
  const release = { name: s.title, version: s.version || null, synthetic: Boolean(s.synthetic) };
  const request = { ...choices, k: s.k, card: false, csv: false, release };
  // A breakdown the question cannot have (a link may ask for one) is left out.
  if (by && questionById(by) && CROSSTAB_KINDS.has(questionById(choices.question).kind)) request.by = by;
  return request;
}

/// Draws the view state's question; rejects with the core's refusal.
export async function drawQuestion() {
  syncControls();
  const token = ++drawToken;
  const request = questionRequest();
  const answer = JSON.parse(await page.engine.view(request));
  if (token !== drawToken) return; // a newer request won
  const chartJson = JSON.stringify(answer.chart);
  paint($("chart"), chartJson, answer.description, 180);
  $("chart-caption").textContent = answer.base_line;
  if (answer.crosstab) drawCrosstab(answer);
  else drawFrequencies(answer);
  $("test-result").textContent = answer.test ?? "";
  $("test-result").hidden = answer.test === null;
  $("table-note").textContent = answer.table_note ?? "";
  $("table-note").hidden = answer.table_note === null;
  noteIntervals(answer.chart.chart);
  noteAnswer(answer);
  shown = { chartJson, request, name: exportName(page.survey, page.view) };
}

/// Says beside the intervals toggle when the chart on screen cannot draw them, rather
/// than ignoring the toggle silently.
function noteIntervals(chart) {
  const text = page.view.intervals ? intervalsNote(Object.keys(chart)) : "";
  const note = $("intervals-note");
  note.hidden = !text;
  note.textContent = text;
}

function drawFrequencies({ table, items, chart, base_line, row_order }) {
  // A grid or ranking is captioned by the question its items share, as its chart is.
  const q = questionById(page.view.question);
  const text = items.length && q.group_title ? q.group_title : table.text;
  $("chart-table-caption").replaceChildren(el("bdi", text), ` · ${base_line}`);
  fillTable($("chart-table"), table, chart.chart, items, row_order);
  $("chart-table").tFoot.replaceChildren();
}

function drawCrosstab({ shown: table, chart }) {
  const rowText = questionById(page.view.question).text;
  const byText = questionById(page.view.by).text;
  $("chart-table-caption").textContent = `${rowText} by ${byText} · ${table.heading} · ${chart.footnote.base}`;
  fillCrosstab($("chart-table"), table, page.view.intervals);
}

export function wireQuestionView() {
  const chooseQuestion = (id) => {
    changeView({ view: "question", question: id, chart: null, by: page.view.by === id ? null : page.view.by });
  };
  $("question").addEventListener("change", (e) => chooseQuestion(e.target.value));
  $("question-search").addEventListener("input", (e) => {
    const first = searchFrom(e.target, $("question"));
    if (first && first.value !== page.view.question) chooseQuestion(first.value);
  });
  $("by").addEventListener("change", (e) => changeView({ by: e.target.value || null, chart: null }));
  $("by-search").addEventListener("input", (e) => {
    const first = searchFrom(e.target, $("by"));
    if (first && first.value !== page.view.by) changeView({ by: first.value, chart: null });
  });
  for (const radio of document.querySelectorAll('input[name="base"]')) {
    radio.addEventListener("change", (e) => changeView({ base: e.target.value }));
  }
  for (const radio of document.querySelectorAll('input[name="percent"]')) {
    radio.addEventListener("change", (e) => changeView({ percent: e.target.value }));
  }
}

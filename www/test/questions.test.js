import assert from "node:assert/strict";
import { test } from "node:test";
import { breakdownCandidates, cardKinds, chartable, distinctTexts, filterable, intervalsNote, kindChoices, pageTitle } from "../questions.js";

const questions = [
  { id: "role", kind: "single", chartable: true, text: "Role" },
  { id: "email", kind: "text", chartable: false, identifying: true, text: "E-mail" },
  { id: "g.a", kind: "grid", chartable: true, group: "g", group_title: "Agree?", text: "Agree? A" },
  { id: "g.b", kind: "grid", chartable: true, group: "g", group_title: "Agree?", text: "Agree? B" },
  { id: "m.a", kind: "multi", chartable: true, group: "m", group_title: "Tools", text: "Tools: A" },
  { id: "age", kind: "numeric", chartable: true, text: "Age" },
];

test("a grid is one chart under its group's question; unchartable columns are left out", () => {
  const shown = chartable(questions);
  assert.deepEqual(shown.map((q) => [q.id, q.text]), [
    ["role", "Role"],
    ["g.a", "Agree?"],
    ["m.a", "Tools"],
    ["age", "Age"],
  ]);
});

test("what a question can be broken down by and filtered on", () => {
  assert.deepEqual(breakdownCandidates(questions, "role").map((q) => q.id), ["m.a", "age"]);
  assert.deepEqual(filterable(questions).map((q) => q.id), ["role", "g.a", "g.b", "m.a", "age"]);
});

test("chart kinds offered", () => {
  assert.equal(kindChoices({ kind: "single" }, null).length, 0);
  assert.deepEqual(kindChoices({ kind: "ordinal", bipolar: true }, null).map(([v]) => v), ["", "bar", "diverging"]);
  // A frequency scale ("Daily … Less frequently") has no "disagree" side to diverge to.
  assert.equal(kindChoices({ kind: "ordinal", bipolar: false }, null).length, 0);
  assert.equal(kindChoices({ kind: "grid", bipolar: false }, null).length, 0);
  assert.deepEqual(kindChoices({ kind: "single" }, { kind: "single" }).map(([v]) => v), ["", "grouped", "stacked", "heatmap"]);
});

test("questions that share a text are told apart by section, then by the question before", () => {
  const named = distinctTexts([
    { id: "a", text: "Role", section: "About you" },
    { id: "b", text: "Other?", section: "Tools" },
    { id: "c", text: "Other?", section: "Work" },
    { id: "d", text: "Did it break?", section: "Work" },
    { id: "e", text: "What did you do?", section: "Work" },
    { id: "f", text: "Could you not solve it with anything at all in the library?", section: "Work" },
    { id: "g", text: "What did you do?", section: "Work" },
  ]);
  assert.deepEqual(named.map((q) => q.text), [
    "Role",
    "Other? — Tools",
    "Other? — Work",
    "Did it break?",
    "What did you do? — Work, after “Did it break?”",
    "Could you not solve it with anything at all in the library?",
    "What did you do? — Work, after “Could you not solve it with anything at…”",
  ]);
});

test("the window's title names the view, with a breakdown, then the survey", () => {
  const survey = { title: "Tools 2024", questions };
  assert.equal(pageTitle(survey, { view: "overview" }), "Overview · Tools 2024");
  assert.equal(pageTitle(survey, { view: "question", question: "g.b", by: null }), "Agree? · Tools 2024");
  assert.equal(pageTitle(survey, { view: "question", question: "role", by: "age" }), "Role by Age · Tools 2024");
});

test("the note on intervals names the charts that draw none: the question view's one, or the overview's kinds", () => {
  assert.equal(intervalsNote(["Bars"]), "");
  assert.equal(intervalsNote(["Heatmap"]), "Not drawn on a heatmap; the table gives them.");
  assert.equal(intervalsNote(["Bars", "Bars"], true), "");
  assert.equal(intervalsNote(["Bars", "Histogram", "Rank", "Histogram"], true), "Not drawn on histograms and rankings; their tables give them.");
  assert.equal(intervalsNote(["Diverging", "Stacked", "Rank"], true), "Not drawn on diverging charts, 100% stacked charts and rankings; their tables give them.");
  assert.equal(intervalsNote(["Histogram"], true), "Not drawn on histograms; their tables give them.");
});

test("the overview's card kinds come from the outlines of the questions it charts, a grid once", () => {
  const outlined = [
    { id: "role", kind: "single", chartable: true, text: "Role", outline: { chart: { Bars: {} } } },
    { id: "email", kind: "text", chartable: false, text: "E-mail", outline: null },
    { id: "g.a", kind: "grid", chartable: true, group: "g", text: "A", outline: { chart: { Diverging: {} } } },
    { id: "g.b", kind: "grid", chartable: true, group: "g", text: "B", outline: null },
    { id: "age", kind: "numeric", chartable: true, text: "Age", outline: { chart: { Histogram: {} } } },
  ];
  assert.deepEqual(cardKinds(outlined), ["Bars", "Diverging", "Histogram"]);
});

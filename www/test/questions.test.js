import assert from "node:assert/strict";
import { test } from "node:test";
import { breakdownCandidates, chartable, filterable, kindChoices } from "../questions.js";

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
  assert.deepEqual(kindChoices({ kind: "ordinal" }, null).map(([v]) => v), ["", "bar", "diverging"]);
  assert.deepEqual(kindChoices({ kind: "single" }, { kind: "single" }).map(([v]) => v), ["", "grouped", "stacked", "heatmap"]);
});

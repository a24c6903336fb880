import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_DATASET, cardsKey, fileDataset, fileOfLink, filtersDiffer, namesOnly, requestedDataset, showsPrerendered } from "../hash.js";

test("a link names a bundled dataset and its version", () => {
  assert.deepEqual(requestedDataset("#d=sample@1"), { folder: "sample", version: "1" });
  assert.deepEqual(requestedDataset("#view=question&d=numpy-2020"), { folder: "numpy-2020", version: null });
  assert.deepEqual(requestedDataset(""), { folder: DEFAULT_DATASET, version: null });
});

test("only a plain folder name is fetched", () => {
  for (const hash of ["#d=../secret", "#d=a/b", "#d=%2e%2e", "#d=UPPER", "#d=-x", `#d=${"a".repeat(65)}`, "#d=http://x"]) {
    assert.deepEqual(requestedDataset(hash), { folder: DEFAULT_DATASET, version: null }, hash);
  }
});

test("cards depend on the filters and intervals only", () => {
  const a = { filters: ["q=1"], intervals: false, question: "x", view: "overview" };
  assert.equal(cardsKey(a), cardsKey({ ...a, question: "y", view: "question" }));
  assert.notEqual(cardsKey(a), cardsKey({ ...a, intervals: true }));
  assert.notEqual(cardsKey(a), cardsKey({ ...a, weight: "wt" }));
  assert.notEqual(cardsKey(a), cardsKey({ ...a, filters: [] }));
  assert.ok(filtersDiffer(a, { ...a, filters: ["q=1", "r=2"] }));
  assert.ok(!filtersDiffer(a, { ...a, intervals: true }));
});

test("a link made on an opened file names the file, and fetches the default dataset", () => {
  const hash = `#${new URLSearchParams({ d: fileDataset("my survey.csv"), view: "question", q: "Q3" })}`;
  assert.equal(fileOfLink(hash), "my survey.csv");
  assert.deepEqual(requestedDataset(hash), { folder: DEFAULT_DATASET, version: null });
  assert.equal(fileOfLink("#d=numpy-2020"), null);
  assert.equal(fileOfLink("#d=file:"), null);
  assert.equal(fileOfLink(""), null);
});

test("the prerendered overview is the first screen of its dataset's plain overview only", () => {
  assert.ok(showsPrerendered("", "numpy-2020"));
  assert.ok(showsPrerendered("#d=numpy-2020@1.0.0&q=x", "numpy-2020"));
  assert.ok(showsPrerendered("#view=overview", "numpy-2020"));
  assert.ok(!showsPrerendered("", "sample"));
  assert.ok(!showsPrerendered("#d=sample", "numpy-2020"));
  assert.ok(!showsPrerendered("#view=question&q=x", "numpy-2020"));
  assert.ok(!showsPrerendered("#f=a%3D1", "numpy-2020"));
  assert.ok(!showsPrerendered("#ci=1", "numpy-2020"));
  assert.ok(!showsPrerendered("#w=weight", "numpy-2020"));
  assert.ok(!showsPrerendered(`#d=${fileDataset("x.csv")}`, "numpy-2020"));
});

test("a kept view applies to a file only when the file has every question it names", () => {
  const questions = [{ id: "role" }, { id: "age" }, { id: "wt" }];
  const view = { view: "question", question: "role", by: null, weight: null, filters: [] };
  assert.ok(namesOnly(view, questions));
  assert.ok(namesOnly({ ...view, question: "", view: "overview" }, questions));
  assert.ok(namesOnly({ ...view, by: "age", weight: "wt", filters: ["age>=18", "age<65", "role=Student|Other"] }, questions));
  assert.ok(!namesOnly({ ...view, question: "gone" }, questions));
  assert.ok(!namesOnly({ ...view, by: "gone" }, questions));
  assert.ok(!namesOnly({ ...view, weight: "gone" }, questions));
  assert.ok(!namesOnly({ ...view, filters: ["gone&=x"] }, questions));
  assert.ok(!namesOnly({ ...view, filters: ["gone<=3"] }, questions));
  assert.ok(namesOnly({ ...view, question: "@3", filters: ["@1 = Student"] }, questions));
  assert.ok(!namesOnly({ ...view, question: "@4" }, questions));
});

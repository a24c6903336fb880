import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_DATASET, cardsKey, fileDataset, fileOfLink, filtersDiffer, requestedDataset, showsPrerendered } from "../hash.js";

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

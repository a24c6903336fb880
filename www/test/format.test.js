import assert from "node:assert/strict";
import { test } from "node:test";
import {
  exportName,
  fmtCount,
  fmtInt,
  fmtInterval,
  fmtPct,
  loadPercent,
  plural,
  sentence,
  slug,
  withheldWords,
} from "../format.js";

test("integers are grouped in threes", () => {
  assert.equal(fmtInt(0), "0");
  assert.equal(fmtInt(999), "999");
  assert.equal(fmtInt(1236), "1,236");
  assert.equal(fmtInt(1234567), "1,234,567");
  assert.equal(fmtInt(-1234), "-1,234");
  assert.equal(fmtInt(1234.6), "1,235");
  assert.equal(fmtInt(-0.2), "0");
});

test("withheld values are a dash", () => {
  assert.equal(fmtPct(null), "–");
  assert.equal(fmtPct(undefined), "–");
  assert.equal(fmtPct(12.345), "12.3%");
  assert.equal(fmtCount(null), "–");
  assert.equal(fmtCount(12345), "12,345");
});

test("intervals", () => {
  assert.equal(fmtInterval([41.23, 58.77]), "41.2–58.8");
});

test("file names are slugs of the release and view", () => {
  assert.equal(slug("NumPy Survey 2020!"), "numpy-survey-2020");
  assert.equal(slug("???"), "survey");
  assert.equal(slug("x".repeat(80)).length, 60);
  const survey = { title: "NumPy 2020", version: "1" };
  assert.equal(exportName(survey, { question: "demographics.role", by: null, filters: [] }), "numpy-2020-1-demographics-role");
  assert.equal(
    exportName({ title: "f.csv" }, { question: "q1", by: "q2", filters: ["q3=Yes"] }),
    "f-csv-q1-by-q2-filtered",
  );
});

test("a load's progress: reading is the first tenth", () => {
  assert.equal(loadPercent({ phase: "reading", done: 50, total: 100 }), 5);
  assert.equal(loadPercent({ phase: "reading", done: 100, total: 100 }), 10);
  assert.equal(loadPercent({ phase: "parsing", done: 50, total: 100 }), 55);
  assert.equal(loadPercent({ phase: "parsing", done: 100, total: 100 }), 100);
});

test("counts name their things in the singular for one", () => {
  assert.equal(plural(1, "warning"), "1 warning");
  assert.equal(plural(1236, "warning"), "1,236 warnings");
  assert.equal(plural(0, "warning"), "0 warnings");
});

test("a message from the engine ends as a sentence before the page adds one", () => {
  assert.equal(sentence("open it and save the responses as CSV"), "open it and save the responses as CSV.");
  assert.equal(sentence("Done."), "Done.");
  assert.equal(sentence("Really?"), "Really?");
  assert.equal(sentence(" trailing space "), "trailing space.");
});

test("a withheld count says why in words, a shown one nothing", () => {
  assert.equal(withheldWords("small", 10), "Withheld: fewer than 10 respondents");
  assert.match(withheldWords("protecting", 10), /^Withheld: 10 or more respondents/);
  assert.equal(withheldWords("small_or_protecting", 10), "Withheld to protect small groups");
  assert.equal(withheldWords(undefined, 10), null);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { gateVerdict, overridesOf, readOptions, releasePercent, roleChoices } from "../release-model.js";

const columns = [
  { id: "email", role: "identifying" },
  { id: "age", role: "quasi" },
  { id: "country", role: "quasi" },
  { id: "uses", role: "answer" },
  { id: "comment", role: "free_text" },
  { id: "empty", role: "withheld" },
];

test("identifying columns and unusable ones keep their role; free text may be curated", () => {
  assert.deepEqual(roleChoices("identifying"), ["identifying"]);
  assert.deepEqual(roleChoices("withheld"), ["withheld"]);
  assert.deepEqual(roleChoices("free_text"), ["free_text", "curated"]);
  assert.deepEqual(roleChoices("answer"), ["quasi", "answer", "withheld"]);
  assert.deepEqual(roleChoices("quasi"), ["quasi", "answer", "withheld"]);
});

test("the suggested roles unchanged are no overrides", () => {
  assert.deepEqual(overridesOf(columns, {}), { quasi: null, withhold: [], curated: [] });
  assert.deepEqual(overridesOf(columns, { age: "quasi", empty: "withheld" }), { quasi: null, withhold: [], curated: [] });
});

test("changed roles become quasi-identifiers named, columns withheld and text curated", () => {
  const chosen = { country: "answer", uses: "quasi", comment: "curated", age: "quasi" };
  assert.deepEqual(overridesOf(columns, chosen), { quasi: ["age", "uses"], withhold: [], curated: ["comment"] });
  assert.deepEqual(overridesOf(columns, { age: "withheld", country: "withheld" }), {
    quasi: [],
    withhold: ["age", "country"],
    curated: [],
  });
});

test("options default to the file's respondents and refuse what is not a whole number", () => {
  assert.deepEqual(readOptions({ seed: "", rows: "", minLeaf: "", disjoint: false }, 1236).value, {
    seed: 1,
    rows: 1236,
    min_leaf: 5,
    disjoint: false,
  });
  assert.deepEqual(readOptions({ seed: " 42 ", rows: "500", minLeaf: "10", disjoint: true }, 1236).value, {
    seed: 42,
    rows: 500,
    min_leaf: 10,
    disjoint: true,
  });
  assert.equal(readOptions({ seed: "-1" }, 10).error, "The seed must be a whole number, not “-1”.");
  assert.equal(readOptions({ rows: "0" }, 10).error, "The number of rows must be at least 1.");
  assert.equal(readOptions({ minLeaf: "2.5" }, 10).error, "The minimum leaf size must be a whole number, not “2.5”.");
  assert.match(readOptions({ rows: "2000000" }, 10).error, /at most 1,000,000/);
  assert.match(readOptions({ seed: "99999999999999999999" }, 10).error, /too large/);
});

test("a gate's verdict gives the figure, its limit and, when it fails, the page's controls to change", () => {
  const pass = gateVerdict({ name: "dcr_share", passed: true, value: 0.5123, limit: 0.55, meaning: "closer to the training half", advice: "" });
  assert.equal(pass.passed, true);
  assert.equal(pass.verdict, "Passes. Measured 0.512, at most 0.550 allowed: closer to the training half.");
  const fail = gateVerdict({
    name: "smallest_quasi_group",
    passed: false,
    value: 1,
    limit: 3,
    meaning: "the fewest records in a group",
    advice: "raise --min-leaf or drop one with --quasi, or use --disjoint",
  });
  assert.equal(fail.passed, false);
  assert.equal(
    fail.verdict,
    "Fails. Measured 1, at least 3 allowed: the fewest records in a group. " +
      "To pass: raise “Minimum leaf size” or drop one with the roles table, or use “Disjoint sets”.",
  );
  const unmeasured = gateVerdict({ name: "dcr_share", passed: false, value: null, limit: 0.55, meaning: "m", advice: "a" });
  assert.match(unmeasured.verdict, /^Fails\. Not measured \(at most 0\.550 allowed\): m\. To pass: a\.$/);
  // Passing with no value: nothing was there to measure, which is not "not measured".
  const noneShared = gateVerdict({ name: "smallest_quasi_group", passed: true, value: null, limit: 3, meaning: "m", advice: "" });
  assert.equal(
    noneShared.verdict,
    "Passes. No combination of the quasi-identifiers is shared by real respondents and synthetic records (at least 3 allowed): m.",
  );
  const noQuasi = gateVerdict({ name: "replicated_uniques", passed: true, value: null, limit: 0, meaning: "m", advice: "" });
  assert.equal(noQuasi.verdict, "Passes. Nothing in this release to measure (at most 0 allowed): m.");
});

test("the bar moves forward through reading, then making the release", () => {
  const steps = [
    { phase: "reading", done: 0, total: 10 },
    { phase: "parsing", done: 5, total: 10 },
    { phase: "making", done: 1, total: 1000 },
    { phase: "making", done: 500, total: 1000 },
    { phase: "making", done: 1000, total: 1000 },
  ].map(releasePercent);
  assert.deepEqual(steps, [0, 7, 10, 55, 100]);
  assert.equal(releasePercent({ phase: "making", done: 1, total: 0 }), 10);
});

test("the report's figures are read from report.json, unmeasured ones said so", async () => {
  const { utilityFigures, riskFigures } = await import("../release-model.js");
  const report = {
    utility: {
      files: [
        {
          file: "responses.tsv",
          column_shapes: 0.9412,
          pairs: { n_pairs: 4753, mean_tvd: 0.0714 },
          pmse: null,
          conclusions: { n_kept: 812, n_significant_raw: 900 },
          ci_overlap: { n_estimates: 410, mean: 0.87 },
        },
      ],
    },
    risk: {
      files: [
        {
          file: "responses.tsv",
          exact_copies: { count: 0, share: 0 },
          quasi: { columns: ["age", "country"], replicated_uniques: { count: 2, share: 0.0016 }, smallest_group: 4 },
        },
      ],
      dcr: { share: 0.503 },
    },
  };
  const utility = utilityFigures(report)[0].figures.map((f) => [f.name, f.value]);
  assert.deepEqual(utility, [
    ["Answers kept (column shapes)", "94.1%"],
    ["Pairs of questions (mean distance)", "0.071"],
    ["Told apart by a model (S_pMSE)", "not measured"],
    ["Conclusions kept", "812 of 900"],
    ["Published percentages (interval overlap)", "87.0%"],
  ]);
  const risk = riskFigures(report);
  assert.deepEqual(
    risk.map((r) => [r.file, r.figures.map((f) => f.value)]),
    [
      ["responses.tsv", ["0 (0.0%)", "2 (0.2%)", "4"]],
      [null, ["0.503"]],
    ],
  );
  assert.match(risk[0].figures[2].meaning, /age, country$/);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { conditionsFor, nameableOptions } from "../questions.js";

test("the editor's choices become conditions", () => {
  const role = { id: "role", kind: "single", options: ["Student", "Teacher"] };
  const age = { id: "age", kind: "numeric", options: [] };
  assert.deepEqual(conditionsFor(role, { chosen: ["Student", "Teacher"] }), ["role=Student|Teacher"]);
  assert.deepEqual(conditionsFor(role, { chosen: [] }), []);
  assert.deepEqual(conditionsFor(age, { min: " 18 ", max: "" }), ["age>=18"]);
  assert.deepEqual(conditionsFor(age, { min: "18", max: "65" }), ["age>=18", "age<=65"]);
  assert.deepEqual(conditionsFor(age, { min: "", max: "" }), []);
});

test("an option holding the separator cannot be named", () => {
  assert.deepEqual(nameableOptions({ options: ["a", "b|c", "d"] }), ["a", "d"]);
});

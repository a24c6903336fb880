import assert from "node:assert/strict";
import { test } from "node:test";
import { describeFilter } from "../filter-words.js";
import { conditionsFor, nameableOptions } from "../questions.js";

const texts = { role: "Your role", age: "Age", tools: "Tools you use" };
const text = (id) => texts[id];

test("a condition in words names its question", () => {
  assert.equal(describeFilter("role=Student|Teacher", text), "Your role is Student, Teacher");
  assert.equal(describeFilter("tools&=NumPy|SciPy", text), "Tools you use includes all of NumPy, SciPy");
  assert.equal(describeFilter("age>=18", text), "Age ≥ 18");
  assert.equal(describeFilter("age<=65", text), "Age ≤ 65");
  assert.equal(describeFilter("age>30", text), "Age > 30");
  assert.equal(describeFilter("age<30", text), "Age < 30");
});

test("the first operator splits, so a value may hold another", () => {
  assert.equal(describeFilter("role=a>=b", text), "Your role is a>=b");
  assert.equal(describeFilter("age>=1=2", text), "Age ≥ 1=2");
});

test("an unknown question is named by its id; no operator leaves the text", () => {
  assert.equal(describeFilter("gone=x", text), "gone is x");
  assert.equal(describeFilter("nonsense", text), "nonsense");
});

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

import assert from "node:assert/strict";
import { test } from "node:test";
import { CardScheduler } from "../card-scheduler.js";

/// A scheduler whose answers are resolved by hand, recording requests, draws and yields.
function harness({ sliceMs = 8, step = 0 } = {}) {
  const log = [];
  const answers = new Map();
  let clock = 0;
  const scheduler = new CardScheduler({
    request: (card) => {
      log.push(`ask ${card.id}`);
      return new Promise((resolve, reject) => answers.set(card.id, { resolve, reject }));
    },
    draw: async (card, answer) => {
      try {
        log.push(`draw ${card.id} ${await answer}`);
      } catch (err) {
        log.push(`refused ${card.id} ${err.message}`);
      }
      clock += step;
    },
    isCurrent: (card) => !card.gone,
    now: () => clock,
    yieldToPage: async () => log.push("yield"),
    sliceMs,
  });
  return { scheduler, log, answers };
}

const card = (id) => ({ id });

test("cards are asked for as queued and drawn in queue order, whatever order answers come in", async () => {
  const { scheduler, log, answers } = harness();
  const [a, b, c] = [card("a"), card("b"), card("c")];
  scheduler.add(a);
  scheduler.add(b);
  scheduler.add(c);
  assert.deepEqual(log, ["ask a", "ask b", "ask c"]);
  answers.get("c").resolve(3);
  answers.get("b").resolve(2);
  answers.get("a").resolve(1);
  await scheduler.idle();
  assert.deepEqual(log.slice(3), ["draw a 1", "draw b 2", "draw c 3"]);
});

test("a card queued twice is asked for and drawn once", async () => {
  const { scheduler, log, answers } = harness();
  const a = card("a");
  scheduler.add(a);
  scheduler.add(a);
  answers.get("a").resolve(1);
  await scheduler.idle();
  assert.deepEqual(log, ["ask a", "draw a 1"]);
});

test("a refusal is drawn as such and the queue goes on", async () => {
  const { scheduler, log, answers } = harness();
  scheduler.add(card("a"));
  scheduler.add(card("b"));
  answers.get("a").reject(new Error("too few"));
  answers.get("b").resolve(2);
  await scheduler.idle();
  assert.deepEqual(log.slice(2), ["refused a too few", "draw b 2"]);
});

test("cleared and replaced cards are not drawn", async () => {
  const { scheduler, log, answers } = harness();
  const [a, b, c] = [card("a"), card("b"), card("c")];
  scheduler.add(a);
  scheduler.add(b);
  b.gone = true;
  answers.get("a").resolve(1);
  answers.get("b").resolve(2);
  await scheduler.idle();
  // c's turn has come when the queue is cleared (its draw decides whether it is still
  // wanted); d, behind it, is forgotten.
  scheduler.add(c);
  scheduler.add(card("d"));
  scheduler.clear();
  answers.get("c").resolve(3);
  answers.get("d").resolve(4);
  await scheduler.idle();
  assert.deepEqual(log, ["ask a", "ask b", "draw a 1", "ask c", "ask d", "draw c 3"]);
});

test("the page gets its thread back once a slice is used up", async () => {
  const { scheduler, log, answers } = harness({ sliceMs: 8, step: 5 });
  for (const id of ["a", "b", "c", "d"]) scheduler.add(card(id));
  for (const id of ["a", "b", "c", "d"]) answers.get(id).resolve(id);
  await scheduler.idle();
  assert.deepEqual(log.slice(4), ["draw a a", "draw b b", "yield", "draw c c", "draw d d", "yield"]);
});

test("a card queued after the queue ran dry starts it again", async () => {
  const { scheduler, log, answers } = harness();
  scheduler.add(card("a"));
  answers.get("a").resolve(1);
  await scheduler.idle();
  scheduler.add(card("b"));
  answers.get("b").resolve(2);
  await scheduler.idle();
  assert.deepEqual(log, ["ask a", "draw a 1", "ask b", "draw b 2"]);
});

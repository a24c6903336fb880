import assert from "node:assert/strict";
import { test } from "node:test";
import { createActivity } from "../activity.js";

/// An activity whose frames are run by hand.
function harness() {
  const frames = [];
  const log = [];
  const activity = createActivity({
    onBusy: () => log.push("busy"),
    onSettled: () => log.push("settled"),
    nextFrame: (run) => frames.push(run),
  });
  const frame = () => frames.splice(0).forEach((run) => run());
  return { activity, log, frame };
}

test("settles two frames after the last piece of work ends", () => {
  const { activity, log, frame } = harness();
  const a = activity.begin();
  const b = activity.begin();
  assert.deepEqual(log, ["busy"]);
  a();
  frame();
  frame();
  assert.deepEqual(log, ["busy"], "b is still under way");
  b();
  frame();
  assert.deepEqual(log, ["busy"]);
  frame();
  assert.deepEqual(log, ["busy", "settled"]);
});

test("work begun within those frames puts settling off", () => {
  const { activity, log, frame } = harness();
  activity.begin()();
  frame();
  const late = activity.begin();
  late();
  frame();
  frame();
  assert.deepEqual(log, ["busy", "busy", "settled"]);
  assert.equal(log.filter((l) => l === "settled").length, 1);
});

test("ending twice counts once", () => {
  const { activity, log, frame } = harness();
  const a = activity.begin();
  const b = activity.begin();
  a();
  a();
  frame();
  frame();
  assert.equal(activity.pending, 1);
  assert.deepEqual(log, ["busy"]);
  b();
  frame();
  frame();
  assert.deepEqual(log, ["busy", "settled"]);
});

test("a tracked promise is work until it settles, rejected or not", async () => {
  const { activity, log, frame } = harness();
  let fail;
  const p = activity.track(new Promise((_, reject) => (fail = reject)));
  p.catch(() => {});
  assert.equal(activity.pending, 1);
  fail(new Error("no"));
  await p.catch(() => {});
  assert.equal(activity.pending, 0);
  frame();
  frame();
  assert.deepEqual(log, ["busy", "settled"]);
});

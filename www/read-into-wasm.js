// Reading a dropped file into a worker's wasm memory, shared by the loader's worker
// (worker.js) and the release worker (release-worker.js).

/// Bytes read between two progress messages.
const PROGRESS_STEP_BYTES = 1 << 20;

/// Reads `file` straight into a new `InputBuffer` (the worker's wasm module's class),
/// chunk by chunk, so its bytes exist once: no ArrayBuffer of the whole file is made
/// in JS, and nothing on the page's thread touches them. `progress("reading", at, of)`
/// is called every megabyte; `afterFirstProgress`, when given, is awaited once after
/// the first of those calls (a test hook of worker.js).
export async function readIntoWasm(InputBuffer, file, progress, afterFirstProgress = null) {
  const input = new InputBuffer(file.size);
  // Valid until wasm memory grows; nothing calls into wasm until the file is read.
  const view = input.view();
  const reader = file.stream().getReader();
  let at = 0;
  let reported = 0;
  let waiting = afterFirstProgress;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > view.length) throw new Error("the file changed while it was being read; open it again");
    view.set(value, at);
    at += value.length;
    // Chunks are small (64 KB in Chromium); a message per megabyte, as while parsing,
    // moves the bar as smoothly without a message for every chunk.
    if (at - reported >= PROGRESS_STEP_BYTES || at === file.size) {
      reported = at;
      progress("reading", at, file.size);
      if (waiting) {
        const wait = waiting;
        waiting = null;
        await wait();
      }
    }
  }
  if (at !== view.length) throw new Error("the file changed while it was being read; open it again");
  return input;
}

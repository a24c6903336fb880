// Release-making lives here, off the page's thread: a raw file is read into wasm
// memory, its columns are given suggested roles, and the release is synthesised and
// scored with progress posted as it goes. Its module (canvass_release) is fetched only
// when a visitor opens "Prepare a release" (see release.js), never by the explorer.
import init, { InputBuffer, RawRelease } from "./pkg/canvass_release.js";
import { readIntoWasm } from "./read-into-wasm.js";

let ready = null;
let raw = null;

const handlers = {
  /// Answers once the module is ready, so the page knows all its code has arrived.
  ready() {
    return {};
  },
  /// The raw file (and its codebook, when given): its columns with suggested roles.
  async read({ file, codebook, minLeaf }, progress) {
    const codebookBytes = codebook ? new Uint8Array(await codebook.arrayBuffer()) : undefined;
    const input = await readIntoWasm(InputBuffer, file, progress);
    if (raw) raw.free();
    raw = null;
    raw = RawRelease.read(input, codebookBytes, (done, total) => progress("parsing", done, total));
    return JSON.parse(raw.columnsJson(minLeaf));
  },
  /// Makes the release: `request` is the options and the team's overrides (see
  /// `ReleaseRequest` in the web crate). Answers the files, moved rather than copied,
  /// the report and the raw and synthetic answers side by side.
  make(request, progress) {
    if (!raw) throw new Error("no raw file is open; choose one first");
    const made = raw.make(JSON.stringify(request), (phase, done, total) => progress(phase, done, total));
    try {
      const names = JSON.parse(made.namesJson());
      const files = names.map((name, i) => ({ name, bytes: made.file(i) }));
      return {
        files,
        report: JSON.parse(made.reportJson()),
        compare: JSON.parse(made.compareJson()),
        transfer: files.map((f) => f.bytes.buffer),
      };
    } finally {
      made.free();
    }
  },
};

// Requests run one after another, in the order they came: a "make" sent while the
// file is still being read (after a Cancel, the page reads it again at once) waits for
// the read instead of finding no file open.
let queue = Promise.resolve();

self.onmessage = (event) => {
  const { type, module } = event.data;
  if (type === "init") {
    ready = init({ module_or_path: module });
    return;
  }
  queue = queue.then(() => answer(event.data));
};

async function answer({ id, type, args }) {
  const progress = (phase, done, total) => self.postMessage({ id, progress: { phase, done, total } });
  try {
    await ready;
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request ${type}`);
    const { transfer = [], ...result } = (await handler(args, progress)) ?? {};
    self.postMessage({ id, ok: true, result }, transfer);
  } catch (err) {
    self.postMessage({ id, ok: false, error: err && err.message ? err.message : String(err) });
  }
}

// The survey lives here, off the main thread: parsing a large file never freezes the
// page, and a file too large for memory kills this worker, not the page. Progress of a
// long load is posted back as it happens; the final answer is posted once.
import init, { InputBuffer, Survey } from "./pkg/canvass_loader.js";
import { readIntoWasm } from "./read-into-wasm.js";

let ready = null;
let survey = null;
/// Lets a held load go on (see `hold` below).
let releaseHold = null;

/// Milliseconds since the epoch: unlike `performance.now()`, comparable with the page's
/// clock, so the page can place this thread's stages on its own timeline.
const stamp = () => performance.timeOrigin + performance.now();

function answer(loaded) {
  if (survey) survey.free();
  survey = loaded;
  return {
    respondents: survey.respondents(),
    questions: survey.questionsJson(),
    report: survey.loadReportJson(),
  };
}

const handlers = {
  async load({ file, bytes, codebook, hold }, progress) {
    const codebookBytes = codebook ? new Uint8Array(codebook) : undefined;
    if (!file) return answer(Survey.load(new Uint8Array(bytes), codebookBytes));
    // When each stage ended: read into wasm, records read, columns typed, answer made.
    const stamps = { start: stamp() };
    // With `hold` (a test hook), the read stops after its first progress message until
    // the page says "release", so a test can act while a load is under way.
    const input = await readIntoWasm(InputBuffer, file, progress, hold ? () => new Promise((resolve) => (releaseHold = resolve)) : null);
    stamps.read = stamp();
    const loaded = Survey.loadBuffer(input, codebookBytes, (done, total) => {
      if (done === total) stamps.records = stamp();
      progress("parsing", done, total);
    });
    stamps.typed = stamp();
    const result = answer(loaded);
    stamps.answered = stamp();
    return { ...result, stamps };
  },
  /// Reads a made-up survey (pkg/warm-up.csv, which the build writes) and forgets it.
  /// The browser runs new wasm code unoptimised until it has run a while, and a call
  /// already running never switches; reading a few hundred kilobytes here, while the
  /// page is idle, gets the reading code optimised before a visitor's file needs it.
  /// Without the file there is no warm-up, and nothing is lost but the head start.
  async warmUp() {
    const response = await fetch(new URL("./pkg/warm-up.csv", import.meta.url));
    if (!response.ok) return false;
    Survey.load(new Uint8Array(await response.arrayBuffer())).free();
    return true;
  },
  /// The survey as a snapshot for the page to read on its own thread (see moveToPage
  /// in bundled.js), labelled with the digests the page gives.
  snapshot({ responses, codebook }) {
    if (!survey) throw new Error("no survey is loaded");
    return survey.snapshot(responses, codebook);
  },
  view(spec) {
    if (!survey) throw new Error("no survey is loaded");
    return survey.viewJson(JSON.stringify(spec));
  },
};

self.onmessage = async (event) => {
  const { id, type, args, module } = event.data;
  if (type === "release") {
    if (releaseHold) releaseHold();
    return;
  }
  if (type === "init") {
    // The page compiles the loader once and sends it here before any request (see
    // survey-worker.js), so no worker fetches or compiles it a second time.
    ready = init({ module_or_path: module });
    return;
  }
  const progress = (phase, done, total) => self.postMessage({ id, progress: { phase, done, total } });
  try {
    await ready;
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request ${type}`);
    self.postMessage({ id, ok: true, result: await handler(args, progress) });
  } catch (err) {
    self.postMessage({ id, ok: false, error: err && err.message ? err.message : String(err) });
  }
};

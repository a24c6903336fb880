// The worker engine (see engine.js): a promise-based client for worker.js. One worker
// holds one survey; loading another file uses a fresh worker, so a failed or
// cancelled load leaves the current one intact.
import { loaded } from "./engine.js";
import { track } from "./settled.js";

export class SurveyWorker {
  kind = "worker";

  /// `module` is the compiled loader module (a promise of a `WebAssembly.Module`),
  /// shared so the worker does not fetch and compile it again.
  constructor(module) {
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    this.pending = new Map();
    this.nextId = 1;
    this.dead = null;
    this.retiring = false;
    // Messages are queued in order, so the module arrives before any request. A module
    // that cannot be had (missing, damaged, served as another type) ends this worker
    // with the reason, as the page's own module does the page.
    this.queue = module.then(
      (compiled) => this.worker.postMessage({ type: "init", module: compiled }),
      (err) => {
        this.fail(
          `The engine that reads files (canvass_loader_bg.wasm) could not be started: ${err.message || err}. ` +
            "Reload the page; if this persists, the site is not serving its files correctly.",
        );
        this.worker.terminate();
      },
    );
    this.worker.onmessage = (event) => {
      const { id, ok, result, error, progress } = event.data;
      const waiter = this.pending.get(id);
      if (!waiter) return;
      if (progress) {
        if (waiter.onProgress) waiter.onProgress(progress);
        return;
      }
      this.pending.delete(id);
      if (ok) waiter.resolve(result);
      else waiter.reject(new Error(error));
      if (this.retiring && this.pending.size === 0) this.close("retired");
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(
        "The survey engine stopped, most likely because the file needs more memory than this tab has. " +
          "Try a smaller file; the page still works.",
      );
    };
  }

  /// Reads a visitor's `file` (sent as the `File` itself, a handle: the worker reads
  /// it, so the page's thread never holds its contents), or a bundled dataset's
  /// `bytes` and `codebook` (moved, not copied). With `hold`, the worker stops after
  /// its first progress message until `release()` (a test hook, see files.js).
  async open({ file = null, bytes = null, codebook = null, hold = false }, onProgress = null) {
    const transfer = [bytes, codebook].filter(Boolean);
    return loaded(await this.request("load", { file, bytes, codebook, hold }, transfer, onProgress));
  }

  view(spec) {
    return this.request("view", spec);
  }

  /// Reads a made-up survey, so the browser optimises the reading code before a
  /// visitor's file needs it (see worker.js).
  warmUp() {
    return this.request("warmUp");
  }

  /// The survey as a snapshot for a PageSurvey, labelled with `sources`' digests.
  snapshot(sources) {
    return this.request("snapshot", sources);
  }

  /// Lets a load held by `open({ hold: true })` go on.
  release() {
    this.worker.postMessage({ type: "release" });
  }

  /// Closes the worker once every request sent so far is answered.
  retire() {
    if (this.pending.size === 0) return this.close("retired");
    this.retiring = true;
  }

  close(why = "cancelled") {
    this.worker.terminate();
    this.fail(why);
  }

  fail(message) {
    this.dead = message;
    for (const waiter of this.pending.values()) waiter.reject(new Error(message));
    this.pending.clear();
  }

  /// Sends a request; `onProgress({ phase, done, total })` hears how a long one is going.
  request(type, args = {}, transfer = [], onProgress = null) {
    if (this.dead) return Promise.reject(new Error(this.dead));
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.queue.then(() => this.worker.postMessage({ id, type, args }, transfer));
    });
    return track(answer);
  }
}

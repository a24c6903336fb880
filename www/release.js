// "Prepare a release": a survey team drops its raw file, adjusts the roles suggested
// for its columns, and the release worker (release-worker.js, with the canvass_release
// module) synthesises and scores a release; the page shows the report and hands over
// the files. Nothing leaves the machine: the file goes to the worker as a handle, the
// release comes back as bytes, and downloads are blobs made here. This module and its
// wasm are loaded only when a visitor opens "Prepare a release" (see release-entry.js).
import { $, el } from "./dom.js";
import { compileModule } from "./fetch-data.js";
import { fmtInt, sentence } from "./format.js";
import { overridesOf, readOptions, releasePercent, roleChoices, ROLE_LABELS } from "./release-model.js";
import { renderReport } from "./release-report.js";
import { track } from "./settled.js";

const MAX_FILE_BYTES = 2 * 1024 ** 3;

let releaseModule = null; // the compiled canvass_release module, once asked for
let worker = null;
let file = null; // the raw file's handle (never its bytes: the worker reads them)
let codebook = null;
let columns = []; // the columns with their suggested roles, from the worker
let chosen = {}; // column id → the role the team chose
let made = null; // the release last made: { files, report, compare, acceptedRisk }

/// Where the flow is, for tests: reading, roles, making, made, failed or cancelled.
const stageIs = (what) => (document.body.dataset.release = what);

/// A promise-based client of release-worker.js: one request at a time, each with
/// progress; `close` ends the worker and every request it had.
class ReleaseWorker {
  constructor(module) {
    this.worker = new Worker(new URL("./release-worker.js", import.meta.url), { type: "module" });
    this.pending = new Map();
    this.nextId = 1;
    this.dead = null;
    this.queue = module.then(
      (compiled) => this.worker.postMessage({ type: "init", module: compiled }),
      (err) =>
        this.fail(
          `The engine that makes releases (canvass_release_bg.wasm) could not be started: ${err.message || err}. ` +
            "Reload the page; if this persists, the site is not serving its files correctly.",
        ),
    );
    this.worker.onmessage = (event) => {
      const { id, ok, result, error, progress } = event.data;
      const waiter = this.pending.get(id);
      if (!waiter) return;
      if (progress) return waiter.onProgress(progress);
      this.pending.delete(id);
      if (ok) waiter.resolve(result);
      else waiter.reject(new Error(error));
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(
        "The release engine stopped, most likely because the file needs more memory than this tab has. " +
          "Try fewer rows or the canvass command line (canvass release).",
      );
    };
  }

  request(type, args, onProgress) {
    if (this.dead) return Promise.reject(new Error(this.dead));
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.queue.then(() => this.worker.postMessage({ id, type, args }));
    });
    return track(answer);
  }

  close(why) {
    this.worker.terminate();
    this.fail(why);
  }

  fail(message) {
    this.dead = message;
    for (const waiter of this.pending.values()) waiter.reject(new Error(message));
    this.pending.clear();
  }
}

function freshWorker() {
  if (worker) worker.close("replaced");
  releaseModule ??= compileModule("canvass_release_bg.wasm");
  worker = new ReleaseWorker(releaseModule);
  return worker;
}

function say(message, kind = "error") {
  const p = el("p", undefined, { class: kind });
  p.append(...(Array.isArray(message) ? message : [message]));
  if (kind === "error") p.setAttribute("role", "alert");
  $("release-messages").replaceChildren(p);
}

const quiet = () => $("release-messages").replaceChildren();

/// Shows the bar with `text`; `onProgress` moves it. Returns the progress callback.
function showProgress(text) {
  const bar = $("release-progress");
  bar.removeAttribute("value");
  $("release-status-text").replaceChildren(...text);
  $("release-status").hidden = false;
  const words = { reading: "Reading the file", parsing: "Reading the answers", making: "Synthesising and measuring utility and risk" };
  let shown = -1;
  return (progress) => {
    const percent = releasePercent(progress);
    if (percent === shown) return;
    shown = percent;
    bar.value = percent;
    $("release-status-text").textContent = `${words[progress.phase] || "Working"}: ${percent}%`;
  };
}

const hideProgress = () => ($("release-status").hidden = true);

/// The raw file (and the codebook, if any) is read by a fresh worker, which suggests
/// a role for each column.
async function readRaw() {
  quiet();
  if (file.size > MAX_FILE_BYTES) {
    say([el("bdi", file.name), ` is ${fmtInt(file.size)} bytes; canvass opens files up to 2 GB in the browser. Use the canvass command line (canvass release) for larger files.`]);
    return;
  }
  // The worker started when the panel opened, unless it already holds a file.
  const w = worker && !worker.used ? worker : freshWorker();
  w.used = true;
  made = null;
  $("release-setup").hidden = true;
  $("release-report").hidden = true;
  stageIs("reading");
  $("release-file-name").replaceChildren("Raw file: ", el("bdi", file.name), codebook ? ", with the codebook " : "", ...(codebook ? [el("bdi", codebook.name)] : []));
  const onProgress = showProgress(["Reading ", el("bdi", file.name), ` (${fmtInt(file.size)} bytes)…`]);
  try {
    const read = await w.request("read", { file, codebook, minLeaf: 5 }, onProgress);
    if (worker !== w) return;
    columns = read.columns;
    chosen = {};
    renderRoles(read);
    $("release-rows").placeholder = String(read.respondents);
    $("release-setup").hidden = false;
    stageIs("roles");
    $("release-roles-heading").focus();
  } catch (err) {
    if (worker !== w) return;
    stageIs("failed");
    say([el("bdi", file.name), `: ${sentence(err.message)}`]);
  } finally {
    if (worker === w) hideProgress();
  }
}

function renderRoles({ respondents, columns: cols }) {
  const released = cols.filter((c) => c.released).length;
  $("release-roles-caption").textContent = `${fmtInt(cols.length)} questions of ${fmtInt(respondents)} respondents; ${fmtInt(released)} would be released as suggested.`;
  const rows = cols.map((c) => {
    // Table roles said outright: a phone shows these cells as blocks (style.css).
    const tr = el("tr", undefined, { role: "row" });
    const name = el("th", undefined, { scope: "row", role: "rowheader" });
    name.append(el("bdi", c.id));
    if (c.text && c.text !== c.id) name.append(el("span", c.text, { class: "note question-text" }));
    const choices = roleChoices(c.role);
    const role = el("td", undefined, { role: "cell" });
    if (choices.length === 1) {
      role.textContent = ROLE_LABELS[choices[0]];
    } else {
      const select = el("select", undefined, { "aria-label": `Role of ${c.id}`, "data-question": c.id });
      for (const choice of choices) {
        const option = el("option", ROLE_LABELS[choice], { value: choice });
        if (choice === c.role) option.selected = true;
        select.append(option);
      }
      select.addEventListener("change", () => (chosen[c.id] = select.value));
      role.append(select);
    }
    tr.append(name, role, el("td", c.reason, { role: "cell" }));
    return tr;
  });
  $("release-roles").tBodies[0].replaceChildren(...rows);
}

/// Makes the release with the roles and options chosen; with `acceptRisk`, the
/// manifest records that the team accepted a failed gate.
async function makeRelease(acceptRisk = false) {
  quiet();
  const options = readOptions(
    {
      seed: $("release-seed").value,
      rows: $("release-rows").value,
      minLeaf: $("release-min-leaf").value,
      disjoint: $("release-disjoint").checked,
    },
    Number($("release-rows").placeholder) || 1,
  );
  if (options.error) {
    say(options.error);
    return;
  }
  const w = worker;
  stageIs("making");
  performance.mark("canvass:release-start");
  $("release-make").disabled = true;
  const onProgress = showProgress([acceptRisk ? "Recording that you accept the risk…" : "Making the release…"]);
  try {
    const result = await w.request("make", { ...options.value, ...overridesOf(columns, chosen), accept_risk: acceptRisk }, onProgress);
    if (worker !== w) return;
    made = { ...result, acceptedRisk: acceptRisk };
    renderReport(made, say);
    // From "Make the release" to the report on screen, for the benchmark.
    performance.measure("canvass:release-made", "canvass:release-start");
    stageIs("made");
    // After accepting the risk, focus goes on to the downloads it released.
    $(acceptRisk ? "release-zip" : "release-report-heading").focus();
  } catch (err) {
    if (worker !== w) return;
    stageIs("failed");
    say(sentence(err.message));
  } finally {
    if (worker === w) {
      hideProgress();
      $("release-make").disabled = false;
    }
  }
}

/// Stops the work under way. Reading stops for good; making goes back to the roles,
/// with a fresh worker reading the file again so that another try can follow.
function cancel() {
  const making = document.body.dataset.release === "making";
  if (worker) worker.close("cancelled");
  worker = null;
  hideProgress();
  $("release-make").disabled = false;
  stageIs("cancelled");
  say(making ? "Making the release was cancelled; the roles and options are as you left them." : "Reading the file was cancelled.", "info");
  if (making) {
    const keep = chosen;
    const w = freshWorker();
    w.used = true;
    w.request("read", { file, codebook, minLeaf: 5 }, () => {}).then(
      () => {
        chosen = keep;
      },
      () => {},
    );
  }
}

let wired = false;

/// Shows the release flow, wiring it on first use; the release engine's module is
/// fetched now, while the visitor picks a file.
export function openRelease() {
  if (wired) return;
  wired = true;
  // Everything the flow runs is fetched now, before any file is chosen: once a file
  // is, the page makes no request at all. `body[data-release-engine]` says when.
  freshWorker()
    .request("ready")
    .then(
      () => (document.body.dataset.releaseEngine = "ready"),
      () => {},
    );
  $("release-open").addEventListener("click", () => $("release-file").click());
  $("release-file").addEventListener("change", (e) => {
    if (e.target.files[0]) pickRaw(e.target.files[0]);
    e.target.value = "";
  });
  $("release-open-codebook").addEventListener("click", () => $("release-codebook").click());
  $("release-codebook").addEventListener("change", (e) => {
    if (e.target.files[0]) {
      codebook = e.target.files[0];
      if (file) readRaw();
      else $("release-file-name").replaceChildren("Codebook: ", el("bdi", codebook.name), ". Now choose the raw file.");
    }
    e.target.value = "";
  });
  document.addEventListener("canvass:release-file", (e) => pickRaw(e.detail));
  $("release-cancel").addEventListener("click", cancel);
  $("release-setup").addEventListener("submit", (e) => {
    e.preventDefault();
    makeRelease(false);
  });
  $("release-accept-risk").addEventListener("change", (e) => {
    if (e.target.checked && made) makeRelease(true);
  });
}

/// A file dropped or chosen: a codebook (.json) joins the raw file, anything else is
/// the raw file.
function pickRaw(picked) {
  if (/\.json$/i.test(picked.name)) {
    codebook = picked;
    if (file) return readRaw();
    $("release-file-name").replaceChildren("Codebook: ", el("bdi", picked.name), ". Now choose the raw file.");
    return;
  }
  file = picked;
  readRaw();
}

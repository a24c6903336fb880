// The visitor's own files: opened with the button or dropped on the page, read by a
// worker with a progress bar and a cancel button. Nothing leaves the machine.
//
// Test hook: with `?hold-load` in the address, a file's load stops after its first
// progress message (`body[data-load="held"]`) until a `canvass:release-load` event, so
// a test can cancel or replace a load under way on a machine of any speed.
import { $, el } from "./dom.js";
import { fmtInt, loadPercent, sentence } from "./format.js";
import { loaderModule } from "./fetch-data.js";
import { afterFirstScreen, mark, measureFileStages } from "./marks.js";
import { showMessage, showWarnings } from "./messages.js";
import { showSurvey } from "./show-survey.js";
import { page } from "./state.js";
import { SurveyWorker } from "./survey-worker.js";
import { fileDataset, namesOnly } from "./hash.js";
import { defaults, parseHash, toHash } from "./view-state.js";
import { releaseIsOpen } from "./release-entry.js";

const MAX_FILE_BYTES = 2 * 1024 ** 3;
const HOLD_LOAD = new URLSearchParams(location.search).has("hold-load");

let loading = null; // the worker of a file being opened
let spare = null; // a worker started ahead of the next file
let warming = null; // the first spare worker's warm-up, once asked for

/// Where a file's load is (for tests): reading, held, loaded, failed or cancelled.
const loadIs = (what) => (document.body.dataset.load = what);

/// Starts the worker for the next file as soon as a visitor reaches for one: a drag
/// enters the window, the pointer reaches the file button, or the button is pressed.
/// Its module is fetched and compiled then, not on every visit (see loaderModule); a
/// drop or a pick from the file dialog comes later than that takes, and parsing starts
/// at once. Keyboard focus alone is not taken as reaching: tabbing past the button on
/// the way to the charts would cost 300 KB, and pressing it leaves the time the file
/// dialog takes.
function prepareSpare() {
  if (spare) return;
  const worker = new SurveyWorker(loaderModule());
  spare = worker;
  document.body.dataset.spare = "starting";
  // A head start only: the first spare reads a made-up survey so that the browser has
  // optimised the reading code when a visitor's file arrives (see worker.js). Every
  // worker runs the one compiled module, optimised code included, so later spares need
  // no warming, and none competes with the views of a file just opened.
  // `body[data-spare]` says when the spare is ready, for the benchmark.
  const ready = () => {
    if (spare === worker) document.body.dataset.spare = "warm";
  };
  // By then a visitor may have opened a file with this very worker, which warms the
  // code as well; the spare of that moment is the one warmed, if any.
  warming ??= new Promise((resolve) =>
    afterFirstScreen(() => {
      const warmUp = spare ? spare.warmUp().catch(() => {}) : Promise.resolve();
      warmUp.then(resolve);
    }),
  );
  warming.then(ready);
}

function takeWorker() {
  const worker = spare || new SurveyWorker(loaderModule());
  spare = null;
  delete document.body.dataset.spare;
  return worker;
}

let pendingView = null; // { hash, name }: a view of the file `name`, not open yet

/// The page was opened at `hash`, a view of the visitor's file `name`, which is never
/// stored: says so, and keeps the view for when that file is opened again.
export function awaitFile(hash, name) {
  pendingView = { hash, name };
  showMessage(["This link shows a view of your own file ", el("bdi", name), ", which is never stored: open it again (“Open your own file…”) to see that view."], "info");
}

const stillHere = () => (page.survey ? " The survey you had open is still here." : "");

async function openFile(file) {
  if (loading) loading.close("replaced by another file");
  if (file.size > MAX_FILE_BYTES) {
    showMessage([
      el("bdi", file.name),
      ` is ${fmtInt(file.size)} bytes; canvass opens files up to 2 GB in the browser. Use the canvass command line for larger files.`,
    ]);
    return;
  }
  mark("file-start");
  const worker = takeWorker();
  loading = worker;
  loadIs("reading");
  const bar = $("load-progress");
  $("load-status").hidden = false;
  bar.removeAttribute("value");
  $("load-text").replaceChildren("Reading ", el("bdi", file.name), ` (${fmtInt(file.size)} bytes)…`);
  const verbs = { reading: "Reading", parsing: "Reading the answers of" };
  let shownPercent = -1;
  const onProgress = (progress) => {
    if (loading !== worker || !progress.total) return;
    if (HOLD_LOAD && shownPercent < 0) loadIs("held");
    const percent = loadPercent(progress);
    if (percent === shownPercent) return;
    shownPercent = percent;
    bar.max = 100;
    bar.value = percent;
    $("load-text").replaceChildren(`${verbs[progress.phase] || "Reading"} `, el("bdi", file.name), `: ${percent}%`);
  };
  try {
    const loaded = await worker.open({ file, hold: HOLD_LOAD }, onProgress);
    if (loading !== worker) return;
    mark("file-loaded");
    measureFileStages(loaded.stamps);
    showWarnings(loaded.report);
    // A link made on a file, reloaded or shared, is shown once that file is open again;
    // any other file opens at its overview, weighted by the weight it names, and the
    // kept view is dropped.
    const kept = pendingView && pendingView.name === file.name ? parseHash(pendingView.hash).state : null;
    pendingView = null;
    const view = kept && namesOnly(kept, loaded.questions) ? kept : { ...defaults(), weight: loaded.report.weight || null };
    history.pushState(null, "", toHash({ ...view, dataset: fileDataset(file.name) }));
    // A visitor's own file gets the same protection as the bundled data by default:
    // charts and exports made here are often shared.
    showSurvey({ title: file.name, local: true, k: 10, synthetic: false, ...loaded }, worker);
    loadIs("loaded");
  } catch (err) {
    if (loading === worker) {
      worker.close("failed");
      loadIs("failed");
      showMessage([el("bdi", file.name), `: ${sentence(err.message)}${stillHere()}`]);
    }
  } finally {
    if (loading === worker) {
      loading = null;
      $("load-status").hidden = true;
    }
  }
}

/// Stops the load under way; once this returns, nothing of it can reach the page.
function cancelLoading() {
  if (!loading) return;
  const worker = loading;
  loading = null;
  worker.close("cancelled");
  $("load-status").hidden = true;
  showMessage(`Loading was cancelled.${stillHere()}`, "info");
  loadIs("cancelled");
}

export function wireFiles() {
  $("open-file").addEventListener("pointerenter", prepareSpare);
  $("open-file").addEventListener("click", () => {
    prepareSpare();
    $("file-input").click();
  });
  $("file-input").addEventListener("change", (e) => {
    if (e.target.files[0]) openFile(e.target.files[0]);
    e.target.value = "";
  });
  $("load-cancel").addEventListener("click", cancelLoading);
  if (HOLD_LOAD) document.addEventListener("canvass:release-load", () => loading && loading.release());
  let dragDepth = 0;
  window.addEventListener("dragenter", (e) => {
    if (![...e.dataTransfer.types].includes("Files")) return;
    // A raw file for a release is read by the release engine, not the explorer's.
    if (!releaseIsOpen()) prepareSpare();
    dragDepth++;
    $("drop-overlay").hidden = false;
  });
  window.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) $("drop-overlay").hidden = true;
  });
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => {
    e.preventDefault();
    dragDepth = 0;
    $("drop-overlay").hidden = true;
    const file = e.dataTransfer.files[0];
    if (!file) return;
    if (releaseIsOpen()) document.dispatchEvent(new CustomEvent("canvass:release-file", { detail: file }));
    else openFile(file);
  });
}

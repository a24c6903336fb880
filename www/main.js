// The explorer page, started by app.js. Two wasm modules are built from the Rust code: this thread's
// (canvass_web) reads a bundled survey's snapshot, answers its views and paints every
// chart; the workers' (canvass_loader, see survey-worker.js) reads survey files, so a
// file a visitor opens is parsed and answered off this thread (engine.js describes
// both). This module starts the page; each of the others does one job.
import init from "./pkg/canvass_web.js";
import { openBundled } from "./bundled.js";
import { $ } from "./dom.js";
import { wireExports } from "./exports.js";
import { compileModule, fetchBundled } from "./fetch-data.js";
import { awaitFile, wireFiles } from "./files.js";
import { wireFilters } from "./filters.js";
import { fileOfLink, requestedDataset } from "./hash.js";
import { firstScreenIsDone, mark } from "./marks.js";
import { showMessage, showWarnings } from "./messages.js";
import { wireOverview } from "./overview.js";
import { warmUpPainting } from "./paint.js";
import { wireQuestionView } from "./question-view.js";
import { wireReleaseEntry } from "./release-entry.js";
import { wireRouting } from "./routing.js";
import { beginWork } from "./settled.js";
import { showSurvey } from "./show-survey.js";
import { wireWeight } from "./weight.js";
import { page } from "./state.js";

/// The overview the build wrote into the page (see xtask/src/prerender.rs), if any.
const prerendered = document.querySelector("#overview > .prerendered");
const prerenderedFolder = prerendered ? prerendered.dataset.dataset.split("@")[0] : null;

/// This thread's module (canvass_web): reads snapshots, answers views, paints.
/// Compiling it is most of what the page waits for once it starts, so it starts
/// before this module does anything else.
const wasmModule = compileModule("canvass_web_bg.wasm");

async function main() {
  // Everything on the way to the first chart starts at once: the data download and
  // this thread's wasm.
  // A link made on an opened file: the release is shown until the file is opened
  // again, and the view then (see awaitFile).
  const file = fileOfLink(location.hash);
  const fileView = file ? location.hash : null;
  if (file) history.replaceState(null, "", `${location.pathname}${location.search}#`);
  const { folder, version } = requestedDataset(location.hash);
  if (prerendered && folder !== prerenderedFolder) {
    // Another dataset: the prerendered one is not what this link shows.
    prerendered.remove();
    $("dataset").textContent = "Loading the survey…";
    $("notes").textContent = "";
  }
  const fetching = fetchBundled(`data/${folder}/manifest.json`);
  fetching.catch(() => {}); // awaited below; a failure is reported there, once
  try {
    await init({ module_or_path: await wasmModule });
  } catch (err) {
    throw new Error(
      `The page's engine (canvass_web_bg.wasm) could not be started: ${err.message || err}. ` +
        "Reload the page; if this persists, the site is not serving its files correctly.",
    );
  }
  mark("wasm-ready");
  wireRouting();
  wireQuestionView();
  wireFilters();
  wireExports();
  wireFiles();
  wireWeight();
  wireReleaseEntry();
  wireOverview();
  warmUpPainting();
  const fetched = await fetching;
  mark("data-fetched");
  const { engine, loaded, source } = await openBundled(fetched);
  mark("data-loaded");
  document.body.dataset.source = source;
  const { manifest } = fetched;
  showWarnings(loaded.report);
  if (version && version !== manifest.version) {
    showMessage(`This link was made for version ${version} of the data; this is version ${manifest.version}, so its numbers may differ.`, "info");
  }
  showSurvey(
    {
      id: `${folder}@${manifest.version}`,
      title: manifest.title,
      version: manifest.version,
      synthetic: manifest.synthetic === true,
      k: Number.isInteger(manifest.disclosure_threshold_k) ? manifest.disclosure_threshold_k : 10,
      local: false,
      // The digests of the files it was read from, which a prerendered overview is
      // held to (see buildOverview).
      sources: fetched.data.sources,
      ...loaded,
    },
    engine,
  );
  if (file) awaitFile(fileView, file);
  setTimeout(firstScreenIsDone, 3000);
}

const starting = beginWork();
main()
  .catch((err) => {
    // Nothing is shown unless all of it arrived intact: the header says so too, and
    // the overview the build wrote goes with the rest.
    if (!page.survey) {
      $("dataset").textContent = "The survey could not be shown.";
      $("notes").textContent = "";
      if (prerendered) prerendered.remove();
      $("overview-contents").replaceChildren();
    }
    showMessage(err.message || String(err));
  })
  .finally(starting);

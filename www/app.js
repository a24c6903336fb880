// The page's first script. A plain link to the dataset whose overview the build wrote
// into the page (see xtask/src/prerender.rs) shows that overview, complete without
// script: the page's code and its engine then start once it is painted, so that
// nothing competes with it. Any other first screen needs them at once.
import { showsPrerendered } from "./hash.js";

/// The page's modules (main.js's imports), fetched side by side rather than each once
/// the module importing it has arrived and been read.
const MODULES = [
  "main.js",
  "pkg/canvass_web.js",
  "activity.js",
  "bundled.js",
  "card-scheduler.js",
  "dom.js",
  "engine.js",
  "exports.js",
  "fetch-data.js",
  "files.js",
  "filters.js",
  "format.js",
  "marks.js",
  "messages.js",
  "overview.js",
  "page-survey.js",
  "paint.js",
  "pickers.js",
  "question-view.js",
  "release-entry.js",
  "questions.js",
  "routing.js",
  "settled.js",
  "show-survey.js",
  "state.js",
  "survey-worker.js",
  "tables.js",
  "view-state.js",
  "weight.js",
];

/// Resolves once the browser reports the page's first contentful paint (its frames can
/// reach the screen well after the page's own frame callbacks). A browser that does not
/// report paints, and a tab in the background, which is not painted, start after a
/// frame; a report that never comes is waited for three seconds at most.
function painted() {
  return new Promise((resolve) => {
    const reported = () => performance.getEntriesByName("first-contentful-paint").length > 0;
    const reports = globalThis.PerformanceObserver && (PerformanceObserver.supportedEntryTypes || []).includes("paint");
    if (!reports || document.visibilityState === "hidden") {
      requestAnimationFrame(() => setTimeout(resolve, 0));
      return;
    }
    if (reported()) return resolve();
    const observer = new PerformanceObserver(() => {
      if (!reported()) return;
      observer.disconnect();
      resolve();
    });
    observer.observe({ type: "paint", buffered: true });
    setTimeout(resolve, 3000);
  });
}

function start() {
  // The engine's module, fetched beside the scripts that compile it; main.js's fetch
  // (same mode and credentials) takes this response.
  const wasm = document.createElement("link");
  Object.assign(wasm, { rel: "preload", href: "pkg/canvass_web_bg.wasm", as: "fetch", type: "application/wasm", crossOrigin: "anonymous" });
  document.head.append(wasm);
  for (const href of MODULES) {
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = href;
    document.head.append(link);
  }
  import("./main.js").catch((err) => {
    const messages = document.getElementById("messages");
    const line = document.createElement("p");
    line.className = "error";
    line.textContent = `The page's scripts could not be loaded: ${err.message || err}. Reload the page; the overview above is complete without them.`;
    messages.append(line);
  });
}

const prerendered = document.querySelector("#overview > .prerendered");
const folder = prerendered ? prerendered.dataset.dataset.split("@")[0] : null;
if (showsPrerendered(location.hash, folder)) painted().then(start);
else start();

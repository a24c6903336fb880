// Performance marks read by the browser benchmark (cargo xtask bench), and the moment
// the first screen is drawn, after which work that must not compete with it runs.

export const mark = (name) => performance.mark(`canvass:${name}`);

let firstChartMarked = false;
let firstScreenDone = false;
const waiting = [];

/// A new survey is being shown: its first chart is marked again.
export function surveyShown() {
  firstChartMarked = false;
}

/// A card or chart was drawn (`local`: of a visitor's file).
export function chartDrawn(local) {
  if (firstChartMarked) return;
  firstChartMarked = true;
  mark(local ? "file-first-chart" : "first-chart");
}

/// Every card of the overview shows its chart or its sentence.
export function overviewDrawn() {
  mark("overview-drawn");
  firstScreenIsDone();
}

/// Runs `work` once the first screen is drawn (the overview, or 3 s after the page
/// started showing a survey when it opened on another view), or at once after that.
export function afterFirstScreen(work) {
  if (firstScreenDone) work();
  else waiting.push(work);
}

export function firstScreenIsDone() {
  if (firstScreenDone) return;
  firstScreenDone = true;
  for (const work of waiting.splice(0)) work();
}

/// Places a worker's stages of loading a file (`stamps`, milliseconds since the epoch)
/// on this page's timeline: `canvass:file-read` (into wasm memory), `-records`
/// (parsed), `-columns` (typed), `-answer` (the list of questions made).
export function measureFileStages(stamps) {
  if (!stamps) return;
  const at = (t) => t - performance.timeOrigin;
  const stages = [
    ["read", "start", "read"],
    ["records", "read", "records"],
    ["columns", "records", "typed"],
    ["answer", "typed", "answered"],
  ];
  for (const [name, from, to] of stages) {
    if (stamps[from] && stamps[to]) performance.measure(`canvass:file-${name}`, { start: at(stamps[from]), end: at(stamps[to]) });
  }
}

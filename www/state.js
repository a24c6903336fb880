// The page's state, in one place: the survey shown, the engine answering it, and the
// view on screen (read from the address, so every view is a link and back/forward
// work). Other modules read it through `page` and change it only through the named
// transitions below.
import { fileDataset } from "./hash.js";
import { chartable } from "./questions.js";
import { parseHash, toHash } from "./view-state.js";

const current = {
  survey: null, // { id?, title, version, synthetic, k, local, respondents, questions, report }
  engine: null, // the Engine answering it (see engine.js)
  view: null, // the view state: { dataset, view, question, by, filters, base, percent, intervals, chart }
  lastGoodHash: null, // the address of the last view drawn without error
};

export const page = Object.freeze({
  get survey() {
    return current.survey;
  },
  get engine() {
    return current.engine;
  },
  get view() {
    return current.view;
  },
});

let redraw = () => {};

/// `draw()` draws the view when a change asks for the address already shown.
export function onUnchangedView(draw) {
  redraw = draw;
}

/// Shows `survey`, answered by `engine`; the engine it replaces is closed.
export function showSurvey(survey, engine) {
  if (current.engine && current.engine !== engine) current.engine.close("replaced");
  current.survey = survey;
  current.engine = engine;
  current.lastGoodHash = null;
  readView();
  document.body.dataset.engine = engine.kind;
}

/// The survey shown is answered by `engine` from now on (moved from its worker to the page).
export function moveSurvey(engine) {
  current.engine = engine;
  document.body.dataset.engine = engine.kind;
}

/// Reads the view from the address; returns the parts of it that were not understood.
/// A view without a question, or with one the survey lacks, shows the first charted.
export function readView() {
  const { state, problems } = parseHash(location.hash);
  const questions = current.survey ? current.survey.questions : [];
  if (current.survey && !questions.some((q) => q.id === state.question)) {
    const first = chartable(questions)[0];
    state.question = first ? first.id : null;
  }
  current.view = state;
  return problems;
}

/// Whether the address asks for another view than the one last drawn (not the first).
export const isNewView = () => current.lastGoodHash !== null && current.lastGoodHash !== location.hash;

/// The view on screen was drawn without error.
export function viewShown() {
  current.lastGoodHash = location.hash;
}

/// The view the address asks for was refused: the address and state go back to the
/// last view drawn, which returns the refused view, or null if there is none.
export function viewRefused() {
  if (current.lastGoodHash === null || current.lastGoodHash === location.hash) return null;
  const refused = current.view;
  // The whole address: an empty hash given alone would leave the refused one.
  history.replaceState(null, "", `${location.pathname}${location.search}${current.lastGoodHash}`);
  current.view = parseHash(current.lastGoodHash).state;
  return refused;
}

/// Asks for the view with `changes`: a new address, so a history entry, drawn on
/// `hashchange`.
export function changeView(changes) {
  const next = { ...current.view, ...changes };
  if (current.survey && !current.survey.local && current.survey.id) next.dataset = current.survey.id;
  // An opened file's views name it, so that a reload can say which file to open again.
  if (current.survey && current.survey.local) next.dataset = fileDataset(current.survey.title);
  const hash = toHash(next);
  if (hash !== (location.hash || "#")) location.hash = hash;
  else redraw();
}

/// The address of `changes` to the view on screen (for links).
export const linkTo = (changes) => toHash({ ...current.view, ...changes });

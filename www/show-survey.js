// Putting a survey on the page: its header, its overview and pickers, then the view
// the address asks for.
import { $, el } from "./dom.js";
import { fillFilterPicker } from "./filters.js";
import { fmtInt } from "./format.js";
import { surveyShown } from "./marks.js";
import { buildOverview } from "./overview.js";
import { fillQuestionPicker } from "./question-view.js";
import { chartable } from "./questions.js";
import { render } from "./routing.js";
import * as state from "./state.js";
import { fillWeightPicker } from "./weight.js";

/// Shows `survey` ({ id?, title, version, synthetic, k, local, and a Loaded: see
/// engine.js}), answered by `engine`, in place of the one shown.
export function showSurvey(survey, engine) {
  state.showSurvey(survey, engine);
  surveyShown();
  const parts = [];
  if (survey.version) parts.push(`version ${survey.version}`);
  parts.push(`${fmtInt(survey.respondents)} respondents`, `${fmtInt(chartable(survey.questions).length)} questions`);
  $("dataset").replaceChildren(el("bdi", survey.title), ` · ${parts.join(" · ")}`);
  const notes = [];
  if (survey.synthetic) notes.push("Synthetic data: generated to match the published results, not real responses.");
  if (survey.k > 0) notes.push(`Groups smaller than ${survey.k} are not shown.`);
  if (survey.local) notes.push("Your file is read in this page only; nothing is uploaded or stored.");
  $("notes").textContent = notes.join(" ");
  buildOverview();
  fillQuestionPicker();
  fillFilterPicker();
  fillWeightPicker();
  render();
}

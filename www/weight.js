// The weight picker: a survey with numbers can weight every table by one of them, as
// the command line's --weight does. Unweighted until one is chosen.
import { $, el } from "./dom.js";
import { changeView, page } from "./state.js";

/// The survey shown changed: the picker offers its numeric questions, and is shown
/// only when there are some.
export function fillWeightPicker() {
  const numbers = page.survey.questions.filter((q) => q.kind === "numeric");
  $("weight-choice").hidden = numbers.length === 0;
  $("weight").replaceChildren(el("option", "nothing (unweighted)", { value: "" }), ...numbers.map((q) => el("option", q.text, { value: q.id })));
}

/// Sets the picker to the view state.
export function syncWeight() {
  $("weight").value = page.view.weight || "";
}

export function wireWeight() {
  $("weight").addEventListener("change", (e) => changeView({ weight: e.target.value || null }));
}

// Filters: the chips of those in use, the editor that adds one, and the count of
// respondents the view holds. A new set of filters is a change of view like any
// other; a view the core refuses under them is reported by the router, which keeps
// the previous one.
import { $, el } from "./dom.js";
import { fmtInt } from "./format.js";
import { showMessage } from "./messages.js";
import { fillGroupedSelect, searchFrom } from "./pickers.js";
import { conditionsFor, filterable, nameableOptions } from "./questions.js";
import { changeView, page } from "./state.js";

const questionById = (id) => page.survey.questions.find((q) => q.id === id);

/// Each condition in words, as the core put it in the answers so far.
const filterWords = new Map();

/// What every answer tells the filter bar: how many respondents the view holds and
/// its conditions in words.
export function noteAnswer(answer) {
  const n = `n = ${fmtInt(answer.respondents)} respondents`;
  $("view-n").textContent = page.view.filters.length ? `${n} match the filters` : n;
  const before = filterWords.size;
  for (const { expr, text } of answer.filters) filterWords.set(expr, text);
  if (filterWords.size !== before) renderChips();
}

/// A chip per filter in use, its condition in words once an answer has given them.
export function renderChips() {
  const chips = page.view.filters.map((expr, i) => {
    const li = el("li", undefined, { class: "chip" });
    const words = filterWords.get(expr) ?? expr;
    const remove = el("button", "×", { type: "button", "aria-label": `Remove filter: ${words}` });
    remove.addEventListener("click", () => {
      changeView({ filters: page.view.filters.filter((_, j) => j !== i) });
      $("add-filter").focus();
    });
    li.append(el("span", words), remove);
    return li;
  });
  $("filter-chips").replaceChildren(...chips);
}

/// The survey shown changed: the editor offers its questions.
export function fillFilterPicker() {
  fillGroupedSelect($("filter-question"), filterable(page.survey.questions));
}

function openEditor() {
  $("filter-editor").hidden = false;
  $("add-filter").setAttribute("aria-expanded", "true");
  $("filter-search").value = "";
  searchFrom($("filter-search"), $("filter-question"));
  fillOptions();
  $("filter-search").focus();
}

function closeEditor() {
  $("filter-editor").hidden = true;
  $("add-filter").setAttribute("aria-expanded", "false");
  $("add-filter").focus();
}

/// Checkboxes for the options of the question chosen in the editor, or a range for a
/// number.
function fillOptions() {
  const q = questionById($("filter-question").value);
  const numeric = q && q.kind === "numeric";
  $("filter-range").hidden = !numeric;
  $("filter-options").hidden = numeric;
  $("filter-min").value = "";
  $("filter-max").value = "";
  const box = $("filter-options");
  box.replaceChildren(el("legend", q && q.kind === "multi" ? "includes any of" : "is one of"));
  if (!q || numeric) return;
  for (const option of nameableOptions(q)) {
    const label = el("label");
    label.append(el("input", undefined, { type: "checkbox", value: option }), ` ${option}`);
    box.append(label);
  }
}

function applyEditor() {
  const q = questionById($("filter-question").value);
  if (!q) return;
  const added = conditionsFor(q, {
    chosen: [...$("filter-options").querySelectorAll("input:checked")].map((i) => i.value),
    min: $("filter-min").value,
    max: $("filter-max").value,
  });
  if (!added.length) {
    showMessage("Choose at least one answer (or a minimum or maximum) for the filter.", "info");
    return;
  }
  closeEditor();
  changeView({ filters: [...page.view.filters, ...added] });
}

export function wireFilters() {
  $("add-filter").addEventListener("click", () => ($("filter-editor").hidden ? openEditor() : closeEditor()));
  $("filter-search").addEventListener("input", (e) => {
    const first = searchFrom(e.target, $("filter-question"));
    if (first && first.value !== $("filter-question").value) {
      $("filter-question").value = first.value;
      fillOptions();
    }
  });
  $("filter-question").addEventListener("change", fillOptions);
  $("filter-apply").addEventListener("click", applyEditor);
  $("filter-cancel").addEventListener("click", closeEditor);
  $("filter-editor").addEventListener("keydown", (e) => {
    if (e.key === "Escape") closeEditor();
  });
  $("intervals").addEventListener("change", (e) => changeView({ intervals: e.target.checked }));
}

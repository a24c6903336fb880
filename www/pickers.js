// Question pickers: a <select> of questions grouped by section, and the search box
// that narrows it.
import { el } from "./dom.js";
import { distinctTexts, sectionOf } from "./questions.js";

/// Fills `select` with one option per question, grouped by section, after `leading`;
/// questions that share a text are told apart (see distinctTexts).
export function fillGroupedSelect(select, questions, leading = []) {
  select.replaceChildren(...leading);
  const groups = new Map();
  for (const q of distinctTexts(questions)) {
    const name = sectionOf(q);
    if (!groups.has(name)) groups.set(name, el("optgroup", undefined, { label: name }));
    groups.get(name).append(el("option", q.text, { value: q.id }));
  }
  for (const group of groups.values()) select.append(group);
}

/// Hides the options of `select` that do not contain `words`; returns the first shown.
export function searchSelect(select, words) {
  const needle = words.trim().toLowerCase();
  let firstMatch = null;
  for (const option of select.options) {
    if (!option.value) continue;
    const match = !needle || option.textContent.toLowerCase().includes(needle) || option.value.toLowerCase().includes(needle);
    option.hidden = !match;
    if (match && !firstMatch) firstMatch = option;
  }
  return firstMatch;
}

/// Narrows `select` to the options matching the search box `input`, and says so in the
/// box's status line when none does. Returns the first match, or null when none does
/// or the box was cleared: clearing a search must not change what is chosen.
export function searchFrom(input, select) {
  const words = input.value;
  const first = searchSelect(select, words);
  const status = document.getElementById(`${input.id}-status`);
  status.textContent = first || !words.trim() ? "" : `No question matches “${words.trim()}”.`;
  return words.trim() ? first : null;
}

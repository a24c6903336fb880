// What the page makes of the survey's list of questions: which are charted, which can
// break another down or filter it, and the filter conditions the editor's choices
// mean. Pure, for the unit tests.

/// Question kinds a crosstab can have on either side (numbers in their histogram's bins).
export const CROSSTAB_KINDS = new Set(["single", "ordinal", "multi", "numeric"]);

export const sectionOf = (q) => q.section || "Questions";

/// The questions shown as charts, in file order. A grid or ranking is one chart of all
/// its items, so only its first item stands for it, under the group's question.
export function chartable(questions) {
  const seen = new Set();
  return questions
    .map((q) => ({ ...q, text: q.group && q.group_title ? q.group_title : q.text }))
    .filter((q) => {
      if (!q.chartable) return false;
      if (!q.group || (q.kind !== "rank" && q.kind !== "grid")) return true;
      if (seen.has(q.group)) return false;
      seen.add(q.group);
      return true;
    });
}

const tally = (names) => names.reduce((counts, name) => counts.set(name, (counts.get(name) || 0) + 1), new Map());
const short = (text) => (text.length > 40 ? `${text.slice(0, 40).trimEnd()}…` : text);

/// `questions` with texts that tell them apart in a picker: a text two questions share
/// is followed by its section, and when that is shared too, by the question before it.
export function distinctTexts(questions) {
  const texts = tally(questions.map((q) => q.text));
  const named = questions.map((q) => (texts.get(q.text) > 1 ? `${q.text} — ${sectionOf(q)}` : q.text));
  const again = tally(named);
  return questions.map((q, i) => {
    const after = again.get(named[i]) > 1 && i > 0;
    return { ...q, text: after ? `${named[i]}, after “${short(questions[i - 1].text)}”` : named[i] };
  });
}

/// The questions a filter can be set on.
export const filterable = (questions) =>
  questions.filter((q) => CROSSTAB_KINDS.has(q.kind) || q.kind === "grid" || q.kind === "numeric");

/// The questions the question `id` can be broken down by.
export const breakdownCandidates = (questions, id) => questions.filter((q) => CROSSTAB_KINDS.has(q.kind) && q.id !== id);

/// The chart kinds offered for a view, as [value, label]: grouped, stacked and heatmap
/// for a crosstab; the question's own kind, bars or diverging bars for one question.
export function kindChoices(question, by) {
  // Grouped bars up to seven groups, a heatmap beyond (the core decides).
  if (by) return [["", "Suited to the table"], ["grouped", "Grouped bars"], ["stacked", "100% stacked"], ["heatmap", "Heatmap"]];
  // Diverging bars read "disagree" to the left and "agree" to the right: only a scale
  // with such poles and a midpoint (agreement, satisfaction) is offered them.
  if ((question.kind === "ordinal" || question.kind === "grid") && question.bipolar) {
    return [["", "Suited to the question"], ["bar", "Bars"], ["diverging", "Diverging"]];
  }
  return [];
}

/// Options a filter can name: the filter syntax separates options with "|", so an
/// option holding one cannot be named.
export const nameableOptions = (question) => question.options.filter((option) => !option.includes("|"));

/// The filter conditions the editor's choices for `question` mean: a range for a
/// number (`min`, `max` as typed, "" for none), else the options `chosen`.
export function conditionsFor(question, { chosen = [], min = "", max = "" }) {
  const id = question.id;
  if (question.kind === "numeric") {
    const conditions = [];
    if (min.trim() !== "") conditions.push(`${id}>=${min.trim()}`);
    if (max.trim() !== "") conditions.push(`${id}<=${max.trim()}`);
    return conditions;
  }
  return chosen.length ? [`${id}=${chosen.join("|")}`] : [];
}

/// The window's title for `view`: what is shown, then the survey, so that tabs and
/// history entries say which view each is.
export function pageTitle(survey, view) {
  if (view.view !== "question") return `Overview · ${survey.title}`;
  const textOf = (id) => {
    const q = survey.questions.find((x) => x.id === id);
    return q ? (q.group && q.group_title ? q.group_title : q.text) : id;
  };
  const shown = view.by ? `${textOf(view.question)} by ${textOf(view.by)}` : textOf(view.question);
  return `${shown} · ${survey.title}`;
}

/// Chart kinds (as the core names them) that draw no 95% intervals, in the words of
/// the note beside the toggle: one chart, and several.
const NO_INTERVALS = {
  Diverging: ["a diverging chart", "diverging charts"],
  Heatmap: ["a heatmap", "heatmaps"],
  Stacked: ["a 100% stacked chart", "100% stacked charts"],
  Histogram: ["a histogram", "histograms"],
  Rank: ["a ranking", "rankings"],
};

/// The note beside the intervals toggle when some charts shown cannot draw them: for
/// the one chart of the question view (`kinds` its kind), or for the overview's cards
/// (`kinds` theirs, `cards` true). "" when every chart draws them.
export function intervalsNote(kinds, cards = false) {
  const named = [...new Set(kinds)].filter((kind) => NO_INTERVALS[kind]);
  if (!named.length) return "";
  if (!cards) return `Not drawn on ${NO_INTERVALS[named[0]][0]}; the table gives them.`;
  const words = named.map((kind) => NO_INTERVALS[kind][1]);
  const list = words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words.at(-1)}` : words[0];
  return `Not drawn on ${list}; their tables give them.`;
}

/// The chart kind of each of the overview's cards, from their outlines.
export const cardKinds = (questions) => chartable(questions).flatMap((q) => (q.outline ? Object.keys(q.outline.chart) : []));

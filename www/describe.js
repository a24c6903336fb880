// Charts and tests in words: the text alternatives of the page's canvases, the line
// under a chart and the crosstab's test sentence. Pure, for the unit tests. Goes once
// the core answers each view with these (its query layer).
import { fmtCount, fmtInt, fmtP, isolate, pct1, sentence } from "./format.js";

/// The base of a frequency table: "n = 90 of 120; 30 not asked".
export function describeBase(freq) {
  const parts = [`n = ${fmtInt(freq.base.n)} of ${fmtInt(freq.respondents)}`];
  for (const m of freq.missing) parts.push(`${fmtInt(m.count)} ${m.reason.replaceAll("_", " ")}`);
  return parts.join("; ");
}

const KIND_NAMES = { Bars: "Bar chart", Histogram: "Histogram", Rank: "Ranking chart", Diverging: "Diverging bar chart" };
const CROSSTAB_KIND_NAMES = { Grouped: "Grouped bar chart", Stacked: "100% stacked bar chart", Heatmap: "Heatmap" };

/// The text alternative of one question's chart.
export function describeFreqChart(freq, input) {
  const kind = KIND_NAMES[Object.keys(input.chart)[0]] || "Chart";
  return `${kind} of answers to: ${isolate(sentence(freq.text))} ${describeBase(freq)}. ${describeLargest(input)}`;
}

/// The text alternative of a crosstab's chart, `test` its test in words.
export function describeCrosstabChart(input, rowText, byText, test) {
  const kind = CROSSTAB_KIND_NAMES[Object.keys(input.chart)[0]];
  return `${kind} of answers to: ${rowText}, by ${byText}. ${input.footnote.base}. ${describeLargest(input)} ${test}`;
}

/// The largest values a chart shows, in words: the three longest bars, the fullest
/// cells of a crosstab, the highest bin, the top-ranked item. Withheld values are not
/// mentioned; a chart with none left says so.
export function describeLargest(input) {
  const [kind, chart] = Object.entries(input.chart)[0];
  const top = (entries, words) => {
    const shown = entries.filter((e) => e.value !== null && e.value !== undefined && Number.isFinite(e.value));
    if (!shown.length) return "Every value is withheld or empty.";
    shown.sort((a, b) => b.value - a.value);
    return `${words}: ${shown.slice(0, 3).map((e) => `${isolate(e.label)} ${e.text(e.value)}`).join("; ")}.`;
  };
  if (kind === "Bars") {
    const text = chart.unit === "Count" ? (v) => fmtCount(v) : chart.unit === "Score" ? (v) => v.toFixed(1) : pct1;
    return top(chart.categories.map((label, i) => ({ label, value: chart.values[i], text })), "Largest");
  }
  if (kind === "Rank") {
    return top(chart.items.map((label, i) => ({ label, value: chart.borda[i], text: (v) => `(mean score ${v.toFixed(1)})` })), "Ranked highest");
  }
  if (kind === "Histogram") {
    const bins = chart.counts.map((value, i) => ({ label: `${chart.edges[i]}–${chart.edges[i + 1]}`, value, text: (v) => `(${fmtCount(v)} respondents)` }));
    return top(bins, "Most common");
  }
  if (kind === "Diverging") {
    const cells = chart.items.flatMap((item, r) =>
      chart.levels.map((level, c) => ({ label: `${item}: ${level}`, value: (chart.cells[r] || [])[c], text: pct1 })),
    );
    return top(cells, "Largest");
  }
  if (!chart.cells.some((row) => row.some((v) => v !== null))) {
    return chart.k > 0 ? `All counts withheld (fewer than ${chart.k} respondents).` : "No answers to show.";
  }
  const cells = chart.row_labels.flatMap((row, r) =>
    chart.col_labels.map((col, c) => ({ label: `${row} among ${col}`, value: (chart.cells[r] || [])[c], text: pct1 })),
  );
  return top(cells, "Largest");
}

/// The crosstab's significance test in words.
export function describeTest(crosstab, byText) {
  const by = `“${byText}”`;
  const chi2 = crosstab.chi2;
  if (chi2) {
    const stats = `χ² = ${chi2.statistic.toFixed(1)}, df = ${chi2.df}, ${fmtP(chi2.p)}, Cramér's V = ${chi2.cramers_v.toFixed(2)}`;
    let text = chi2.p < 0.05 ? `Differs by ${by}: ${stats}.` : `No significant difference by ${by} at the 5% level: ${stats}.`;
    if (chi2.warning) text += ` Caution: ${chi2.warning}.`;
    return text;
  }
  const tests = crosstab.option_tests ? crosstab.option_tests.tests : [];
  const tested = tests.filter((t) => t.p_holm !== null);
  if (tested.length) {
    const significant = tested.filter((t) => t.p_holm < 0.05);
    let text = significant.length
      ? `Differs by ${by} for ${significant.map((t) => `${t.option} (Holm-adjusted ${fmtP(t.p_holm)})`).join("; ")}.`
      : `No answer differs significantly by ${by} (Holm-adjusted p ≥ 0.05 for each answer tested).`;
    const untested = tests.length - tested.length;
    if (untested) text += ` ${untested} of ${tests.length} answers are not tested: their tests would reveal withheld cells.`;
    return text;
  }
  return "No test is shown: with cells withheld, a test could reveal them, or too few groups have answers.";
}

/// The notes under a crosstab's table: what a star and a dash mean, when it has them.
export function crosstabNotes(crosstab, shown) {
  const notes = [];
  if (shown.cells.some((row) => row.some((c) => c.marked && c.value !== null))) {
    notes.push("* differs significantly (95% level) from what the groups' totals alone would predict.");
  }
  if (crosstab.k > 0) notes.push(`– marks a value based on fewer than ${crosstab.k} respondents, one withheld so that it cannot be worked out, or a zero.`);
  return notes.join(" ");
}

/// Drops a chart's intervals unless `intervals` is on, so the page's toggle governs
/// every chart alike: the cards, the question and the crosstab.
export function applyIntervals(input, intervals) {
  if (intervals) return;
  for (const chart of Object.values(input.chart)) if (Array.isArray(chart.intervals)) chart.intervals = [];
}

/// A chart for a card: its heading already is the question, the line under the card
/// the base and the page's header the release, so only the footnote's notes stay
/// (such as that a multi-select adds up to more than 100%).
export function cardChart(input) {
  for (const chart of Object.values(input.chart)) chart.title = "";
  input.footnote = { notes: input.footnote.notes };
}

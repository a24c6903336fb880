// The HTML tables beside the charts, holding exactly the numbers the charts show.
import { el } from "./dom.js";
import { fmtCount, fmtInterval, fmtPct, withheldWords } from "./format.js";

function setHeader(table, headings) {
  const tr = el("tr");
  for (const h of headings) tr.append(el("th", h, { scope: "col" }));
  table.tHead.replaceChildren(tr);
}

/// An empty table for a card, filled once its numbers arrive.
export function tableSkeleton() {
  const table = el("table");
  table.append(el("caption"), el("thead"), el("tbody"));
  setHeader(table, ["Answer", "Count", "Percent", "95% interval"]);
  return table;
}

// A withheld count says why when pointed at; the sentence beside the table says it
// for all of them.
const answerCells = (row, k) => [
  el("td", fmtCount(row.count), row.withheld ? { title: withheldWords(row.withheld, k) } : {}),
  el("td", fmtPct(row.percent)),
  el("td", row.ci ? `${fmtInterval(row.ci)}%` : "–"),
];

/// Fills a chart's table with the numbers its chart shows: the answers of a frequency
/// table, for a ranking each item's mean score and first-place share, and for a grid
/// every item's answers (`items`, the core's item tables). The answers follow the
/// chart's order (`order`, the core's row_order: largest first for a nominal
/// question), so that the table and the chart read alike.
export function fillTable(table, freq, chart, items = [], order = []) {
  if (chart && chart.Rank) {
    const rank = chart.Rank;
    setHeader(table, ["Item", `Mean score (0–${rank.max_score})`, "Ranked first"]);
    table.tBodies[0].replaceChildren(
      ...rank.items.map((item, i) => {
        const tr = el("tr");
        const score = rank.borda[i];
        tr.append(el("th", item, { scope: "row" }), el("td", score === null ? "–" : score.toFixed(2)), el("td", fmtPct(rank.first_place[i])));
        return tr;
      }),
    );
    return;
  }
  if (items.length) {
    setHeader(table, ["Item", "Answer", "Count", "Percent", "95% interval"]);
    table.tBodies[0].replaceChildren(
      ...items.flatMap(({ item, table: t }) =>
        t.rows.map((row) => {
          const tr = el("tr");
          tr.append(el("th", item, { scope: "row" }), el("th", row.option, { scope: "row" }), ...answerCells(row, t.k));
          return tr;
        }),
      ),
    );
    return;
  }
  setHeader(table, ["Answer", "Count", "Percent", "95% interval"]);
  // A base of those asked or of everyone also counts those without an answer: the
  // core adds them as rows after the answers (base_rows).
  table.tBodies[0].replaceChildren(
    ...[...inOrder(freq.rows, order), ...(freq.base_rows ?? [])].map((row) => {
      const tr = el("tr");
      tr.append(el("th", row.option, { scope: "row" }), ...answerCells(row, freq.k));
      return tr;
    }),
  );
}

const inOrder = (rows, order) => (order.length === rows.length ? order.map((i) => rows[i]) : rows);

const fmtShown = (value, unit) => (unit === "count" ? fmtCount(value) : fmtPct(value));

/// Fills the table of a crosstab with exactly the numbers the core says it shows,
/// with each percentage's interval when `intervals`.
export function fillCrosstab(table, shown, intervals) {
  setHeader(table, [shown.heading, ...shown.col_labels, "Total"]);
  const withIntervals = intervals && shown.unit === "percent";
  table.tBodies[0].replaceChildren(
    ...shown.row_labels.map((label, r) => {
      const tr = el("tr");
      tr.append(el("th", label, { scope: "row" }));
      for (const cell of shown.cells[r]) {
        let text = fmtShown(cell.value, shown.unit);
        if (withIntervals && cell.ci) text += ` (${fmtInterval(cell.ci)})`;
        // A withheld count says why when pointed at (its accessible description), as
        // in the frequency tables.
        const why = withheldWords(cell.withheld, shown.k);
        const td = el("td", text, why ? { title: why } : {});
        if (cell.marked && cell.value !== null) {
          td.classList.add("marked");
          td.append(el("span", " *", { "aria-hidden": "true" }), el("span", " (differs significantly)", { class: "visually-hidden" }));
        }
        tr.append(td);
      }
      tr.append(el("td", fmtShown(shown.row_margins[r], shown.unit)));
      return tr;
    }),
  );
  const total = el("tr");
  total.append(el("th", "Total", { scope: "row" }));
  for (const m of shown.col_margins) total.append(el("td", fmtShown(m, shown.unit)));
  total.append(el("td", fmtShown(shown.corner, shown.unit)));
  table.tFoot.replaceChildren(total);
}

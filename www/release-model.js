// The pure parts of "Prepare a release": which roles a column may take, the team's
// choices as the engine's overrides, the options checked, and each gate's verdict in
// words. No DOM, so the unit tests (www/test) import it under node.
import { fmtInt } from "./format.js";

/// The roles a column may be given, as the roles table's choices, in the order shown.
export const ROLE_LABELS = {
  identifying: "identifying (never released)",
  free_text: "free text, withheld",
  curated: "free text, curated and released",
  quasi: "quasi-identifier",
  answer: "answer",
  withheld: "withheld",
};

/// The choices the engine accepts for a column it suggested `role` for: identifying
/// columns are never released, free text is withheld unless curated, and a column that
/// cannot be synthesised (suggested withheld) stays withheld. Anything synthesisable
/// may be a quasi-identifier, an answer or withheld.
export function roleChoices(role) {
  switch (role) {
    case "identifying":
      return ["identifying"];
    case "free_text":
      return ["free_text", "curated"];
    case "withheld":
      return ["withheld"];
    default:
      return ["quasi", "answer", "withheld"];
  }
}

/// The team's choices (`chosen`: id → role) as the engine's overrides: the
/// quasi-identifiers when they differ from those suggested (`null` keeps the
/// suggestion), the columns withheld that were not suggested so, and the curated ones.
export function overridesOf(columns, chosen) {
  const pick = (c) => chosen[c.id] ?? c.role;
  const suggestedQuasi = columns.filter((c) => c.role === "quasi").map((c) => c.id);
  const quasi = columns.filter((c) => pick(c) === "quasi").map((c) => c.id);
  const same = quasi.length === suggestedQuasi.length && quasi.every((id) => suggestedQuasi.includes(id));
  return {
    quasi: same ? null : quasi,
    withhold: columns.filter((c) => pick(c) === "withheld" && c.role !== "withheld").map((c) => c.id),
    curated: columns.filter((c) => pick(c) === "curated").map((c) => c.id),
  };
}

/// The options as typed (strings from the form) checked and made numbers, or a
/// sentence naming the field and what to type. `respondents` is the raw file's count,
/// the default number of rows.
export function readOptions({ seed, rows, minLeaf, disjoint }, respondents) {
  const whole = (text, name, least, fallback) => {
    const t = String(text ?? "").trim();
    if (t === "") return { value: fallback };
    if (!/^\d+$/.test(t)) return { error: `${name} must be a whole number, not “${t}”.` };
    const value = Number(t);
    if (!Number.isSafeInteger(value)) return { error: `${name} is too large; type at most ${fmtInt(Number.MAX_SAFE_INTEGER)}.` };
    if (value < least) return { error: `${name} must be at least ${fmtInt(least)}.` };
    return { value };
  };
  const s = whole(seed, "The seed", 0, 1);
  if (s.error) return s;
  const r = whole(rows, "The number of rows", 1, respondents);
  if (r.error) return r;
  if (r.value > 1_000_000) return { error: "The number of rows can be at most 1,000,000 in the page; use the canvass command line for more." };
  const m = whole(minLeaf, "The minimum leaf size", 1, 5);
  if (m.error) return m;
  return { value: { seed: s.value, rows: r.value, min_leaf: m.value, disjoint: Boolean(disjoint) } };
}

/// Each gate's title, in words a survey team uses.
const GATE_TITLES = {
  replicated_uniques: "No one-of-a-kind respondent is copied",
  dcr_share: "Nothing is memorised (distance to closest record)",
  exact_copies: "Few records copy a real respondent's",
  smallest_quasi_group: "Every demographic group is large enough",
};

/// The command line's flags in the advice, as this page's controls.
const CONTROLS = [
  [/--min-leaf/g, "“Minimum leaf size”"],
  [/--disjoint/g, "“Disjoint sets”"],
  [/--quasi/g, "the roles table"],
  [/--withhold/g, "the roles table"],
];

const shown = (name, v) => {
  if (v === null || v === undefined) return "not measured";
  if (name === "dcr_share" || name === "exact_copies") return v.toFixed(3);
  return fmtInt(v);
};

/// A gate of `report.json` as `{ title, passed, verdict }`: the verdict says what was
/// measured against what limit, what it means, and when it fails, what to change.
export function gateVerdict(gate) {
  const title = GATE_TITLES[gate.name] || gate.name.replaceAll("_", " ");
  const bound = gate.name === "smallest_quasi_group" ? "at least" : "at most";
  const limit = `${bound} ${shown(gate.name, gate.limit)} allowed`;
  // A gate passes without a value when nothing in the release is there to measure (no
  // quasi-identifiers, or no combination of them that real and synthetic records share).
  const unmeasured =
    !gate.passed
      ? "Not measured"
      : gate.name === "smallest_quasi_group"
        ? "No combination of the quasi-identifiers is shared by real respondents and synthetic records"
        : "Nothing in this release to measure";
  const measured =
    gate.value === null || gate.value === undefined
      ? `${unmeasured} (${limit}): ${gate.meaning}.`
      : `Measured ${shown(gate.name, gate.value)}, ${limit}: ${gate.meaning}.`;
  if (gate.passed) return { title, passed: true, verdict: `Passes. ${measured}` };
  let advice = gate.advice;
  for (const [flag, control] of CONTROLS) advice = advice.replace(flag, control);
  return { title, passed: false, verdict: `Fails. ${measured} To pass: ${advice}.` };
}

/// How far along making a release is, in whole percent, from the worker's progress
/// (`{ phase, done, total }`): reading the file is the first tenth, making the
/// release (synthesis and scoring, one count) the rest.
export function releasePercent({ phase, done, total }) {
  const part = total > 0 ? Math.min(1, done / total) : 0;
  const [start, width] = { reading: [0, 0.05], parsing: [0.05, 0.05], making: [0.1, 0.9] }[phase] || [0, 0];
  return Math.min(100, Math.floor((start + width * part) * 100));
}

const share = (v) => (v === null || v === undefined ? "not measured" : `${(100 * v).toFixed(1)}%`);
const num = (v, digits) => (v === null || v === undefined ? "not measured" : v.toFixed(digits));

/// The utility figures of `report.json`, per released file: `[{ file, figures:
/// [{ name, value, meaning }] }]`, each figure in the words of the report's glossary.
export function utilityFigures(report) {
  return report.utility.files.map((f) => ({
    file: f.file,
    figures: [
      {
        name: "Answers kept (column shapes)",
        value: share(f.column_shapes),
        meaning: "how alike each question's answers are, raw and synthetic (100% is identical)",
      },
      {
        name: "Pairs of questions (mean distance)",
        value: num(f.pairs.mean_tvd, 3),
        meaning: `total variation distance between the two-way tables of ${fmtInt(f.pairs.n_pairs)} pairs of questions (0 is identical)`,
      },
      {
        name: "Told apart by a model (S_pMSE)",
        value: f.pmse ? num(f.pmse.s_pmse, 2) : "not measured",
        meaning: "how well a model tells synthetic records from real ones, against chance (about 1 when it cannot)",
      },
      {
        name: "Conclusions kept",
        value: `${fmtInt(f.conclusions.n_kept)} of ${fmtInt(f.conclusions.n_significant_raw)}`,
        meaning: "crosstabs significant at 5% in the raw data that are significant in the release too",
      },
      {
        name: "Published percentages (interval overlap)",
        value: share(f.ci_overlap.mean),
        meaning: `mean overlap of the 95% intervals of ${fmtInt(f.ci_overlap.n_estimates)} percentages, raw and synthetic`,
      },
    ],
  }));
}

/// The risk figures of `report.json`: per file, then the distance to closest record.
export function riskFigures(report) {
  const out = report.risk.files.map((f) => {
    const figures = [
      {
        name: "Copies of a real record",
        value: `${fmtInt(f.exact_copies.count)} (${share(f.exact_copies.share)})`,
        meaning: "synthetic records identical to a real respondent's on every released column",
      },
    ];
    if (f.quasi) {
      figures.push(
        {
          name: "Replicated uniques",
          value: `${fmtInt(f.quasi.replicated_uniques.count)} (${share(f.quasi.replicated_uniques.share)})`,
          meaning: "synthetic records one of a kind on the demographics whose combination is one of a kind among the real respondents too",
        },
        {
          name: "Smallest demographic group",
          value: fmtInt(f.quasi.smallest_group),
          meaning: `the fewest synthetic records sharing one combination of ${f.quasi.columns.join(", ")}`,
        },
      );
    }
    return { file: f.file, figures };
  });
  const dcr = report.risk.dcr;
  if (dcr) {
    out.push({
      file: null,
      figures: [
        {
          name: "Distance to closest record",
          value: num(dcr.share, 3),
          meaning: "share of synthetic records, made from half the respondents, closer to that half than to the other (0.5 when nothing is memorised)",
        },
      ],
    });
  }
  return out;
}

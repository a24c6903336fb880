// Numbers, file names and progress as the page writes them. Pure: no DOM, so the
// unit tests (www/test) import it under node.

/// An integer with its digits grouped in threes, as English writes it ("1,236"). Not
/// `Intl.NumberFormat`: making the first one loads the browser's locale data, which
/// a cold start would pay for before the engine had even begun compiling.
export function fmtInt(n) {
  const digits = String(Math.abs(Math.round(n))).replace(/\B(?=(\d{3})+$)/g, ",");
  return n < 0 && Math.round(n) !== 0 ? `-${digits}` : digits;
}

const missing = (v) => v === null || v === undefined;

/// "1 warning", "2 warnings": a count with its noun.
export const plural = (n, noun) => `${fmtInt(n)} ${noun}${n === 1 ? "" : "s"}`;

/// `text` ending as a sentence, so that one the page adds after it reads as another.
export function sentence(text) {
  const t = text.trim();
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

export const fmtPct = (p) => (missing(p) ? "–" : `${p.toFixed(1)}%`);
export const fmtCount = (c) => (missing(c) ? "–" : fmtInt(c));
/// Why a count is withheld, in words, from the reason the core gives it (`small`,
/// `protecting`, `small_or_protecting`); `null` for a shown count.
export function withheldWords(reason, k) {
  switch (reason) {
    case "small":
      return `Withheld: fewer than ${k} respondents`;
    case "protecting":
      return `Withheld: ${k} or more respondents, so that a smaller count cannot be worked out`;
    case "small_or_protecting":
      return "Withheld to protect small groups";
    default:
      return null;
  }
}

/// A 95% interval in percent, "41.2–58.8".
export const fmtInterval = ([low, high]) => `${low.toFixed(1)}–${high.toFixed(1)}`;

/// Text as a file-name part: lower-case ASCII words joined by hyphens.
export function slug(text) {
  return (
    String(text)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "survey"
  );
}

/// The file name (without extension) of an export of the view `state` of `survey`.
export function exportName(survey, { question, by, filters }) {
  const parts = [slug(survey.title), slug(question)];
  if (survey.version) parts.splice(1, 0, slug(survey.version));
  if (by) parts.push("by", slug(by));
  if (filters.length) parts.push("filtered");
  return parts.join("-");
}

/// How far along a file's load is, in whole percent: reading the file is the first
/// tenth of the bar, parsing the rest.
export function loadPercent({ phase, done, total }) {
  const fraction = phase === "reading" ? 0.1 * (done / total) : 0.1 + 0.9 * (done / total);
  return Math.min(100, Math.floor(fraction * 100));
}

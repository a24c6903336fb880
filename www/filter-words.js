// A filter condition read back into words for its chip, by re-reading the core's
// filter grammar. The core's answers carry each condition (`filters: [{expr, text}]`),
// but as filter syntax still; once `text` is in words, chips show it and this goes.

const OPERATORS = ["&=", ">=", "<=", "=", ">", "<"];
const WORDS = { "=": "is", "&=": "includes all of", ">=": "≥", "<=": "≤", ">": ">", "<": "<" };

/// `expr` ("role=Student|Teacher") in words; `questionText(id)` names a question, or
/// gives nothing for an id the survey lacks (then the id stands for it).
export function describeFilter(expr, questionText) {
  let at = -1;
  let op = null;
  for (const candidate of OPERATORS) {
    const i = expr.indexOf(candidate);
    if (i >= 0 && (at < 0 || i < at || (i === at && candidate.length > op.length))) {
      at = i;
      op = candidate;
    }
  }
  if (at < 0) return expr;
  const id = expr.slice(0, at);
  const value = expr.slice(at + op.length);
  return `${questionText(id) ?? id} ${WORDS[op]} ${value.split("|").join(", ")}`;
}

// The parts of the address the page reads in JS rather than through the core's view
// state parser. Pure, for the unit tests.

export const DEFAULT_DATASET = "numpy-2020";

/// The bundled dataset a link asks for (`#d=sample@1`), or the default. Only a plain
/// folder name is accepted, so a crafted link cannot point the fetch anywhere else.
/// Read without the core's parser so the download can start while the wasm module is
/// still compiling.
export function requestedDataset(hash) {
  const [folder, version] = (new URLSearchParams(hash.replace(/^#/, "")).get("d") || "").split("@");
  return /^[a-z0-9][a-z0-9-]{0,63}$/.test(folder || "") ? { folder, version: version || null } : { folder: DEFAULT_DATASET, version: null };
}

/// What the overview's cards depend on besides their questions: the filters, the
/// intervals and the weight.
export const cardsKey = (state) => JSON.stringify([state.filters, Boolean(state.intervals), state.weight || null]);

/// Whether `next` asks for other filters than `before`.
export const filtersDiffer = (before, next) => JSON.stringify(before.filters) !== JSON.stringify(next.filters);

/// The name of the visitor's own file a link was made on (`#d=file:survey.csv`), or
/// null for a link to a bundled dataset. A file is never stored, so such a link can
/// only be shown once the file is opened again.
export function fileOfLink(hash) {
  const d = new URLSearchParams(hash.replace(/^#/, "")).get("d") || "";
  return d.startsWith("file:") && d.length > 5 ? d.slice(5) : null;
}

/// Whether `view` (a parsed view state) names only questions among `questions` (a
/// survey's list): its question, breakdown, weight and the questions it filters on. A
/// view kept for a file is applied to it only then.
export function namesOnly(view, questions) {
  const ids = new Set(questions.map((q) => q.id));
  // A question is named by its id or its position (`@3`); a filter names it before its
  // operator (=, &=, >=, >, <=, <), as the core reads filters.
  const known = (name) => !name || ids.has(name) || (/^@\d+$/.test(name) && Number(name.slice(1)) >= 1 && Number(name.slice(1)) <= questions.length);
  const filtered = view.filters.map((f) => f.split(/&=|[=<>]/)[0].trim());
  return [view.question, view.by, view.weight, ...filtered].every(known);
}

/// The dataset a view's address names for an opened file.
export const fileDataset = (name) => `file:${name}`;

/// Whether the first screen of `hash` is the overview the build wrote into the page for
/// `prerendered` (its dataset's folder): that dataset's overview with no filter,
/// weight or intervals, which are the cards as written. Only then does the page's
/// engine wait for the first paint.
export function showsPrerendered(hash, prerendered) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  if (fileOfLink(hash) || requestedDataset(hash).folder !== prerendered) return false;
  if ((params.get("view") || "overview") !== "overview") return false;
  return [...params.keys()].every((key) => key === "d" || key === "view" || key === "q");
}

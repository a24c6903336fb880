// The page's state in the URL hash, so every view is a link and back/forward work.
// Only question ids and display options go here, never answer values.

export const DEFAULTS = Object.freeze({ view: "overview", q: "", base: "answered" });
const BASES = ["answered", "asked", "all"];
const VIEWS = ["overview", "question"];

export function parseHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const state = { ...DEFAULTS };
  const view = params.get("view");
  if (VIEWS.includes(view)) state.view = view;
  const q = params.get("q");
  if (q) state.q = q;
  const base = params.get("base");
  if (BASES.includes(base)) state.base = base;
  return state;
}

export function toHash(state) {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULTS)) {
    if (state[key] && state[key] !== DEFAULTS[key]) params.set(key, state[key]);
  }
  const text = params.toString();
  return text ? `#${text}` : "#";
}

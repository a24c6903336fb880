// The view state as the URL hash writes it. Parsing and writing are the core's
// (view_state.rs, fuzzed and property-tested); this module only adapts them.
import { parseViewState, viewStateHash } from "./pkg/canvass_web.js";

export function parseHash(hash) {
  return JSON.parse(parseViewState(hash));
}

export function toHash(state) {
  return viewStateHash(JSON.stringify(state));
}

export function defaults() {
  return parseHash("").state;
}

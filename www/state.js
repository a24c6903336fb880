// The page's view state lives in the URL hash, so every view is a link and back/forward
// work. Parsing and writing are the core's (view_state.rs, fuzzed and property-tested);
// this module only adapts them for the page.
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

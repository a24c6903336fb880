// The "Prepare a release" entry beside the views: it shows the release panel in place
// of the explorer and loads the flow (release.js, and through it the release engine)
// on first use, so a visitor who only explores never downloads either.
import { $ } from "./dom.js";

/// Whether the release panel is shown (a file dropped then goes to it).
export const releaseIsOpen = () => !$("release").hidden;

function show(open) {
  $("release").hidden = !open;
  $("main").hidden = open;
  $("filters").hidden = open;
  $("nav-release").setAttribute("aria-expanded", String(open));
  $("nav-release").toggleAttribute("aria-current", open);
  if (open) $("nav-release").setAttribute("aria-current", "page");
  for (const id of ["nav-overview", "nav-question"]) $(id).classList.toggle("inactive", open);
  document.body.dataset.panel = open ? "release" : "explorer";
}

export function wireReleaseEntry() {
  $("nav-release").addEventListener("click", async () => {
    show(true);
    $("release-heading").focus();
    const { openRelease } = await import("./release.js");
    openRelease();
  });
  // Going to a view of the explorer leaves the release panel; what it holds stays.
  for (const id of ["nav-overview", "nav-question"]) $(id).addEventListener("click", () => show(false));
  window.addEventListener("hashchange", () => show(false));
}

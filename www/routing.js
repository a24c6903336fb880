// From the address to the screen: every change of view is a new address, and drawing
// follows the address. A view the core refuses is reported in words and the one
// before it stays, in the address too.
import { $ } from "./dom.js";
import { renderChips } from "./filters.js";
import { sentence } from "./format.js";
import { filtersDiffer } from "./hash.js";
import { clearErrors, notices, showMessage } from "./messages.js";
import { darkScheme, onWidthChange } from "./paint.js";
import { refreshOverview, repaintOverview } from "./overview.js";
import { drawQuestion, syncControls } from "./question-view.js";
import { syncWeight } from "./weight.js";
import { cardKinds, intervalsNote, pageTitle } from "./questions.js";
import { beginWork } from "./settled.js";
import { isNewView, linkTo, onUnchangedView, page, readView, viewRefused, viewShown } from "./state.js";

function showNavigation() {
  const overview = page.view.view === "overview";
  $("overview").hidden = !overview;
  $("question-view").hidden = overview;
  $("nav-overview").toggleAttribute("aria-current", overview);
  $("nav-question").toggleAttribute("aria-current", !overview);
  $(overview ? "nav-overview" : "nav-question").setAttribute("aria-current", "page");
  $("nav-overview").href = linkTo({ view: "overview" });
  $("nav-question").href = linkTo({ view: "question" });
}

/// Draws the view the address asks for. `canvass:rendered` follows, drawn or refused.
export async function render() {
  if (!page.survey) return;
  const done = beginWork();
  // A notice from before (a filter left empty, a cancelled load) goes once the view
  // changes successfully; one that this address raises stays.
  const stale = notices();
  const changed = isNewView();
  const problems = readView();
  if (problems.length) showMessage(`Parts of this link were not understood and were ignored: ${problems.join("; ")}.`, "info");
  showNavigation();
  renderChips();
  $("intervals").checked = page.view.intervals;
  syncWeight();
  // On the overview, the note on intervals names the kinds of its cards that draw none
  // (the question view's names its one chart once drawn).
  if (page.view.view !== "question") noteOverviewIntervals();
  try {
    if (page.view.view === "question") await drawQuestion();
    // On the overview, the first card stands for the view: its refusal is the view's.
    await refreshOverview();
    viewShown();
    clearErrors();
    if (changed) for (const notice of stale) notice.remove();
    document.title = pageTitle(page.survey, page.view);
    document.body.dataset.state = "ready";
  } catch (err) {
    const refused = viewRefused();
    if (refused) {
      const filterRefused = filtersDiffer(page.view, refused);
      showMessage(filterRefused ? `This filter was not applied: ${err.message}` : `${sentence(err.message)} The previous view is still shown.`);
      showNavigation();
      renderChips();
      refreshOverview();
      if (page.view.view === "question") syncControls();
    } else {
      showMessage(err.message);
    }
  }
  document.dispatchEvent(new CustomEvent("canvass:rendered"));
  done();
}

function noteOverviewIntervals() {
  const text = page.view.intervals ? intervalsNote(cardKinds(page.survey.questions), true) : "";
  $("intervals-note").hidden = !text;
  $("intervals-note").textContent = text;
}

/// Draws everything again (as cards scroll into view): the width or the colour
/// scheme changed.
function redraw() {
  if (!page.survey) return;
  repaintOverview();
  render();
}

export function wireRouting() {
  window.addEventListener("hashchange", render);
  onUnchangedView(render);
  // A window being resized reports many widths; the charts are drawn again once.
  let resizeTimer;
  let resizing = null;
  const redrawSoon = () => {
    clearTimeout(resizeTimer);
    resizing ??= beginWork();
    resizeTimer = setTimeout(() => {
      redraw();
      resizing();
      resizing = null;
    }, 150);
  };
  onWidthChange(redrawSoon);
  window.addEventListener("resize", redrawSoon);
  darkScheme.addEventListener("change", redraw);
}

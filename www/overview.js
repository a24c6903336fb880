// The overview: a card per charted question, grouped by section, each drawn as it
// scrolls into view (see card-scheduler.js for the order). The release's overview
// arrives written into the page by the build (xtask/src/prerender.rs), each chart an
// SVG; such a card is drawn here only once it must change.
import { $, el } from "./dom.js";
import { cardsKey } from "./hash.js";
import { chartDrawn, overviewDrawn } from "./marks.js";
import { canvasWidth, expectedHeight, paint } from "./paint.js";
import { CardScheduler } from "./card-scheduler.js";
import { fillGroupedSelect, searchFrom } from "./pickers.js";
import { chartable, sectionOf } from "./questions.js";
import { noteAnswer } from "./filters.js";
import { track } from "./settled.js";
import { page } from "./state.js";
import { fillTable, tableSkeleton } from "./tables.js";
import { defaults, toHash } from "./view-state.js";

/// How many of the overview's first cards are asked for before the observer reports
/// them: two rows of a desktop window's grid, one screen on a phone.
const EAGER_CARDS = 4;

/// A card's chart is at least this tall, in CSS pixels (CARD_MIN_HEIGHT_PX in
/// xtask/src/prerender.rs).
const CARD_MIN_HEIGHT = 140;

const cards = {
  key: "", // the filters and intervals setting the cards are drawn with
  total: 0,
  settled: 0,
  width: 0, // the CSS width of every card's canvas (one grid); 0 until measured
  observer: null,
  prerenderedKey: null, // the key the build drew the prerendered cards with, if shown
};

/// Yields to the browser, so input and rendering are not held up by a long pass.
const yieldToPage = () =>
  globalThis.scheduler && scheduler.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));

/// A card's request: its question over the view's filters. As a card, its chart has
/// no title (the card's heading is the question) and of its footnote only the notes
/// (the line under the card gives the base, the page's header the release).
export const cardRequest = (card) => ({
  question: card.dataset.id,
  filters: page.view.filters,
  weight: page.view.weight,
  k: page.survey.k,
  base: "answered",
  intervals: page.view.intervals,
  card: true,
});

const scheduler = new CardScheduler({
  request: (card) => page.engine.view(cardRequest(card)),
  draw: drawCard,
  isCurrent: (card) => card.isConnected && card.dataset.drawn === "pending",
  yieldToPage,
});

/// Queues a card that scrolled into view; returns its answer's promise.
function queueCard(card) {
  card.dataset.drawn = "pending";
  card.key = cards.key;
  const answer = scheduler.add(card);
  track(scheduler.idle());
  return answer;
}

async function drawCard(card, request) {
  const key = card.key;
  try {
    const answer = JSON.parse(await request);
    if (key !== cards.key) return; // the filters changed while counting
    noteAnswer(answer);
    const canvas = canvasOf(card);
    // One width for every card, measured as the overview is built (see buildOverview);
    // measured here only if it was built hidden or the observer reported a change.
    cards.width ||= canvasWidth(canvas);
    paint(canvas, JSON.stringify(answer.chart), answer.description, CARD_MIN_HEIGHT, cards.width);
    card.querySelector(".base").textContent = answer.base_line;
    const table = card.querySelector("table");
    // A grid's items share the card's heading; its first item's text would name one.
    const text = answer.items.length ? card.querySelector("h3").textContent : answer.table.text;
    table.caption.replaceChildren(el("bdi", text), ` · ${answer.base_line}`);
    fillTable(table, answer.table, answer.chart.chart, answer.items, answer.row_order);
    card.dataset.drawn = "1";
    cardSettled(true);
  } catch (err) {
    if (key !== cards.key) return;
    card.querySelector(".base").textContent = err.message;
    // The canvas stays blank; its text alternative says why, as the card does.
    canvasOf(card).setAttribute("aria-label", err.message);
    card.dataset.drawn = "error";
    cardSettled(false);
  }
}

/// The element showing a card's chart: its canvas, or its prerendered SVG.
const chartOf = (card) => card.querySelector("canvas, svg.chart, .chart-slot");

/// A card's canvas. A prerendered card's SVG gives way to one, as tall as the SVG
/// until it is painted, so that nothing below it moves meanwhile.
function canvasOf(card) {
  const canvas = card.querySelector("canvas");
  if (canvas) return canvas;
  const slot = card.querySelector(".chart-slot");
  const replacement = el("canvas", undefined, { role: "img", "aria-label": waitingLabel(card.querySelector("h3").textContent) });
  const height = slot.getBoundingClientRect().height;
  if (height > 0) replacement.style.setProperty("height", `${height}px`);
  slot.replaceWith(replacement);
  return replacement;
}

const waitingLabel = (text) => `Chart of answers to: ${text}. It is drawn when it scrolls into view.`;

/// A card whose table is withheld shows its sentence instead; the overview is drawn
/// when every card shows its chart or its sentence.
function cardSettled(drawn) {
  cards.settled += 1;
  if (drawn) chartDrawn(page.survey.local);
  if (cards.settled === cards.total) overviewDrawn();
}

/// Draws every card again, as it scrolls into view, if the view's filters or
/// intervals are not those the cards were drawn with. Returns the first card's
/// answer then, so that a view the core refuses is known as such, else null.
export function refreshOverview() {
  if (cardsKey(page.view) === cards.key) return null;
  cards.key = cardsKey(page.view);
  scheduler.clear();
  // Back to the view the build drew: a card still holding its prerendered chart shows
  // that view's numbers already.
  const restore = cards.key === cards.prerenderedKey;
  cards.settled = 0;
  const all = [...document.querySelectorAll(".card")];
  for (const card of all) {
    cards.observer.unobserve(card);
    const svg = card.querySelector("svg.chart");
    if (restore && card.querySelector(".chart-slot")) {
      card.dataset.drawn = card.dataset.prerendered;
      if (svg && svg.dataset.label) svg.setAttribute("aria-label", svg.dataset.label);
      cards.settled += 1;
      continue;
    }
    delete card.dataset.drawn;
    if (svg) svg.dataset.label ??= svg.getAttribute("aria-label");
    // Until it is drawn again, its old description would name the old numbers.
    for (const chart of card.querySelectorAll("canvas, svg.chart")) chart.setAttribute("aria-label", waitingLabel(card.querySelector("h3").textContent));
    cards.observer.observe(card);
  }
  const first = all.find((card) => !card.dataset.drawn);
  return page.view.view === "overview" && first ? queueCard(first) : null;
}

/// Draws the drawn cards again: the grid may be another width now.
export function repaintOverview() {
  cards.width = 0;
  for (const card of document.querySelectorAll(".card[data-drawn='1']")) queueCard(card);
}

/// The overview the build wrote into the page, when it shows the survey now shown,
/// read from the same files (their digests in the manifest fetched) with the same
/// threshold; else null, and the page draws its own.
function prerenderedOverview() {
  const pre = document.querySelector("#overview > .prerendered");
  if (!pre) return null;
  const { survey } = page;
  const same =
    !survey.local &&
    survey.id === pre.dataset.dataset &&
    survey.sources &&
    survey.sources.responses === pre.dataset.responsesSha256 &&
    (survey.sources.codebook || "") === pre.dataset.codebookSha256 &&
    String(survey.k) === pre.dataset.k;
  return same ? pre : null;
}

/// Builds the overview of the survey shown.
export function buildOverview() {
  const questions = chartable(page.survey.questions);
  cards.settled = 0;
  cards.key = cardsKey(page.view);
  cards.total = questions.length;
  scheduler.clear();
  if (cards.observer) cards.observer.disconnect();
  observeCards();
  cards.prerenderedKey = null;
  fillGroupedSelect($("overview-question"), questions);
  const pre = prerenderedOverview();
  if (pre) {
    // Its cards are drawn for no filter, weight or intervals; a view with any of them
    // has refreshOverview draw them again.
    cards.key = cardsKey({ filters: [], intervals: false, weight: null });
    cards.prerenderedKey = cards.key;
    for (const card of pre.querySelectorAll(".card")) card.dataset.prerendered = card.dataset.drawn;
    cards.total = pre.querySelectorAll(".card").length;
    cards.settled = cards.total;
    // Drawn already; the first screen is it only on the overview (see afterFirstScreen).
    if (page.view.view === "overview") {
      chartDrawn(false);
      overviewDrawn();
    }
    return;
  }
  buildCards(questions);
}

function observeCards() {
  cards.observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        cards.observer.unobserve(entry.target);
        if (!entry.target.dataset.drawn) queueCard(entry.target);
      }
    },
    { rootMargin: "300px" },
  );
}

function buildCards(questions) {
  const sections = new Map();
  for (const q of questions) {
    const name = sectionOf(q);
    if (!sections.has(name)) sections.set(name, []);
    sections.get(name).push(q);
  }
  const root = $("overview");
  // The search and the contents stay; the sections go.
  for (const old of root.querySelectorAll(":scope > .prerendered, :scope > .overview-section")) old.remove();
  const contents = el("ul");
  let measure = !cards.width;
  for (const [name, inSection] of sections) {
    const section = el("section", undefined, { class: "overview-section", id: sectionId(name) });
    const grid = el("div", undefined, { class: "cards" });
    section.append(el("h2", name, { tabindex: "-1" }), grid);
    const link = el("li");
    link.append(el("a", name, { href: `#${sectionId(name)}` }));
    contents.append(link);
    root.append(section);
    for (const q of inSection) {
      const card = el("article", undefined, { class: "card", "data-id": q.id });
      const heading = el("h3");
      heading.append(el("a", q.text, { href: toHash({ ...defaults(), dataset: page.view.dataset, view: "question", question: q.id }) }));
      const details = el("details");
      details.append(el("summary", "Table"), tableSkeleton());
      // Named from the moment it is in the page: a blank image with no name is a hole.
      const canvas = el("canvas", undefined, { role: "img", "aria-label": waitingLabel(q.text) });
      card.append(heading, canvas, el("p", "", { class: "base" }), details);
      grid.append(card);
      cards.observer.observe(card);
      // Every card's canvas is as wide as the first (one grid; the page keeps room for
      // a scrollbar, see style.css). Measured now, with one card in the page, the
      // layout this forces is a small one; measured when the first card is painted,
      // it would lay out all of them.
      if (measure) {
        cards.width = canvasWidth(canvas);
        measure = false;
      }
      // A box of the chart's height until it is drawn, so that the page does not grow
      // under the reader as the cards are drawn.
      canvas.style.setProperty("height", `${expectedHeight(q, cards.width, CARD_MIN_HEIGHT)}px`);
    }
  }
  $("overview-contents").replaceChildren(contents);
  listNotCharted(root);
  // The first cards are on screen in any window: ask for their numbers now, so they
  // are counted while the browser lays out the overview, rather than once the
  // observer has seen them after that layout.
  if (page.view.view === "overview") {
    for (const card of [...root.querySelectorAll(".card")].slice(0, EAGER_CARDS)) queueCard(card);
  }
}

/// The id of a section's element, which the contents link to (as the build writes it,
/// see section_id in xtask/src/prerender.rs).
const sectionId = (name) => `section-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")}`;

/// Scrolls to `target` and moves focus to `focus` without a second scroll.
function bringIntoView(target, focus) {
  target.scrollIntoView({ block: "start" });
  if (focus) focus.focus({ preventScroll: true });
}

/// The overview's search (the same as One question's) and contents: a question found
/// scrolls to its card; a section's link to its section. The links are plain anchors
/// without script; with it they scroll without changing the address, which holds the
/// view.
export function wireOverview() {
  const search = $("overview-search");
  const select = $("overview-question");
  const goToCard = () => {
    const card = select.value && document.querySelector(`.card[data-id="${CSS.escape(select.value)}"]`);
    if (card) bringIntoView(card, card.querySelector("h3 a"));
  };
  search.addEventListener("input", () => {
    const first = searchFrom(search, select);
    if (first) select.value = first.value;
  });
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") goToCard();
  });
  select.addEventListener("change", goToCard);
  $("overview-contents").addEventListener("click", (e) => {
    const link = e.target.closest("a[href^='#section-']");
    if (!link) return;
    e.preventDefault();
    const section = document.getElementById(link.getAttribute("href").slice(1));
    if (section) bringIntoView(section, section.querySelector("h2"));
  });
}

/// Every question that is not charted is named under the overview with why, so that no
/// column vanishes unexplained: identifying columns (e-mail, IP address, name,
/// location, phone, id), free text, dates of answering.
function listNotCharted(root) {
  const left = page.survey.questions.filter((q) => q.identifying || q.not_charted);
  if (!left.length) return;
  const section = el("section", undefined, { class: "overview-section", id: "not-charted" });
  const list = el("ul");
  for (const q of left) {
    const item = el("li", undefined, { "data-id": q.id });
    item.append(el("bdi", q.text), `: ${q.identifying ? "identifying, not charted" : q.not_charted}`);
    list.append(item);
  }
  section.append(el("h2", "Not charted"), list);
  root.append(section);
}

// The order in which the overview's cards are drawn. Pure (the clock, the yield and
// the work are given), for the unit tests.

/// Cards are drawn in the order they were queued, one at a time. Each card's numbers
/// are asked for as it is queued, so the engine counts while earlier cards are
/// painted; the page gets its thread back every `sliceMs`, so the whole overview is
/// one queue, not one long task.
export class CardScheduler {
  /// `request(card)` asks for a card's numbers (a promise); `draw(card, answer)` paints
  /// it; `isCurrent(card)` says whether it still belongs to the overview on screen.
  constructor({ request, draw, isCurrent, now = () => performance.now(), yieldToPage, sliceMs = 8 }) {
    Object.assign(this, { request, draw, isCurrent, now, yieldToPage, sliceMs });
    this.queue = [];
    this.answers = new Map();
    this.pumping = false;
    this.pumped = Promise.resolve();
  }

  /// Queues `card`, unless it is queued or being drawn; returns its answer's promise.
  add(card) {
    if (this.answers.has(card)) return this.answers.get(card);
    const answer = this.request(card);
    answer.catch(() => {}); // handled when the card's turn comes
    this.answers.set(card, answer);
    this.queue.push(card);
    if (!this.pumping) {
      this.pumping = true;
      this.pumped = this.pump();
    }
    return answer;
  }

  /// Forgets every queued card (a new overview, or new filters); their answers are
  /// not drawn. A card being drawn is finished: its `draw` decides if it is wanted.
  clear() {
    this.queue = [];
    this.answers.clear();
  }

  /// Resolves once every queued card is drawn.
  idle() {
    return this.pumping ? this.pumped : Promise.resolve();
  }

  async pump() {
    try {
      let sliceStart = this.now();
      while (this.queue.length) {
        const card = this.queue.shift();
        const answer = this.answers.get(card);
        // A card forgotten (cleared), or no longer the overview's, is skipped.
        if (!answer || !this.isCurrent(card)) {
          this.answers.delete(card);
          continue;
        }
        await this.draw(card, answer);
        // Queued again while it was drawn (after a clear), it stays for its next turn.
        if (this.answers.get(card) === answer) this.answers.delete(card);
        if (this.now() - sliceStart > this.sliceMs) {
          await this.yieldToPage();
          sliceStart = this.now();
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}

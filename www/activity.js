// Whether the page has work in flight, so that tests (and anything else) can wait for
// it to settle instead of sleeping. Pure: the frame clock and the signal are given.

/// Counts pieces of work. `onBusy()` is called when the first begins; `onSettled()`
/// once none is left and `frames` frames have passed with none begun, so that what
/// the browser reports after a layout (resize observers) has had its turn.
export function createActivity({ onBusy = () => {}, onSettled = () => {}, nextFrame, frames = 2 }) {
  let pending = 0;
  let epoch = 0;
  const settleLater = (seen, left) => {
    if (pending > 0 || epoch !== seen) return;
    if (left === 0) onSettled();
    else nextFrame(() => settleLater(seen, left - 1));
  };
  const activity = {
    /// Starts a piece of work; the function returned ends it (once).
    begin() {
      if (pending++ === 0) onBusy();
      epoch++;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        if (--pending === 0) settleLater(epoch, frames);
      };
    },
    /// Counts `promise` as work until it settles; returns it.
    track(promise) {
      const end = activity.begin();
      promise.then(end, end);
      return promise;
    },
    get pending() {
      return pending;
    },
  };
  return activity;
}

// The page's settled signal: `body[data-settled]` and a `canvass:settled` event once
// every request, card and redraw in flight is done and a frame has passed. Tests wait
// for it rather than sleeping to show that nothing more happens.
import { createActivity } from "./activity.js";

const activity = createActivity({
  onBusy: () => delete document.body.dataset.settled,
  onSettled: () => {
    document.body.dataset.settled = "true";
    document.dispatchEvent(new Event("canvass:settled"));
  },
  nextFrame: (run) => requestAnimationFrame(run),
});

/// Starts a piece of work the page is not settled without; call what it returns when done.
export const beginWork = () => activity.begin();

/// Counts `promise` as work until it settles; returns it.
export const track = (promise) => activity.track(promise);

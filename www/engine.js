// The one interface through which the page asks a survey for views. Two engines
// implement it:
//
// - `PageSurvey` (page-survey.js): the page's own wasm module reading a snapshot (the
//   bundled release's, or one a worker wrote) on the page's thread, so a change of view
//   costs no hop to another thread;
// - `SurveyWorker` (survey-worker.js): a Web Worker with the file-reading module, for
//   files the visitor opens and for bundled data without a usable snapshot, so parsing
//   never holds the page and a file too large for memory kills the worker, not the page.
//
// An Engine:
//   kind                     "page" or "worker" (shown as `body[data-engine]`)
//   open(source, onProgress) reads a survey; resolves to a Loaded (below). A page
//                            engine's source is `{ snapshot, sources }`; a worker's
//                            `{ file }` or `{ bytes, codebook }`, with progress
//                            `{ phase, done, total }` reported to `onProgress`.
//   view(spec)               the core's answer to a view request, as JSON text;
//                            rejects with the refusal in words.
//   close(reason)            frees the survey; later requests reject with `reason`.
//
// A Loaded is `{ respondents, questions, report, stamps? }`: the number of respondents,
// the list of questions, the load report (warnings) and, for a file, when each stage
// of reading it ended (see marks.js).

/// A Loaded from what a survey answers (JSON text for the lists).
export function loaded({ respondents, questions, report, stamps }) {
  return { respondents, questions: JSON.parse(questions), report: JSON.parse(report), stamps };
}

/// An error's words, whatever was thrown.
export const reason = (err) => (err && err.message ? err.message : String(err));

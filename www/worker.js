// The survey lives here, off the main thread: parsing a large file never freezes the
// page, and a file too large for memory kills this worker, not the page.
import init, { Survey } from "./pkg/canvass_web.js";

const ready = init();
let survey = null;

const handlers = {
  load({ bytes, codebook }) {
    const loaded = Survey.load(new Uint8Array(bytes), codebook ? new Uint8Array(codebook) : undefined);
    if (survey) survey.free();
    survey = loaded;
    return {
      respondents: survey.respondents(),
      questions: survey.questionsJson(),
      report: survey.loadReportJson(),
    };
  },
  view(spec) {
    if (!survey) throw new Error("no survey is loaded");
    return survey.viewJson(JSON.stringify(spec));
  },
};

self.onmessage = async (event) => {
  const { id, type, args } = event.data;
  try {
    await ready;
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request ${type}`);
    self.postMessage({ id, ok: true, result: handler(args) });
  } catch (err) {
    self.postMessage({ id, ok: false, error: err && err.message ? err.message : String(err) });
  }
};

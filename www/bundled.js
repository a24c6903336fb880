// The bundled dataset a link asks for: read from its snapshot on the page's thread
// when the site has a usable one, else from its published files in a worker (moved
// to the page's thread once the overview is drawn, when small).
import { reason } from "./engine.js";
import { dataBytes, loaderModule } from "./fetch-data.js";
import { afterFirstScreen } from "./marks.js";
import { PageSurvey } from "./page-survey.js";
import { beginWork } from "./settled.js";
import { moveSurvey, page } from "./state.js";
import { SurveyWorker } from "./survey-worker.js";

/// A bundled dataset without a usable snapshot, up to this size, moves to the page's
/// own thread once its overview is drawn. Reading the snapshot its worker writes is
/// one task of the page's thread (the release's, 1 MB of files, takes about 10 ms),
/// and the survey is held twice while it moves, so much larger stays put.
const IN_PAGE_MAX_BYTES = 2 * 1024 ** 2;

/// Opens the fetched dataset (see fetchBundled): `{ engine, loaded, source }`, where
/// `source` says what was read, "snapshot" or "published".
export async function openBundled({ data, published }) {
  if (data.snapshot) {
    const engine = new PageSurvey();
    try {
      return { engine, loaded: await engine.open(data), source: "snapshot" };
    } catch (err) {
      // A snapshot of other files or another build: the published files are the data.
      console.info(`Reading the published files instead of their snapshot: ${reason(err)}`);
    }
  }
  const files = data.snapshot ? await published() : data;
  const worker = new SurveyWorker(loaderModule());
  const small = dataBytes(files) <= IN_PAGE_MAX_BYTES;
  let loaded;
  try {
    loaded = await worker.open(files);
  } catch (err) {
    worker.close("failed");
    throw err;
  }
  if (small) afterFirstScreen(() => moveToPage(worker, files.sources));
  return { engine: worker, loaded, source: "published" };
}

/// Moves the open survey from its worker to this thread, when the visitor is idle and
/// the same survey is still open: the worker writes it as a snapshot, labelled with the
/// digests its files have in the manifest, and this thread reads that, with no parsing.
/// The worker ends once it has answered what it was asked.
function moveToPage(worker, sources) {
  // Without digests in the manifest, the label only pairs this snapshot with this read.
  const label = { responses: sources.responses || "", codebook: sources.codebook };
  const done = beginWork();
  const move = async () => {
    try {
      if (page.engine !== worker) return;
      const snapshot = await worker.snapshot(label);
      if (page.engine !== worker) return;
      const engine = new PageSurvey();
      await engine.open({ snapshot, sources: label });
      moveSurvey(engine);
      worker.retire();
    } catch {
      // The worker keeps answering.
    } finally {
      done();
    }
  };
  if (window.requestIdleCallback) requestIdleCallback(move, { timeout: 2000 });
  else setTimeout(move, 0);
}

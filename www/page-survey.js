// The snapshot engine (see engine.js): a survey held on the page's thread, read from
// a snapshot with a few bulk copies and no parsing.
import { Survey } from "./pkg/canvass_web.js";
import { loaded, reason } from "./engine.js";
import { track } from "./settled.js";

export class PageSurvey {
  kind = "page";
  survey = null;
  dead = null;

  /// Reads `snapshot` (an ArrayBuffer or bytes), which must have been made from files with the digests
  /// `sources` gives ({ responses, codebook? }) by this build; throws otherwise.
  async open({ snapshot, sources }) {
    const survey = Survey.fromSnapshot(snapshot instanceof Uint8Array ? snapshot : new Uint8Array(snapshot), sources.responses, sources.codebook);
    try {
      const answer = loaded({ respondents: survey.respondents(), questions: survey.questionsJson(), report: survey.loadReportJson() });
      this.survey = survey;
      return answer;
    } catch (err) {
      survey.free();
      throw err;
    }
  }

  view(spec) {
    if (this.dead) return Promise.reject(new Error(this.dead));
    try {
      return track(Promise.resolve(this.survey.viewJson(JSON.stringify(spec))));
    } catch (err) {
      return track(Promise.reject(new Error(reason(err))));
    }
  }

  close(why = "closed") {
    if (this.dead) return;
    this.dead = why;
    if (this.survey) this.survey.free();
  }
}

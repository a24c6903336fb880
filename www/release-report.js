// The report of a release made in the page: a verdict per gate, the utility and risk
// figures, raw and synthetic answers side by side, and the downloads.
import { $, el } from "./dom.js";
import { fmtInt, fmtPct, sentence } from "./format.js";
import { gateVerdict, riskFigures, utilityFigures } from "./release-model.js";
import { storedZip } from "./zip.js";

function figureList(groups, heading) {
  const box = $(heading);
  box.replaceChildren();
  for (const group of groups) {
    if (group.file && groups.length > 1) box.append(el("h5", group.file));
    const dl = el("dl", undefined, { class: "figures" });
    for (const f of group.figures) {
      dl.append(el("dt", f.name));
      const dd = el("dd");
      dd.append(el("strong", f.value), ` — ${f.meaning}`);
      dl.append(dd);
    }
    box.append(dl);
  }
}

/// Shows the report of the release `made` ({ report, compare, files, acceptedRisk });
/// `say` puts a message in the flow.
export function renderReport(made, say) {
  const { report, compare, files, acceptedRisk } = made;
  const gates = report.gates.map(gateVerdict);
  const failed = gates.filter((g) => !g.passed);
  $("release-verdict").textContent = failed.length
    ? `The release fails ${failed.length === 1 ? "a risk gate" : `${failed.length} risk gates`}: read what to change below before publishing it.`
    : "The release passes every risk gate.";
  $("release-verdict").className = failed.length ? "verdict failed" : "verdict passed";
  $("release-gates").replaceChildren(
    ...gates.map((g) => {
      const li = el("li", undefined, { class: g.passed ? "passed" : "failed" });
      li.append(el("strong", g.title), " ", el("span", g.verdict));
      return li;
    }),
  );
  figureList(utilityFigures(report), "release-utility");
  figureList(riskFigures(report), "release-risk");
  renderDownloads(files, failed.length > 0, acceptedRisk, say);
  renderCompare(compare);
  $("release-report").hidden = false;
}

function download(name, bytes, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = el("a", undefined, { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  // The click has handed the blob to the download by the time the next task runs.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

const TYPES = { json: "application/json", md: "text/markdown", tsv: "text/tab-separated-values", csv: "text/csv" };
const typeOf = (name) => TYPES[name.split(".").pop().toLowerCase()] || "application/octet-stream";
const kb = (n) => (n < 1024 ? `${fmtInt(n)} bytes` : `${fmtInt(Math.ceil(n / 1024))} KB`);

function renderDownloads(files, failed, acceptedRisk, say) {
  const blocked = failed && !acceptedRisk;
  $("release-accept").hidden = !failed;
  $("release-accept-risk").checked = acceptedRisk;
  $("release-accept-risk").disabled = acceptedRisk;
  $("release-download-note").textContent = blocked
    ? "The release fails a risk gate, so its files are held back until you accept the risk above."
    : failed
      ? "You accepted the risk; the manifest records it."
      : "Each file, or all of them in one .zip. They are made in this page and go nowhere else.";
  const buttons = files.map((f) => {
    const b = el("button", `Download ${f.name} (${kb(f.bytes.length)})`, { type: "button", "data-file": f.name });
    b.disabled = blocked;
    b.addEventListener("click", () => download(f.name, f.bytes, typeOf(f.name)));
    return b;
  });
  const zip = el("button", "Download all as release.zip", { type: "button", id: "release-zip" });
  zip.disabled = blocked;
  zip.addEventListener("click", () => {
    try {
      download("release.zip", storedZip(files), "application/zip");
    } catch (err) {
      say(sentence(err.message));
    }
  });
  $("release-downloads").replaceChildren(zip, ...buttons);
}

function renderCompare(compare) {
  const items = compare.map((q) => {
    const details = el("details", undefined, { class: "compare" });
    const summary = el("summary");
    summary.append(el("bdi", q.text || q.id), ` — distance ${q.tvd === null ? "not measured" : q.tvd.toFixed(3)}`);
    const table = el("table");
    table.append(el("caption", `Percent of respondents who answered: ${fmtInt(q.raw_n)} raw, ${fmtInt(q.synthetic_n)} synthetic${q.file ? `, in ${q.file}` : ""}.`));
    const head = el("tr");
    head.append(el("th", "Answer", { scope: "col" }), el("th", "Raw", { scope: "col" }), el("th", "Synthetic", { scope: "col" }));
    table.append(el("thead"));
    table.tHead.append(head);
    const body = el("tbody");
    for (const r of q.rows) {
      const tr = el("tr");
      const answer = el("th", undefined, { scope: "row" });
      answer.append(el("bdi", r.answer));
      tr.append(answer, el("td", fmtPct(r.raw_percent)), el("td", fmtPct(r.synthetic_percent)));
      body.append(tr);
    }
    table.append(body);
    const scroll = el("div", undefined, { class: "table-scroll" });
    scroll.append(table);
    details.append(summary, scroll);
    return details;
  });
  $("release-compare").replaceChildren(...items);
}

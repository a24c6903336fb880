// The message area: errors, notices and a file's warnings.
import { $, el } from "./dom.js";
import { fmtInt, plural } from "./format.js";
import { page } from "./state.js";

/// `message` is a sentence, or a list of strings and nodes (a <bdi> around a file
/// name). An error before any survey is shown is the page's state too.
export function showMessage(message, kind = "error") {
  const p = el("p", undefined, { class: kind });
  p.append(...(Array.isArray(message) ? message : [message]));
  if (kind === "error") p.setAttribute("role", "alert");
  $("messages").replaceChildren(p);
  if (kind === "error" && !page.survey) document.body.dataset.state = "error";
}

export function clearErrors() {
  for (const old of $("messages").querySelectorAll(".error")) old.remove();
}

/// The notices on show now, to be cleared once a later change has succeeded.
export const notices = () => [...$("messages").querySelectorAll(".info")];

export function showWarnings(report) {
  const box = $("messages");
  box.replaceChildren();
  if (!report.warnings.length) return;
  const details = el("details", undefined, { class: "warnings" });
  details.append(el("summary", `${plural(report.warnings.length, "warning")} while reading the file`));
  const list = el("ul");
  for (const w of report.warnings.slice(0, 100)) list.append(el("li", `line ${fmtInt(w.line)}: ${w.message}`));
  if (report.warnings.length > 100) list.append(el("li", `… and ${fmtInt(report.warnings.length - 100)} more`));
  details.append(list);
  box.append(details);
}

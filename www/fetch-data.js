// Everything the page downloads: its wasm modules, and a bundled dataset's manifest,
// snapshot and published files, each checked against the manifest before use.
import { fmtInt } from "./format.js";

/// Fetches and compiles one of the page's wasm modules (`name` in pkg/), compiling
/// while it downloads. A server that sends a module under another type than
/// application/wasm is misconfigured; the page says so rather than compile bytes of
/// uncertain origin.
export function compileModule(name) {
  const url = new URL(`./pkg/${name}`, import.meta.url);
  const response = fetch(url).then((r) => {
    if (!r.ok) throw new Error(`the server answered ${r.status} for ${name}`);
    const type = (r.headers.get("content-type") || "").split(";")[0].trim();
    if (type !== "application/wasm") {
      throw new Error(`the server sent ${name} as ${JSON.stringify(type || "no type")}, not application/wasm`);
    }
    return r;
  });
  const compiled = WebAssembly.compileStreaming
    ? WebAssembly.compileStreaming(response)
    : response.then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b));
  compiled.catch(() => {});
  return compiled;
}

/// The workers' module (canvass_loader): reads survey files. Fetched and compiled
/// once, when a visitor first reaches for a file or a bundled dataset has no usable
/// snapshot, and handed to every worker; a visitor who only looks at the bundled
/// survey never downloads it.
let loaderCompile = null;
export function loaderModule() {
  loaderCompile ??= compileModule("canvass_loader_bg.wasm");
  return loaderCompile;
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: the server answered ${response.status}. Reload the page.`);
  return response;
}

async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function fetchChecked(name, entry, manifestUrl) {
  const url = new URL(name, new URL(manifestUrl, location.href));
  const bytes = await (await fetchOk(url)).arrayBuffer();
  if (entry.bytes !== undefined && bytes.byteLength !== entry.bytes) {
    throw new Error(
      `${name} arrived with ${fmtInt(bytes.byteLength)} of its ${fmtInt(entry.bytes)} bytes: ` +
        "the download was cut short. Reload the page.",
    );
  }
  if (entry.sha256 && (await sha256Hex(bytes)) !== entry.sha256) {
    throw new Error(`${name} does not match the checksum in its manifest: the download is damaged. Reload the page.`);
  }
  return bytes;
}

/// Fetches a bundled dataset. `data` is its snapshot when the site has one (the
/// survey as loaded, written by the build next to the published files as
/// `survey.snapshot`, and fetched alongside the manifest; it is read only if it was
/// made from files with the digests the manifest gives), else its published files,
/// each checked against the size and sha256 the manifest records before anything is
/// shown. `published()` fetches those files, for when a snapshot turns out unusable.
export async function fetchBundled(manifestUrl) {
  const snapshotFetch = fetch(new URL("survey.snapshot", new URL(manifestUrl, location.href)))
    .then((r) => (r.ok ? r.arrayBuffer() : null))
    .catch(() => null);
  const manifest = await (await fetchOk(manifestUrl)).json();
  const files = manifest.files || {};
  const responses = Object.keys(files).find((name) => /\.(tsv|csv|txt)$/i.test(name));
  if (!responses) throw new Error(`${manifestUrl} names no responses file`);
  const codebook = Object.keys(files).find((name) => /codebook\.json$/i.test(name));
  const sources = { responses: files[responses].sha256, codebook: codebook ? files[codebook].sha256 : undefined };
  const published = async () => {
    const [bytes, codebookBytes] = await Promise.all([
      fetchChecked(responses, files[responses], manifestUrl),
      codebook ? fetchChecked(codebook, files[codebook], manifestUrl) : null,
    ]);
    return { bytes, codebook: codebookBytes, sources };
  };
  // Without digests to hold it to, a snapshot cannot be trusted to be these files.
  const snapshot = sources.responses && (!codebook || sources.codebook) ? await snapshotFetch : null;
  return { manifest, data: snapshot ? { snapshot, sources } : await published(), published };
}

/// The bytes of a bundled dataset's published files (see fetchBundled).
export const dataBytes = ({ bytes, codebook }) => bytes.byteLength + (codebook ? codebook.byteLength : 0);

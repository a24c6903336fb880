import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { crc32, storedZip } from "../zip.js";

const utf8 = (s) => new TextEncoder().encode(s);

test("CRC-32 gives the standard check values", () => {
  // The catalogue check value of CRC-32/ISO-HDLC, and the empty input.
  assert.equal(crc32(utf8("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
  assert.equal(crc32(utf8("The quick brown fox jumps over the lazy dog")), 0x414fa339);
});

const entries = [
  { name: "responses.tsv", bytes: utf8("q1\tq2\nYes\tNo\nNo\tYes\n") },
  { name: "manifest.json", bytes: utf8('{"synthetic": true}') },
  { name: "résumé/notes.md", bytes: utf8("# Réponses\n") },
  { name: "empty.txt", bytes: new Uint8Array() },
];

test("a stored zip ends with a directory naming every entry at its offset", () => {
  const zip = storedZip(entries);
  const view = new DataView(zip.buffer);
  const end = zip.length - 22;
  assert.equal(view.getUint32(end, true), 0x06054b50);
  assert.equal(view.getUint16(end + 10, true), entries.length);
  const centralSize = view.getUint32(end + 12, true);
  const centralStart = view.getUint32(end + 16, true);
  assert.equal(centralStart + centralSize, end);
  let at = centralStart;
  for (const entry of entries) {
    assert.equal(view.getUint32(at, true), 0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    assert.equal(new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength)), entry.name);
    const offset = view.getUint32(at + 42, true);
    assert.equal(view.getUint32(offset, true), 0x04034b50);
    const data = offset + 30 + view.getUint16(offset + 26, true);
    assert.deepEqual(zip.subarray(data, data + entry.bytes.length), entry.bytes);
    at += 46 + nameLength;
  }
  // The same files make the same bytes.
  assert.deepEqual(storedZip(entries), zip);
});

test("Python's zipfile reads the zip back, CRCs checked", (t) => {
  const python = spawnSync("python3", ["--version"]);
  if (python.status !== 0) return t.skip("python3 is not installed");
  const dir = mkdtempSync(join(tmpdir(), "canvass-zip-"));
  try {
    const path = join(dir, "release.zip");
    writeFileSync(path, storedZip(entries));
    const script =
      "import json, sys, zipfile\n" +
      "z = zipfile.ZipFile(sys.argv[1])\n" +
      "assert z.testzip() is None\n" +
      "print(json.dumps({i.filename: z.read(i).decode('utf-8') for i in z.infolist()}))";
    const read = spawnSync("python3", ["-c", script, path], { encoding: "utf8" });
    assert.equal(read.status, 0, read.stderr);
    const expected = Object.fromEntries(entries.map((e) => [e.name, new TextDecoder().decode(e.bytes)]));
    assert.deepEqual(JSON.parse(read.stdout), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

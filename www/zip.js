// A .zip of a release's files, written in the page: entries are stored (not
// compressed), since the files are small and a stored entry needs only a CRC-32, and
// dated 1980-01-01, so the same files make the same bytes.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/// The CRC-32 (ISO-HDLC, as zip and gzip use) of `bytes`.
export function crc32(bytes) {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/// MS-DOS date of 1980-01-01, the earliest a zip can hold: (year − 1980) << 9 | month << 5 | day.
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/// Bit 11: names are UTF-8.
const UTF8_NAMES = 1 << 11;
const MAX_ZIP_BYTES = 0xffffffff;

/// A stored zip of `entries` (`[{ name, bytes }]`, bytes a Uint8Array), as one
/// Uint8Array. Past 4 GB or 65,535 entries (which a zip without its 64-bit extension
/// cannot hold) it throws a sentence.
export function storedZip(entries) {
  const encoder = new TextEncoder();
  const named = entries.map(({ name, bytes }) => ({ name: encoder.encode(name), bytes, crc: crc32(bytes) }));
  const local = named.reduce((sum, e) => sum + 30 + e.name.length + e.bytes.length, 0);
  const central = named.reduce((sum, e) => sum + 46 + e.name.length, 0);
  const total = local + central + 22;
  if (named.length > 0xffff || total > MAX_ZIP_BYTES) {
    throw new Error("these files are too large for one .zip; download them one by one");
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  const u16 = (v) => {
    view.setUint16(at, v, true);
    at += 2;
  };
  const u32 = (v) => {
    view.setUint32(at, v, true);
    at += 4;
  };
  const bytes = (b) => {
    out.set(b, at);
    at += b.length;
  };
  const offsets = [];
  for (const e of named) {
    offsets.push(at);
    u32(0x04034b50); // local file header
    u16(10); // version needed: 1.0, stored
    u16(UTF8_NAMES);
    u16(0); // stored
    u16(0); // time 00:00
    u16(DOS_DATE);
    u32(e.crc);
    u32(e.bytes.length);
    u32(e.bytes.length);
    u16(e.name.length);
    u16(0); // no extra field
    bytes(e.name);
    bytes(e.bytes);
  }
  const centralStart = at;
  named.forEach((e, i) => {
    u32(0x02014b50); // central directory header
    u16(20); // made by: MS-DOS attributes, version 2.0
    u16(10);
    u16(UTF8_NAMES);
    u16(0);
    u16(0);
    u16(DOS_DATE);
    u32(e.crc);
    u32(e.bytes.length);
    u32(e.bytes.length);
    u16(e.name.length);
    u16(0); // extra
    u16(0); // comment
    u16(0); // disk
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(offsets[i]);
    bytes(e.name);
  });
  u32(0x06054b50); // end of central directory
  u16(0);
  u16(0);
  u16(named.length);
  u16(named.length);
  u32(central);
  u32(centralStart);
  u16(0); // comment
  return out;
}

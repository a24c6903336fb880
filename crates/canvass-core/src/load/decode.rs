//! From bytes to text: which encoding the export is in, and its UTF-8 form.
//!
//! Survey platforms and spreadsheets write UTF-8 (with or without a byte-order mark),
//! UTF-16 (Excel's "Unicode text", with a BOM, or without one) or, from older Windows
//! tools, Windows-1252. This module recognises each, returns the text borrowed when the
//! bytes already are UTF-8, and reports every guess it had to make as a warning. It
//! also refuses files that are plainly not text (workbooks, PDFs, archives) with a
//! sentence saying what to export instead.
//!
//! It does not split lines or fields; see `records`.

use super::words::{below_in, load_u64, zero_in, ONES};
use super::{LoadError, Warnings};
use std::borrow::Cow;

/// The text of a file and how it was read.
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

/// Bytes of a UTF-8 byte-order mark.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) fn decode<'a>(bytes: &'a [u8], warnings: &mut Warnings) -> Result<Decoded<'a>, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty);
    }
    refuse_known_binary(bytes)?;
    let decoded = if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        if rest.is_empty() {
            return Err(LoadError::BomOnly { encoding: "UTF-8" });
        }
        decode_utf8(rest, "utf-8-bom", warnings)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        if rest.is_empty() {
            return Err(LoadError::BomOnly { encoding: "UTF-16" });
        }
        decode_utf16(rest, Endian::Little, "utf-16le", warnings)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        if rest.is_empty() {
            return Err(LoadError::BomOnly { encoding: "UTF-16" });
        }
        decode_utf16(rest, Endian::Big, "utf-16be", warnings)
    } else if let Some(endian) = utf16_by_nul_pattern(bytes) {
        let name = match endian {
            Endian::Little => "utf-16le",
            Endian::Big => "utf-16be",
        };
        decode_utf16(bytes, endian, name, warnings)
    } else {
        decode_utf8(bytes, "utf-8", warnings)
    };
    if refuse_control_characters(&decoded.text)? {
        Ok(replace_stray_controls(decoded, warnings))
    } else {
        Ok(decoded)
    }
}

/// A control character other than tab, line feed or carriage return, or DEL; NUL is
/// one.
#[inline(always)]
fn is_stray(b: u8) -> bool {
    ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0x7F)
}

/// The first byte of U+0080–U+00BF in UTF-8, and so of every C1 control character
/// (U+0080–U+009F, encoded `C2 80`–`C2 9F`).
const C1_LEAD: u8 = 0xC2;

/// A stray control character: a C0 one as [`is_stray`] says, or a C1 one.
fn is_stray_char(c: char) -> bool {
    if c.is_ascii() {
        is_stray(c as u8)
    } else {
        ('\u{80}'..='\u{9F}').contains(&c)
    }
}

/// A control character other than tab, line feed or carriage return (an escape, a
/// bell, DEL, or a C1 control such as U+009B, which some terminals read as an escape
/// sequence on its own) is no survey answer and, printed to a terminal by the command
/// line, could drive it; each becomes U+FFFD, like invalid bytes, with a warning at
/// the first one's line.
fn replace_stray_controls<'a>(decoded: Decoded<'a>, warnings: &mut Warnings) -> Decoded<'a> {
    let Some((first, first_char)) = decoded.text.char_indices().find(|&(_, c)| is_stray_char(c)) else {
        return decoded;
    };
    let count = decoded.text.chars().filter(|&c| is_stray_char(c)).count();
    warnings.push(
        line_of(decoded.text.as_bytes(), first),
        format!(
            "{count} control character{} (such as U+{:04X}) {} replaced with \u{FFFD}; they are not text, \
             and the file may be damaged",
            if count == 1 { "" } else { "s" },
            u32::from(first_char),
            if count == 1 { "was" } else { "were" },
        ),
    );
    let text = decoded
        .text
        .chars()
        .map(|c| {
            if is_stray_char(c) {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect();
    Decoded {
        text: Cow::Owned(text),
        encoding: decoded.encoding,
    }
}

/// Signatures of the files people most often drop by mistake, with what to do instead.
fn refuse_known_binary(bytes: &[u8]) -> Result<(), LoadError> {
    let what = if bytes.starts_with(b"PK\x03\x04") {
        "a ZIP archive or an Excel workbook (.xlsx); open it and save the responses as CSV"
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        "an old Excel workbook (.xls); open it and save the responses as CSV"
    } else if bytes.starts_with(b"%PDF") {
        "a PDF document; export the responses from the survey tool as CSV"
    } else if bytes.starts_with(b"\x1F\x8B") {
        "a gzip archive; unpack it first"
    } else if bytes.starts_with(b"SQLite format 3\0") {
        "an SQLite database; export the responses table as CSV"
    } else {
        return Ok(());
    };
    Err(LoadError::NotText { line: 1, what })
}

/// After decoding, a NUL or a run of control characters means the bytes were never
/// text (or were UTF-16 we could not recognise); loading them would give a table of
/// garbage, so this is an error and not a warning. Returns whether a stray control
/// character may be left to replace (a C1 lead byte also begins common signs such as
/// `©` and `£`, so `true` is a reason to look, not a finding).
fn refuse_control_characters(text: &str) -> Result<bool, LoadError> {
    if !may_hold_stray(text.as_bytes()) {
        return Ok(false);
    }
    if let Some(offset) = text.bytes().position(|b| b == 0) {
        return Err(LoadError::NotText {
            line: line_of(text.as_bytes(), offset),
            what: "binary data (a NUL byte) in no format this loader reads; export the responses as CSV or TSV \
                   text, or as an SPSS (.sav, .zsav) or Stata (.dta) file",
        });
    }
    let head = &text.as_bytes()[..text.len().min(4096)];
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        .count();
    if controls * 10 > head.len() {
        return Err(LoadError::NotText {
            line: 1,
            what: "binary data (mostly control characters) in no format this loader reads; export the responses \
                   as CSV or TSV text, or as an SPSS (.sav, .zsav) or Stata (.dta) file",
        });
    }
    Ok(true)
}

/// Whether `bytes` hold a stray control character or a C1 lead byte. This scan covers
/// every file. On x86-64, whose every processor has 16-byte vector compares, it tests
/// blocks of 64 bytes with no early exit inside a block, which the compiler turns into
/// vector code; elsewhere (the browser build has no vector instructions) a word at a
/// time.
fn may_hold_stray(bytes: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    return may_hold_stray_blocks(bytes);
    #[cfg(not(target_arch = "x86_64"))]
    return may_hold_stray_words(bytes);
}

#[inline(always)]
fn is_suspect(b: u8) -> bool {
    is_stray(b) | (b == C1_LEAD)
}

#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn may_hold_stray_blocks(bytes: &[u8]) -> bool {
    let mut blocks = bytes.chunks_exact(64);
    for block in &mut blocks {
        if block.iter().fold(false, |any, &b| any | is_suspect(b)) {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| is_suspect(b))
}

/// A word at a time: only a word that holds a byte below 0x20 (each line end is one),
/// DEL or the lead byte is looked at byte by byte.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn may_hold_stray_words(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let x = load_u64(bytes, i);
        let flagged = below_in(x, 0x20) | zero_in(x ^ (ONES * 0x7F)) | zero_in(x ^ (ONES * C1_LEAD as u64));
        if flagged != 0 && x.to_le_bytes().iter().any(|&b| is_suspect(b)) {
            return true;
        }
        i += 8;
    }
    bytes[i..].iter().any(|&b| is_suspect(b))
}

fn line_of(bytes: &[u8], offset: usize) -> u64 {
    let before = &bytes[..offset.min(bytes.len())];
    let lf = before.iter().filter(|&&b| b == b'\n').count();
    let lone_cr = before.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count();
    1 + (lf + lone_cr) as u64
}

/// [`line_of`] for offsets that only grow, counting each byte once.
#[derive(Default)]
struct LineCounter {
    /// Line feeds are counted in `..lf_end`.
    lf_end: usize,
    /// Carriage returns are judged (lone or not) in `..cr_end`.
    cr_end: usize,
    breaks: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: usize) -> u64 {
        let offset = offset.min(bytes.len());
        if offset > self.lf_end {
            self.breaks += bytes[self.lf_end..offset].iter().filter(|&&b| b == b'\n').count() as u64;
            self.lf_end = offset;
        }
        // As in `line_of`, a carriage return counts once the byte after it is before
        // `offset` and is not a line feed.
        let cr_until = offset.saturating_sub(1);
        if cr_until > self.cr_end {
            self.breaks += bytes[self.cr_end..=cr_until]
                .windows(2)
                .filter(|w| w[0] == b'\r' && w[1] != b'\n')
                .count() as u64;
            self.cr_end = cr_until;
        }
        1 + self.breaks
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Endian {
    Little,
    Big,
}

/// UTF-16 without a BOM: text that is mostly ASCII has a NUL in every other byte,
/// after each character in little-endian and before it in big-endian.
fn utf16_by_nul_pattern(bytes: &[u8]) -> Option<Endian> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let even_nuls = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_nuls * 10 >= pairs * 7 && even_nuls * 20 <= pairs {
        Some(Endian::Little)
    } else if even_nuls * 10 >= pairs * 7 && odd_nuls * 20 <= pairs {
        Some(Endian::Big)
    } else {
        None
    }
}

fn decode_utf16<'a>(bytes: &[u8], endian: Endian, name: &'static str, warnings: &mut Warnings) -> Decoded<'a> {
    let units = bytes.chunks_exact(2).map(|pair| match endian {
        Endian::Little => u16::from_le_bytes([pair[0], pair[1]]),
        Endian::Big => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let mut text = String::with_capacity(bytes.len() / 2 + bytes.len() / 8);
    let mut line = 1u64;
    let mut last_warned_line = 0u64;
    for decoded in char::decode_utf16(units) {
        let c = decoded.unwrap_or_else(|_| {
            if last_warned_line != line {
                last_warned_line = line;
                warnings.push(
                    line,
                    "an unpaired UTF-16 surrogate was replaced with \u{FFFD}; the file may be cut or damaged"
                        .to_string(),
                );
            }
            char::REPLACEMENT_CHARACTER
        });
        if c == '\n' {
            line += 1;
        }
        text.push(c);
    }
    if bytes.len() % 2 == 1 {
        warnings.push(
            line,
            "the file ends in half a UTF-16 character, which was dropped; the file may be cut short".to_string(),
        );
    }
    Decoded {
        text: Cow::Owned(text),
        encoding: name,
    }
}

fn decode_utf8<'a>(bytes: &'a [u8], name: &'static str, warnings: &mut Warnings) -> Decoded<'a> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: name,
        };
    }
    // Not valid UTF-8. If no multi-byte UTF-8 character appears anywhere, the high
    // bytes are most likely a legacy single-byte encoding; Windows-1252 is what
    // spreadsheets on Windows write. Otherwise the file is UTF-8 with damaged bytes.
    let has_utf8_multibyte = bytes
        .utf8_chunks()
        .any(|chunk| chunk.valid().bytes().any(|b| b >= 0x80));
    if !has_utf8_multibyte && name == "utf-8" {
        let first_high = bytes.iter().position(|&b| b >= 0x80).unwrap_or(0);
        warnings.push(
            line_of(bytes, first_high),
            "the file is not UTF-8; it was read as Windows-1252, the usual encoding of spreadsheets saved on \
             Windows. If accents look wrong, export the file again as UTF-8"
                .to_string(),
        );
        return Decoded {
            text: Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()),
            encoding: "windows-1252",
        };
    }
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut offset = 0usize;
    let mut last_warned_line = 0u64;
    // Binary bytes hold an invalid sequence every few bytes: counting lines from the
    // start at each would take time in the square of the file's size.
    let mut lines = LineCounter::default();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            let line = lines.line_at(bytes, offset);
            if line != last_warned_line {
                last_warned_line = line;
                warnings.push(
                    line,
                    "bytes that are not valid UTF-8 were replaced with \u{FFFD}; the file may be damaged \
                     or mix encodings"
                        .to_string(),
                );
            }
            text.push(char::REPLACEMENT_CHARACTER);
            offset += chunk.invalid().len();
        }
    }
    Decoded {
        text: Cow::Owned(text),
        encoding: name,
    }
}

/// Windows-1252 to Unicode. Bytes 0x80–0x9F carry punctuation and a few letters; the
/// five codes Windows leaves undefined map to the C1 controls of the same number, as
/// browsers do.
pub(crate) fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(bytes: &[u8]) -> Result<(String, &'static str, Vec<u64>), LoadError> {
        let mut w = Warnings::new(100);
        let d = decode(bytes, &mut w)?;
        let lines = w.into_vec().iter().map(|w| w.line).collect();
        Ok((d.text.into_owned(), d.encoding, lines))
    }

    fn utf16(s: &str, endian: Endian, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if endian == Endian::Little {
                b"\xFF\xFE"
            } else {
                b"\xFE\xFF"
            });
        }
        for unit in s.encode_utf16() {
            out.extend_from_slice(&match endian {
                Endian::Little => unit.to_le_bytes(),
                Endian::Big => unit.to_be_bytes(),
            });
        }
        out
    }

    #[test]
    fn utf8_with_and_without_bom_is_borrowed_text() {
        assert_eq!(run(b"a,b\n").unwrap(), ("a,b\n".into(), "utf-8", vec![]));
        assert_eq!(
            run(b"\xEF\xBB\xBFcaf\xC3\xA9\n").unwrap(),
            ("café\n".into(), "utf-8-bom", vec![])
        );
    }

    #[test]
    fn utf16_is_recognised_with_a_bom_and_by_its_nuls() {
        let s = "q,ré\nx,ü\n";
        for endian in [Endian::Little, Endian::Big] {
            for bom in [true, false] {
                let (text, enc, warned) = run(&utf16(s, endian, bom)).unwrap();
                assert_eq!(text, s);
                assert_eq!(
                    enc,
                    if endian == Endian::Little {
                        "utf-16le"
                    } else {
                        "utf-16be"
                    }
                );
                assert!(warned.is_empty());
            }
        }
    }

    #[test]
    fn windows_1252_is_a_stated_fallback() {
        // "Café – naïve" in Windows-1252: é = E9, en dash = 96, ï = EF.
        let (text, enc, warned) = run(b"q\nCaf\xE9 \x96 na\xEFve\n").unwrap();
        assert_eq!(text, "q\nCafé – naïve\n");
        assert_eq!(enc, "windows-1252");
        assert_eq!(warned, [2]);
    }

    #[test]
    fn damaged_utf8_is_replaced_and_reported_by_line() {
        let (text, enc, warned) = run(b"q\n\xC3\xA9\nbad \xFF\n").unwrap();
        assert_eq!(text, "q\né\nbad \u{FFFD}\n");
        assert_eq!(enc, "utf-8");
        assert_eq!(warned, [3]);
    }

    #[test]
    fn binary_and_bom_only_files_are_errors() {
        assert!(matches!(run(b"\xEF\xBB\xBF"), Err(LoadError::BomOnly { .. })));
        assert!(matches!(run(b"\xFF\xFE"), Err(LoadError::BomOnly { .. })));
        assert!(matches!(
            run(b"PK\x03\x04rest"),
            Err(LoadError::NotText { line: 1, .. })
        ));
        assert!(matches!(run(b"a,b\nc\0d\n"), Err(LoadError::NotText { line: 2, .. })));
    }

    #[test]
    fn the_line_counter_agrees_with_line_of() {
        let bytes = b"a\r\nb\rc\n\r\rd\n\re\r";
        for step in 1..4 {
            let mut counter = LineCounter::default();
            for offset in (0..=bytes.len() + 1).step_by(step) {
                assert_eq!(
                    counter.line_at(bytes, offset),
                    line_of(bytes, offset),
                    "offset {offset}"
                );
            }
        }
    }

    /// Both scans find one odd byte at every position of a text longer than two of
    /// their blocks (so also in the bytes after the last whole block), as a byte-by-byte
    /// test would: controls other than tab, LF and CR, DEL and the C1 lead byte, and
    /// nothing else.
    #[test]
    fn the_stray_scans_find_one_byte_anywhere() {
        let text: Vec<u8> = b"abc,def\nghi,\tjk\r\nlmn".iter().copied().cycle().take(150).collect();
        for at in 0..text.len() {
            for odd in 0..=255u8 {
                let mut bytes = text.clone();
                bytes[at] = odd;
                let expected = bytes
                    .iter()
                    .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F || b == 0xC2);
                assert_eq!(may_hold_stray_words(&bytes), expected, "words: byte {odd:#04x} at {at}");
                assert_eq!(
                    may_hold_stray_blocks(&bytes),
                    expected,
                    "blocks: byte {odd:#04x} at {at}"
                );
            }
        }
    }
}

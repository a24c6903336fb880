//! A loaded survey as compact binary columns, so that a bundled dataset opens without
//! being parsed again on every visit.
//!
//! Reading the NumPy release's responses and codebook is CSV and JSON work that runs
//! once per page view, in wasm code the browser has not yet optimised. A snapshot is
//! what that work produced — the [`Loaded`] survey, with the codebook's sections —
//! written by the build next to the files it came from. Reading one is a few bulk
//! copies and the dataset's own invariant checks.
//!
//! A snapshot never replaces the published files, it only stands in for them:
//! - it names the sha256 of the responses and codebook it was made from, and the
//!   reader of a snapshot compares them with the files it would otherwise load (see
//!   [`Sources`]); a stale snapshot is refused and the published files are read;
//! - it starts with a magic and a format version, and any other version is refused;
//! - it ends with a checksum of everything before it, so a damaged download is
//!   refused rather than shown;
//! - every length is checked against the bytes left before anything is allocated,
//!   and the columns are rebuilt through the dataset's checked constructors, so no
//!   input makes reading panic or allocate more than the snapshot's own size.
//!
//! Layout (little-endian): magic, version `u32`, the sources, the load's metadata and
//! warnings, the sections, then per question its id, text, kind, group and column;
//! strings are a `u32` length and UTF-8 bytes. Codes are `u16` per row, multi-select
//! options one bitset of `u64` words each, numbers a tag byte and an `f64` per row,
//! free text its bytes and a `u32` end per row.

use crate::dataset::{
    Bitset, Categorical, Column, Dataset, Missing, MultiSelect, Numeric, NumericCell, Question, QuestionKind, Text,
};
use crate::load::{Loaded, Warning, WarningKind};
use std::fmt;

const MAGIC: &[u8; 8] = b"CNVSSNAP";
/// Bumped whenever the layout or the meaning of a loaded survey changes, so a
/// snapshot from another build is read as stale, never misread.
pub const FORMAT_VERSION: u32 = 2;

/// The encodings and layouts a load can report; a snapshot stores their index.
const ENCODINGS: [&str; 5] = ["utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"];
const LAYOUTS: [&str; 7] = [
    "one-row",
    "qualtrics",
    "qualtrics-legacy",
    "surveymonkey",
    "spss-sav",
    "spss-zsav",
    "stata-dta",
];

const KINDS: [QuestionKind; 9] = [
    QuestionKind::Single,
    QuestionKind::Multi,
    QuestionKind::Ordinal,
    QuestionKind::Grid,
    QuestionKind::Rank,
    QuestionKind::Numeric,
    QuestionKind::Datetime,
    QuestionKind::Text,
    QuestionKind::Identifier,
];

/// The files a snapshot was made from, as lowercase hex sha256 digests. The writer is
/// given them rather than hashing here: the page has WebCrypto's and the build its own,
/// and the core carries no hashing code only they need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    pub responses_sha256: String,
    pub codebook_sha256: Option<String>,
}

/// A survey read back from a snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub loaded: Loaded,
    /// Question id → codebook section, for the questions that have one.
    pub sections: Vec<(String, String)>,
    pub sources: Sources,
}

/// Why a snapshot cannot be used; in every case the published files still can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    NotASnapshot,
    OtherVersion {
        found: u32,
    },
    Damaged {
        at: usize,
        what: String,
    },
    Stale,
    /// Something a snapshot cannot hold (writing only).
    Unrepresentable(String),
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NotASnapshot => write!(f, "not a canvass snapshot"),
            SnapshotError::OtherVersion { found } => write!(
                f,
                "a snapshot of format {found}, and this build reads format {FORMAT_VERSION}; rebuild it from the published files"
            ),
            SnapshotError::Damaged { at, what } => {
                write!(f, "the snapshot is damaged at byte {at}: {what}; rebuild it from the published files")
            }
            SnapshotError::Stale => write!(
                f,
                "the snapshot was made from other files than the ones published; rebuild it from them"
            ),
            SnapshotError::Unrepresentable(what) => write!(f, "cannot be written as a snapshot: {what}"),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// Writes `loaded` (with its codebook's `sections`) as a snapshot of `sources`.
pub fn write(loaded: &Loaded, sections: &[(String, String)], sources: &Sources) -> Result<Vec<u8>, SnapshotError> {
    let mut w = Writer(Vec::with_capacity(1 << 20));
    w.0.extend_from_slice(MAGIC);
    w.u32(FORMAT_VERSION);
    w.str(&sources.responses_sha256)?;
    w.opt_str(sources.codebook_sha256.as_deref())?;
    w.u8(index_of(&ENCODINGS, loaded.encoding, "encoding")?);
    w.u8(loaded.delimiter);
    w.len(loaded.header_rows)?;
    w.u8(index_of(&LAYOUTS, loaded.layout, "layout")?);
    w.u64(loaded.blank_lines);
    w.len(loaded.warnings.len())?;
    for warning in &loaded.warnings {
        w.u64(warning.line);
        w.str(&warning.message)?;
        w.u8(WarningKind::ALL.iter().position(|&k| k == warning.kind).unwrap_or(0) as u8);
    }
    w.len(loaded.identifying.len())?;
    for &identifying in &loaded.identifying {
        w.u8(identifying as u8);
    }
    w.len(sections.len())?;
    for (id, section) in sections {
        w.str(id)?;
        w.str(section)?;
    }
    let dataset = &loaded.dataset;
    w.len(dataset.n_rows())?;
    w.len(dataset.questions().len())?;
    for q in dataset.questions() {
        w.str(&q.id)?;
        w.str(&q.text)?;
        w.u8(KINDS.iter().position(|&k| k == q.kind).unwrap_or(0) as u8);
        w.opt_str(q.group.as_deref())?;
        write_column(&mut w, &q.column)?;
    }
    Ok(seal(&w.0))
}

fn write_column(w: &mut Writer, column: &Column) -> Result<(), SnapshotError> {
    match column {
        Column::Categorical(c) => {
            w.u8(0);
            w.strs(c.levels())?;
            for &code in c.codes() {
                w.0.extend_from_slice(&code.to_le_bytes());
            }
        }
        Column::Multi(c) => {
            w.u8(1);
            w.strs(c.options())?;
            for option_idx in 0..c.options().len() {
                for &word in c.selected(option_idx).words() {
                    w.u64(word);
                }
            }
            for &missing in c.missing_cells() {
                w.u8(missing.map_or(0, |m| 1 + Missing::ALL.iter().position(|&x| x == m).unwrap_or(0) as u8));
            }
        }
        Column::Numeric(c) => {
            w.u8(2);
            w.strs(c.coded_labels())?;
            for &cell in c.cells() {
                let (tag, value) = match cell {
                    NumericCell::Value(v) => (0, v),
                    NumericCell::Coded(code) => (1, f64::from(code)),
                    NumericCell::Missing(m) => (2 + Missing::ALL.iter().position(|&x| x == m).unwrap_or(0) as u8, 0.0),
                };
                w.u8(tag);
                w.u64(value.to_bits());
            }
        }
        Column::Text(c) => {
            w.u8(3);
            let mut data = String::new();
            let mut ends = Vec::with_capacity(c.len());
            for row_idx in 0..c.len() {
                data.push_str(c.get(row_idx));
                ends.push(u32::try_from(data.len()).map_err(|_| unrepresentable("free text of 4 GB or more"))?);
            }
            w.str(&data)?;
            for end in ends {
                w.u32(end);
            }
        }
    }
    Ok(())
}

/// Reads a snapshot, checking its format, checksum and every structure in it. Whether
/// it belongs to the files at hand is the caller's to check with [`Snapshot::sources`].
pub fn read(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
    if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(SnapshotError::NotASnapshot);
    }
    let mut r = Reader { bytes, at: MAGIC.len() };
    let version = r.u32()?;
    if version != FORMAT_VERSION {
        return Err(SnapshotError::OtherVersion { found: version });
    }
    let Some(body_len) = bytes.len().checked_sub(8).filter(|&n| n >= r.at) else {
        return Err(r.damaged("it ends before its checksum"));
    };
    let stored = u64::from_le_bytes(bytes[body_len..].try_into().unwrap_or([0; 8]));
    if checksum(&bytes[..body_len]) != stored {
        return Err(SnapshotError::Damaged {
            at: body_len,
            what: "its checksum does not match its contents".into(),
        });
    }
    let mut r = Reader {
        bytes: &bytes[..body_len],
        at: r.at,
    };
    let sources = Sources {
        responses_sha256: r.string()?,
        codebook_sha256: r.opt_string()?,
    };
    let encoding = r.pick(&ENCODINGS, "encoding")?;
    let delimiter = r.u8()?;
    let header_rows = r.len(0)?;
    let layout = r.pick(&LAYOUTS, "layout")?;
    let blank_lines = r.u64()?;
    let n_warnings = r.len(13)?;
    let mut warnings = Vec::with_capacity(n_warnings);
    for _ in 0..n_warnings {
        let line = r.u64()?;
        let message = r.string()?;
        let kind = r.pick(&WarningKind::ALL, "warning kind")?;
        warnings.push(Warning { line, message, kind });
    }
    let n_identifying = r.len(1)?;
    let identifying = (0..n_identifying)
        .map(|_| r.u8().map(|b| b != 0))
        .collect::<Result<Vec<_>, _>>()?;
    let n_sections = r.len(8)?;
    let mut sections = Vec::with_capacity(n_sections);
    for _ in 0..n_sections {
        sections.push((r.string()?, r.string()?));
    }
    let n_rows = r.len(0)?;
    let n_questions = r.len(14)?;
    let mut questions = Vec::with_capacity(n_questions);
    for _ in 0..n_questions {
        let id = r.string()?;
        let text = r.string()?;
        let kind = r.pick(&KINDS, "question kind")?;
        let group = r.opt_string()?;
        let column = read_column(&mut r, n_rows)?;
        questions.push(Question {
            id,
            text,
            kind,
            group,
            column,
        });
    }
    if r.at != r.bytes.len() {
        return Err(r.damaged("bytes are left after the last question"));
    }
    if identifying.len() != questions.len() {
        return Err(r.damaged("the identifying flags do not match the questions"));
    }
    let dataset = Dataset::new(n_rows, questions).map_err(|e| r.damaged(&e.0))?;
    Ok(Snapshot {
        loaded: Loaded {
            dataset,
            warnings,
            encoding,
            delimiter,
            header_rows,
            layout,
            blank_lines,
            identifying,
            weight: None,
        },
        sections,
        sources,
    })
}

fn read_column(r: &mut Reader, n_rows: usize) -> Result<Column, SnapshotError> {
    let tag = r.u8()?;
    let column = match tag {
        0 => {
            let levels = r.strings()?;
            let raw = r.take(n_rows.checked_mul(2).ok_or_else(|| r.damaged("too many rows"))?)?;
            let codes = raw.chunks_exact(2).map(|b| u16::from_le_bytes([b[0], b[1]])).collect();
            Column::Categorical(Categorical::new(levels, codes).map_err(|e| r.damaged(&e.0))?)
        }
        1 => {
            let options = r.strings()?;
            let n_words = n_rows.div_ceil(64);
            let mut selected = Vec::with_capacity(options.len().min(r.left() / 8 + 1));
            for _ in 0..options.len() {
                let raw = r.take(n_words.checked_mul(8).ok_or_else(|| r.damaged("too many rows"))?)?;
                let words = raw
                    .chunks_exact(8)
                    .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
                    .collect();
                selected.push(Bitset::from_words(words, n_rows));
            }
            let raw = r.take(n_rows)?;
            let mut missing = Vec::with_capacity(n_rows);
            for &b in raw {
                missing.push(match b {
                    0 => None,
                    1..=3 => Some(Missing::ALL[b as usize - 1]),
                    _ => return Err(r.damaged("a multi-select cell of unknown state")),
                });
            }
            Column::Multi(MultiSelect::new(options, selected, missing).map_err(|e| r.damaged(&e.0))?)
        }
        2 => {
            let labels = r.strings()?;
            let raw = r.take(n_rows.checked_mul(9).ok_or_else(|| r.damaged("too many rows"))?)?;
            let mut cells = Vec::with_capacity(n_rows);
            for cell in raw.chunks_exact(9) {
                let value = f64::from_bits(u64::from_le_bytes(cell[1..].try_into().unwrap_or([0; 8])));
                cells.push(match cell[0] {
                    0 => NumericCell::Value(value),
                    // Codes are written as whole numbers below 2^16; anything else is damage.
                    1 if value >= 0.0 && value <= f64::from(u16::MAX) && value.fract() == 0.0 => {
                        NumericCell::Coded(value as u16)
                    }
                    2..=4 => NumericCell::Missing(Missing::ALL[cell[0] as usize - 2]),
                    _ => return Err(r.damaged("a numeric cell of unknown kind")),
                });
            }
            Column::Numeric(Numeric::new(cells, labels).map_err(|e| r.damaged(&e.0))?)
        }
        3 => {
            let data = r.string()?;
            let raw = r.take(n_rows.checked_mul(4).ok_or_else(|| r.damaged("too many rows"))?)?;
            let ends = raw
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                .collect();
            Column::Text(Text::from_parts(data, ends).map_err(|e| r.damaged(&e.0))?)
        }
        _ => return Err(r.damaged("a column of unknown kind")),
    };
    Ok(column)
}

fn unrepresentable(what: &str) -> SnapshotError {
    SnapshotError::Unrepresentable(what.to_string())
}

fn index_of(names: &[&str], name: &str, what: &str) -> Result<u8, SnapshotError> {
    names
        .iter()
        .position(|&n| n == name)
        .map(|i| i as u8)
        .ok_or_else(|| unrepresentable(&format!("{what} {name:?}")))
}

/// `body` (from the magic on) with the checksum a snapshot ends with appended: for
/// building snapshots by hand in tests and fuzzing, where damage must get past the
/// checksum to reach the structure behind it.
pub fn seal(body: &[u8]) -> Vec<u8> {
    let mut out = body.to_vec();
    out.extend_from_slice(&checksum(body).to_le_bytes());
    out
}

/// A 64-bit checksum over words: it catches a damaged or cut download, nothing more.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word.try_into().unwrap_or([0; 8]))).wrapping_mul(K);
    }
    for &b in words.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn len(&mut self, n: usize) -> Result<(), SnapshotError> {
        self.u32(u32::try_from(n).map_err(|_| unrepresentable("more than 2^32 of something"))?);
        Ok(())
    }

    fn str(&mut self, s: &str) -> Result<(), SnapshotError> {
        self.len(s.len())?;
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }

    fn opt_str(&mut self, s: Option<&str>) -> Result<(), SnapshotError> {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s)
            }
            None => {
                self.u8(0);
                Ok(())
            }
        }
    }

    fn strs(&mut self, list: &[String]) -> Result<(), SnapshotError> {
        self.len(list.len())?;
        list.iter().try_for_each(|s| self.str(s))
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn damaged(&self, what: &str) -> SnapshotError {
        SnapshotError::Damaged {
            at: self.at,
            what: what.to_string(),
        }
    }

    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        if n > self.left() {
            return Err(self.damaged("it ends in the middle of a value"));
        }
        let out = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, SnapshotError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, SnapshotError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap_or([0; 8])))
    }

    /// A count of things each at least `min_bytes` long: a count the bytes left could
    /// not hold is damage, found before anything is allocated for it.
    fn len(&mut self, min_bytes: usize) -> Result<usize, SnapshotError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_bytes) > self.left() {
            return Err(self.damaged("a count larger than the snapshot"));
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, SnapshotError> {
        let n = self.len(1)?;
        let at = self.at;
        let raw = self.take(n)?;
        std::str::from_utf8(raw)
            .map(str::to_string)
            .map_err(|_| SnapshotError::Damaged {
                at,
                what: "text that is not UTF-8".into(),
            })
    }

    fn opt_string(&mut self) -> Result<Option<String>, SnapshotError> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.string().map(Some),
            _ => Err(self.damaged("an optional value of unknown state")),
        }
    }

    fn strings(&mut self) -> Result<Vec<String>, SnapshotError> {
        let n = self.len(4)?;
        (0..n).map(|_| self.string()).collect()
    }

    fn pick<T: Copy>(&mut self, list: &[T], what: &str) -> Result<T, SnapshotError> {
        let idx = self.u8()? as usize;
        list.get(idx)
            .copied()
            .ok_or_else(|| self.damaged(&format!("an unknown {what}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{load, LoadOptions};

    /// Every kind of column, a group, a warning and an identifying column.
    const MIXED: &str = "email,lang,tools,age,comment,grid_a,grid_b\n\
        a@example.org,Python,numpy;scipy,30,\"hello, \"\"there\"\"\",Agree,Disagree\n\
        b@example.org,Rust,,41,,Disagree,Agree\n\
        c@example.org,Python,scipy,,long text,Agree,\n\
        d@example.org,,numpy,19,x\n";

    fn mixed() -> Loaded {
        load(MIXED.as_bytes(), &LoadOptions::default()).unwrap()
    }

    /// Made-up digests: the snapshot stores whatever it is given.
    fn no_codebook() -> Sources {
        Sources {
            responses_sha256: "a1".repeat(32),
            codebook_sha256: None,
        }
    }

    fn same(a: &Loaded, b: &Loaded) {
        assert_eq!(a.dataset, b.dataset);
        assert_eq!(a.warnings.len(), b.warnings.len());
        for (x, y) in a.warnings.iter().zip(&b.warnings) {
            assert_eq!((x.line, &x.message, x.kind), (y.line, &y.message, y.kind));
        }
        assert_eq!(
            (
                a.encoding,
                a.delimiter,
                a.header_rows,
                a.layout,
                a.blank_lines,
                &a.identifying
            ),
            (
                b.encoding,
                b.delimiter,
                b.header_rows,
                b.layout,
                b.blank_lines,
                &b.identifying
            )
        );
    }

    #[test]
    fn a_survey_reads_back_as_it_was_loaded() {
        let loaded = mixed();
        let kinds: Vec<_> = loaded.dataset.questions().iter().map(|q| q.kind).collect();
        assert!(kinds.contains(&QuestionKind::Multi) && kinds.contains(&QuestionKind::Numeric));
        assert!(loaded.identifying.iter().any(|&i| i) && !loaded.warnings.is_empty());
        let sources = Sources {
            responses_sha256: "a1".repeat(32),
            codebook_sha256: Some("c0".repeat(32)),
        };
        let sections = vec![("lang".to_string(), "Tools".to_string())];
        let bytes = write(&loaded, &sections, &sources).unwrap();
        let back = read(&bytes).unwrap();
        same(&loaded, &back.loaded);
        assert_eq!((back.sections, back.sources), (sections, sources));
    }

    #[test]
    fn another_version_or_a_damaged_snapshot_is_refused() {
        let bytes = write(&mixed(), &[], &no_codebook()).unwrap();
        let mut other = bytes.clone();
        other[8] = 1;
        assert_eq!(read(&other).unwrap_err(), SnapshotError::OtherVersion { found: 1 });
        assert_eq!(read(b"a,b\n1,2\n").unwrap_err(), SnapshotError::NotASnapshot);
        // Every single flipped byte after the header, and every cut.
        for at in 12..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x40;
            assert!(
                matches!(read(&damaged), Err(SnapshotError::Damaged { .. })),
                "byte {at}"
            );
        }
        for len in 0..bytes.len() {
            assert!(read(&bytes[..len]).is_err(), "cut at {len}");
        }
    }

    /// With its checksum made to match, damaged contents must still be refused or read
    /// into a valid dataset, never panic or allocate beyond the snapshot's size.
    #[test]
    fn damage_behind_a_matching_checksum_never_panics() {
        let bytes = write(&mixed(), &[], &no_codebook()).unwrap();
        let body = bytes.len() - 8;
        for at in 12..body {
            for flip in [0x01u8, 0x80, 0xFF] {
                let mut damaged = bytes[..body].to_vec();
                damaged[at] ^= flip;
                if let Ok(snapshot) = read(&seal(&damaged)) {
                    let dataset = &snapshot.loaded.dataset;
                    assert!(dataset.questions().iter().all(|q| q.column.len() == dataset.n_rows()));
                }
            }
        }
    }
}

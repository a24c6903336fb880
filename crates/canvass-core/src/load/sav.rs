//! SPSS system files: `.sav` (uncompressed or bytecode-compressed) and `.zsav`
//! (zlib-compressed blocks of bytecode), after the system file format as PSPP
//! documents it.
//!
//! Read: the file header (either byte order), variable records with labels and
//! user-missing values (discrete and ranges; strings up to 8 bytes), value labels and
//! the records that bind them to variables, and the extension records for machine
//! integers (the character code), variable display (measurement level), long variable
//! names, very long strings, multiple-response sets (subtypes 7 and 19), the
//! character encoding, long string value labels and missing values and the 64-bit case
//! count. Skipped: documents and other extension records.
//!
//! Nothing in the header is trusted: every count is checked against the bytes that are
//! left before anything is allocated for it, and a file that ends early or points at
//! what is not there is an error naming the byte offset.

use super::decode::windows_1252;
use super::labelled::Cursor;
use super::labelled::{tagged_missing, Counted, DateUnit, LabelledFile, Measure, MrSet, Values, Var};
use super::{Caps, LoadError, Warnings};
use crate::dataset::Text;

const FORMAT: &str = "SPSS file";

pub(crate) fn is_sav(bytes: &[u8]) -> bool {
    bytes.starts_with(b"$FL2") || bytes.starts_with(b"$FL3")
}

fn damaged(offset: usize, problem: String) -> LoadError {
    LoadError::Damaged {
        format: FORMAT,
        offset: offset as u64,
        problem,
    }
}

impl<'a> Cursor<'a> {
    fn i32(&mut self, what: &str) -> Result<i32, LoadError> {
        let b: [u8; 4] = self.take(4, what)?.try_into().expect("4 bytes");
        Ok(if self.big {
            i32::from_be_bytes(b)
        } else {
            i32::from_le_bytes(b)
        })
    }

    fn f64_at(&self, b: &[u8]) -> f64 {
        let b: [u8; 8] = b[..8].try_into().expect("8 bytes");
        if self.big {
            f64::from_be_bytes(b)
        } else {
            f64::from_le_bytes(b)
        }
    }

    /// A count from the file, refused when negative or when even `min_bytes` per item
    /// would not fit in the bytes left.
    fn count(&mut self, what: &str, min_bytes: usize) -> Result<usize, LoadError> {
        let at = self.at;
        let n = self.i32(what)?;
        let left = self.bytes.len() - self.at;
        if n < 0 || (n as usize).saturating_mul(min_bytes.max(1)) > left {
            return Err(damaged(
                at,
                format!("{what} is {n}, more than the {left} bytes left can hold"),
            ));
        }
        Ok(n as usize)
    }
}

/// The text encoding of the file's names, labels and strings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Enc {
    Utf8,
    Windows1252,
}

impl Enc {
    fn decode(self, bytes: &[u8]) -> String {
        let end = bytes.iter().rposition(|&b| b != b' ' && b != 0).map_or(0, |p| p + 1);
        let bytes = &bytes[..end];
        match self {
            Enc::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Enc::Windows1252 => {
                if bytes.is_ascii() {
                    String::from_utf8_lossy(bytes).into_owned()
                } else {
                    bytes.iter().map(|&b| windows_1252(b)).collect()
                }
            }
        }
    }

    fn name(self) -> &'static str {
        match self {
            Enc::Utf8 => "utf-8",
            Enc::Windows1252 => "windows-1252",
        }
    }
}

/// One 8-byte slot of a case, as the variable records describe it.
#[derive(Clone, Copy)]
enum SlotKind {
    Number,
    /// The first slot of a string.
    String,
    Continuation,
}

struct RawVar {
    /// Index of its first slot.
    slot: usize,
    /// Slots it takes (its own and continuations).
    n_slots: usize,
    width: usize,
    short_name: String,
    name: String,
    label: String,
    format_type: u8,
    missing: Vec<[u8; 8]>,
    missing_range: bool,
    num_labels: Vec<(f64, String)>,
    str_labels: Vec<(String, String)>,
    measure: Measure,
    /// Segments merged into it, for very long strings: (first slot, slots, bytes used).
    segments: Vec<(usize, usize, usize)>,
}

/// A value-label record until the encoding is known: its offset, its (value, label)
/// pairs and the variables it labels.
type PendingLabels = (usize, Vec<([u8; 8], Vec<u8>)>, Vec<usize>);

/// SPSS format types that hold dates and times.
fn date_unit(format_type: u8) -> Option<DateUnit> {
    match format_type {
        20 | 22 | 23 | 24 | 28 | 29 | 30 | 38 | 39 | 41 => Some(DateUnit::SpssDateTime),
        21 | 25 | 40 => Some(DateUnit::SpssDuration),
        _ => None,
    }
}

fn encoding_by_name(name: &str) -> Option<Enc> {
    let n = name.trim().to_ascii_uppercase().replace('_', "-");
    match n.as_str() {
        "UTF-8" | "UTF8" => Some(Enc::Utf8),
        "WINDOWS-1252" | "CP1252" | "ISO-8859-1" | "ISO8859-1" | "LATIN1" | "LATIN-1" | "US-ASCII" | "ASCII"
        | "ANSI-X3.4-1968" | "ISO-8859-15" => Some(Enc::Windows1252),
        _ => None,
    }
}

/// Reads an SPSS system file.
pub(crate) fn read(bytes: &[u8], caps: &Caps, warnings: &mut Warnings) -> Result<LabelledFile, LoadError> {
    let zsav = bytes.starts_with(b"$FL3");
    let mut c = Cursor::new(bytes, FORMAT);
    c.take(4 + 60, "the file header")?;
    let layout_bytes: [u8; 4] = c.take(4, "the file header")?.try_into().expect("4 bytes");
    c.big = match (i32::from_le_bytes(layout_bytes), i32::from_be_bytes(layout_bytes)) {
        (2 | 3, _) => false,
        (_, 2 | 3) => true,
        _ => {
            return Err(damaged(
                64,
                "the layout code is neither 2 nor 3, so the byte order is unknown; the file is damaged or not \
                 an SPSS file"
                    .into(),
            ))
        }
    };
    let nominal_case_size = c.i32("the file header")?;
    let compression = c.i32("the file header")?;
    let weight_index = c.i32("the file header")?;
    let header_cases = c.i32("the file header")?;
    let bias_bytes = c.take(8, "the file header")?;
    let bias = c.f64_at(bias_bytes);
    c.take(9 + 8 + 64 + 3, "the file header")?;
    match (compression, zsav) {
        (0 | 1, false) | (2, true) => {}
        _ => {
            return Err(damaged(
                72,
                format!(
                    "compression code {compression} does not fit a {} file; save it again from SPSS",
                    if zsav { ".zsav" } else { ".sav" }
                ),
            ))
        }
    }

    let mut slots: Vec<SlotKind> = Vec::new();
    // For each slot, the variable starting there (value labels name slots).
    let mut slot_first_var: Vec<Option<usize>> = Vec::new();
    let mut vars: Vec<RawVar> = Vec::new();
    let mut char_code: Option<i32> = None;
    let mut encoding_name: Option<String> = None;
    let mut long_names: Option<Vec<u8>> = None;
    let mut very_long: Option<Vec<u8>> = None;
    let mut mrsets: Vec<Vec<u8>> = Vec::new();
    let mut long_labels: Option<(usize, &[u8])> = None;
    let mut long_missing: Option<(usize, &[u8])> = None;
    let mut display: Option<(usize, Vec<i32>)> = None;
    let mut cases64: Option<i64> = None;
    // Value labels are kept raw until the encoding is known: (record offset, pairs, vars).
    let mut pending_labels: Vec<PendingLabels> = Vec::new();
    let mut pending_var_labels: Vec<(usize, Vec<u8>)> = Vec::new();

    loop {
        let rec_at = c.at;
        let rec_type = c.i32("the dictionary (no end-of-dictionary record)")?;
        match rec_type {
            2 => {
                let width = c.i32("a variable record")?;
                let has_label = c.i32("a variable record")?;
                let n_missing = c.i32("a variable record")?;
                let print = c.i32("a variable record")?;
                c.i32("a variable record")?;
                let name = c.take(8, "a variable record")?;
                let label = if has_label != 0 {
                    let len = c.count("a variable label's length", 1)?;
                    Some(c.take(len.div_ceil(4) * 4, "a variable label")?[..len].to_vec())
                } else {
                    None
                };
                let (n_values, range) = match n_missing {
                    0..=3 => (n_missing as usize, false),
                    -2 => (2, true),
                    -3 => (3, true),
                    _ => {
                        return Err(damaged(
                            rec_at + 12,
                            format!("a variable record gives {n_missing} missing values; SPSS allows -3 to 3"),
                        ))
                    }
                };
                let mut missing = Vec::with_capacity(n_values);
                for _ in 0..n_values {
                    missing.push(c.take(8, "a variable's missing values")?.try_into().expect("8 bytes"));
                }
                match width {
                    -1 => {
                        let Some(last) = vars.last_mut() else {
                            return Err(damaged(
                                rec_at,
                                "a string continuation record comes before any variable".into(),
                            ));
                        };
                        last.n_slots += 1;
                        slots.push(SlotKind::Continuation);
                        slot_first_var.push(None);
                    }
                    0..=255 => {
                        let short = String::from_utf8_lossy(name).trim_end().to_string();
                        if let Some(l) = label {
                            pending_var_labels.push((vars.len(), l));
                        }
                        vars.push(RawVar {
                            slot: slots.len(),
                            n_slots: 1,
                            width: width as usize,
                            name: short.clone(),
                            short_name: short,
                            label: String::new(),
                            format_type: ((print >> 16) & 0xFF) as u8,
                            missing,
                            missing_range: range,
                            num_labels: Vec::new(),
                            str_labels: Vec::new(),
                            measure: Measure::Unknown,
                            segments: Vec::new(),
                        });
                        slot_first_var.push(Some(vars.len() - 1));
                        slots.push(if width == 0 { SlotKind::Number } else { SlotKind::String });
                    }
                    _ => {
                        return Err(damaged(
                            rec_at + 4,
                            format!("a variable record gives the width {width}"),
                        ))
                    }
                }
            }
            3 => {
                let n = c.count("a value-label record's count", 16)?;
                let mut pairs = Vec::with_capacity(n);
                for _ in 0..n {
                    let value: [u8; 8] = c.take(8, "a value label")?.try_into().expect("8 bytes");
                    let len = c.take(1, "a value label")?[0] as usize;
                    let padded = (len + 1).div_ceil(8) * 8 - 1;
                    let label = c.take(padded, "a value label")?[..len].to_vec();
                    pairs.push((value, label));
                }
                let at4 = c.at;
                if c.i32("the variables of a value-label record")? != 4 {
                    return Err(damaged(
                        at4,
                        "a value-label record is not followed by the record naming its variables".into(),
                    ));
                }
                let n_vars = c.count("a value-label record's variable count", 4)?;
                let mut targets = Vec::with_capacity(n_vars);
                for _ in 0..n_vars {
                    let at = c.at;
                    let index = c.i32("a value-label record's variables")?;
                    let var = usize::try_from(index - 1)
                        .ok()
                        .and_then(|slot| slot_first_var.get(slot).copied().flatten());
                    let Some(var) = var else {
                        return Err(damaged(
                            at,
                            format!(
                                "a value-label record (at byte {rec_at}) points at variable {index}, which does not exist"
                            ),
                        ));
                    };
                    targets.push(var);
                }
                pending_labels.push((rec_at, pairs, targets));
            }
            4 => {
                return Err(damaged(
                    rec_at,
                    "a record naming the variables of value labels comes without the labels".into(),
                ))
            }
            6 => {
                let n = c.count("a document record's line count", 80)?;
                c.take(n * 80, "a document record")?;
            }
            7 => {
                let subtype = c.i32("an extension record")?;
                let size = c.count("an extension record's element size", 0)?;
                let count = c.count("an extension record's element count", size)?;
                let data = c.take(size * count, "an extension record")?;
                let ints = |data: &[u8]| -> Vec<i32> {
                    data.chunks_exact(4)
                        .map(|b| {
                            let b: [u8; 4] = b.try_into().expect("4 bytes");
                            if c.big {
                                i32::from_be_bytes(b)
                            } else {
                                i32::from_le_bytes(b)
                            }
                        })
                        .collect()
                };
                match subtype {
                    3 if size == 4 && count >= 8 => char_code = Some(ints(data)[7]),
                    11 if size == 4 => display = Some((rec_at, ints(data))),
                    13 => long_names = Some(data.to_vec()),
                    14 => very_long = Some(data.to_vec()),
                    7 | 19 => mrsets.push(data.to_vec()),
                    20 => encoding_name = Some(String::from_utf8_lossy(data).into_owned()),
                    21 => long_labels = Some((rec_at, data)),
                    22 => long_missing = Some((rec_at, data)),
                    16 if size == 8 && count >= 2 => {
                        let b: [u8; 8] = data[8..16].try_into().expect("8 bytes");
                        cases64 = Some(if c.big {
                            i64::from_be_bytes(b)
                        } else {
                            i64::from_le_bytes(b)
                        });
                    }
                    _ => {}
                }
            }
            999 => {
                c.i32("the end-of-dictionary record")?;
                break;
            }
            other => {
                return Err(damaged(
                    rec_at,
                    format!(
                        "a record of unknown type {other} where a dictionary record should be; the file is damaged"
                    ),
                ))
            }
        }
    }
    if vars.is_empty() {
        return Err(damaged(c.at, "the dictionary holds no variables".into()));
    }
    let n_slots = slots.len();
    if nominal_case_size > 0 && nominal_case_size as usize != n_slots {
        warnings.push(
            0,
            format!(
                "the header gives {nominal_case_size} values per case but the variables take {n_slots}; the \
                 variables are followed"
            ),
        );
    }

    // The encoding: the encoding record, else the character code, else a guess.
    let enc = match encoding_name.as_deref().map(|n| (n, encoding_by_name(n))) {
        Some((_, Some(enc))) => enc,
        Some((name, None)) => {
            warnings.push(
                0,
                format!("the file's encoding {name:?} is not one this loader knows; its text is read as Windows-1252"),
            );
            Enc::Windows1252
        }
        None => match char_code {
            Some(65001) => Enc::Utf8,
            Some(1252 | 28591 | 2 | 3 | 20127 | 28605) => Enc::Windows1252,
            _ => {
                let utf8 = pending_var_labels.iter().all(|(_, l)| std::str::from_utf8(l).is_ok());
                if utf8 {
                    Enc::Utf8
                } else {
                    Enc::Windows1252
                }
            }
        },
    };

    for (v, label) in pending_var_labels {
        vars[v].label = enc.decode(&label);
    }
    for (_, pairs, targets) in &pending_labels {
        for &t in targets {
            let var = &mut vars[t];
            for (value, label) in pairs {
                let label = enc.decode(label);
                if var.width == 0 {
                    let v = c.f64_at(value);
                    var.num_labels.push((v, label));
                } else {
                    var.str_labels.push((enc.decode(value), label));
                }
            }
        }
    }
    if let Some(data) = &long_names {
        for pair in data.split(|&b| b == b'\t') {
            let pair = enc.decode(pair);
            if let Some((short, long)) = pair.split_once('=') {
                if let Some(v) = vars.iter_mut().find(|v| v.short_name.eq_ignore_ascii_case(short)) {
                    v.name = long.to_string();
                }
            }
        }
    }
    if let Some((at, values)) = &display {
        let per = if values.len() == vars.len() * 3 {
            3
        } else if values.len() == vars.len() * 2 {
            2
        } else {
            warnings.push(
                0,
                format!(
                    "the variable display record at byte {at} describes {} values for {} variables; measurement \
                     levels are ignored",
                    values.len(),
                    vars.len()
                ),
            );
            0
        };
        if per > 0 {
            for (v, chunk) in vars.iter_mut().zip(values.chunks_exact(per)) {
                v.measure = match chunk[0] {
                    1 => Measure::Nominal,
                    2 => Measure::Ordinal,
                    3 => Measure::Scale,
                    _ => Measure::Unknown,
                };
            }
        }
    }
    if let Some(data) = &very_long {
        merge_very_long(&mut vars, data, enc, warnings);
    }
    if let Some((at, data)) = long_labels {
        read_long_labels(&mut vars, data, enc, at)?;
    }
    if let Some((at, data)) = long_missing {
        read_long_missing(&mut vars, data, enc, c.big, at, warnings)?;
    }
    if vars.len() > caps.max_columns {
        return Err(LoadError::TooManyColumns {
            found: Some(vars.len()),
            cap: caps.max_columns,
        });
    }

    // The data: where it starts, and how many cases.
    let data_start = c.at;
    let declared = match cases64 {
        _ if header_cases >= 0 => Some(header_cases as u64),
        Some(n) if n >= 0 => Some(n as u64),
        _ => None,
    };
    let decompressed;
    let (stream, compressed) = match compression {
        0 => (&bytes[data_start..], false),
        1 => (&bytes[data_start..], true),
        _ => {
            decompressed = inflate(bytes, data_start, &c, caps)?;
            (&decompressed[..], true)
        }
    };
    let plan: Vec<SlotKind> = slots;
    let mut reader = CaseReader {
        data: stream,
        at: 0,
        big: c.big,
        bias,
        compressed,
        ctrl: [0; 8],
        ctrl_at: 8,
        done: false,
    };
    // Rows the bytes can hold at most: every case takes at least one byte per slot
    // compressed (a control byte) or eight uncompressed.
    let per_case = if compressed { n_slots } else { n_slots * 8 };
    let room = stream.len() / per_case.max(1);
    let expect = declared.map_or(room, |d| (d as usize).min(room));
    let max_rows = caps.max_cells / vars.len().max(1);
    let mut numbers: Vec<Option<Vec<f64>>> = vars
        .iter()
        .map(|v| (v.width == 0).then(|| Vec::with_capacity(expect.min(max_rows))))
        .collect();
    let mut strings: Vec<Option<(String, Vec<usize>)>> = vars
        .iter()
        .map(|v| (v.width > 0).then(|| (String::new(), Vec::with_capacity(expect.min(max_rows)))))
        .collect();
    // Where each slot's bytes go: a number to its variable, or string bytes.
    let mut slot_var: Vec<usize> = vec![usize::MAX; n_slots];
    for (vi, v) in vars.iter().enumerate() {
        slot_var[v.slot..v.slot + v.n_slots].fill(vi);
        for &(first, n, _) in &v.segments {
            slot_var[first..first + n].fill(vi);
        }
    }
    let mut case_strings: Vec<Vec<u8>> = vars.iter().map(|v| Vec::with_capacity(v.width)).collect();
    let string_vars: Vec<usize> = (0..vars.len()).filter(|&i| vars[i].width > 0).collect();
    let mut n_rows = 0usize;
    let mut cut = false;
    if !compressed && string_vars.is_empty() && n_slots > 0 {
        // Numbers only, uncompressed: whole cases at a time, each value straight to its
        // column. The general loop below does the same a value at a time.
        let stride = n_slots * 8;
        let whole = stream.len() / stride;
        let rows = declared.map_or(whole, |d| (d.min(whole as u64)) as usize);
        if rows > max_rows {
            return Err(LoadError::TooManyCells {
                line: 0,
                cap: caps.max_cells,
            });
        }
        let targets: Vec<(usize, usize)> = (0..n_slots)
            .filter(|&s| matches!(plan[s], SlotKind::Number))
            .map(|s| (s * 8, slot_var[s]))
            .collect();
        let sysmis = tagged_missing(0);
        for case in stream[..rows * stride].chunks_exact(stride) {
            for &(at, vi) in &targets {
                let b: [u8; 8] = case[at..at + 8].try_into().expect("8 bytes");
                let v = if c.big {
                    f64::from_be_bytes(b)
                } else {
                    f64::from_le_bytes(b)
                };
                if let Some(col) = &mut numbers[vi] {
                    col.push(if v == -f64::MAX { sysmis } else { v });
                }
            }
        }
        n_rows = rows;
        cut = declared.is_none_or(|d| d > rows as u64) && stream.len() % stride != 0;
        reader.done = true;
    }
    'cases: loop {
        if declared.is_some_and(|d| n_rows as u64 >= d) {
            break;
        }
        for &vi in &string_vars {
            case_strings[vi].clear();
        }
        for (s, kind) in plan.iter().enumerate() {
            let Some(raw) = reader.next() else {
                if s > 0 {
                    cut = true;
                }
                break 'cases;
            };
            let vi = slot_var[s];
            match (kind, raw) {
                (SlotKind::Number, Raw::Number(v)) => {
                    if let Some(col) = &mut numbers[vi] {
                        col.push(v);
                    }
                }
                (SlotKind::Number, Raw::Bytes(b)) => {
                    let v = reader.f64(&b);
                    let v = if v == -f64::MAX { tagged_missing(0) } else { v };
                    if let Some(col) = &mut numbers[vi] {
                        col.push(v);
                    }
                }
                (_, Raw::Bytes(b)) => case_strings[vi].extend_from_slice(&b),
                (_, Raw::Number(_)) => case_strings[vi].extend_from_slice(b"        "),
            }
        }
        for &vi in &string_vars {
            let v = &vars[vi];
            let raw = &case_strings[vi];
            let (data, ends) = strings[vi].as_mut().expect("string column");
            if v.segments.is_empty() {
                data.push_str(&enc.decode(&raw[..v.width.min(raw.len())]));
            } else {
                // A very long string: each segment is a string of up to 255 bytes, in
                // 32 slots (ReadStat writes and reads them so, and its files are ours).
                let mut joined = Vec::with_capacity(v.width);
                let mut at = 0;
                for &(_, n, used) in std::iter::once(&(v.slot, v.n_slots, 255)).chain(&v.segments) {
                    let end = (at + used.min(n * 8)).min(raw.len());
                    joined.extend_from_slice(&raw[at.min(end)..end]);
                    at += n * 8;
                }
                data.push_str(&enc.decode(&joined));
            }
            ends.push(data.len());
        }
        n_rows += 1;
        if n_rows > max_rows {
            return Err(LoadError::TooManyCells {
                line: 0,
                cap: caps.max_cells,
            });
        }
    }
    if cut {
        warnings.push(
            0,
            format!(
                "the data end in the middle of case {}; that case is left out",
                n_rows + 1
            ),
        );
    }
    if let Some(d) = declared {
        if (n_rows as u64) < d {
            warnings.push(
                0,
                format!("the header promises {d} cases but the data hold {n_rows}; the file may be cut short"),
            );
        }
    }

    let mut out_vars = Vec::with_capacity(vars.len());
    let mut slot_to_var = Vec::with_capacity(vars.len());
    let short_names: Vec<String> = vars.iter().map(|v| v.short_name.clone()).collect();
    for (vi, v) in vars.into_iter().enumerate() {
        slot_to_var.push(v.slot);
        let values = if v.width == 0 {
            let mut col = numbers[vi].take().unwrap_or_default();
            col.truncate(n_rows);
            Values::Numbers(col)
        } else {
            let (data, mut ends) = strings[vi].take().unwrap_or_default();
            ends.truncate(n_rows);
            Values::Strings(Text::from_parts(data, ends)?)
        };
        let mut var = Var::new(v.name, values);
        var.label = v.label;
        var.measure = v.measure;
        var.date = if v.width == 0 { date_unit(v.format_type) } else { None };
        var.num_labels = v.num_labels;
        var.str_labels = v.str_labels;
        if v.width == 0 {
            let nums: Vec<f64> = v.missing.iter().map(|b| c.f64_at(b)).collect();
            if v.missing_range && nums.len() >= 2 {
                var.missing_range = Some((nums[0], nums[1]));
                var.missing_values = nums[2..].to_vec();
            } else {
                var.missing_values = nums;
            }
        } else {
            var.missing_strings = v.missing.iter().map(|b| enc.decode(b)).collect();
        }
        out_vars.push(var);
    }
    let weight = usize::try_from(weight_index - 1)
        .ok()
        .and_then(|slot| slot_to_var.iter().position(|&s| s == slot));
    let mr_sets = mrsets
        .iter()
        .flat_map(|data| parse_mrsets(&enc.decode(data), &out_vars, &short_names, warnings))
        .collect();
    Ok(LabelledFile {
        n_rows,
        vars: out_vars,
        weight,
        mr_sets,
        layout: if zsav { "spss-zsav" } else { "spss-sav" },
        encoding: enc.name(),
    })
}

/// Very long strings (over 255 bytes) are written as several variables of up to 255
/// bytes; record 7/14 gives the true widths, and the variables after the first are
/// folded into it.
fn merge_very_long(vars: &mut Vec<RawVar>, data: &[u8], enc: Enc, warnings: &mut Warnings) {
    for entry in data.split(|&b| b == b'\t') {
        let entry = enc.decode(entry);
        let entry = entry.trim_matches(char::from(0));
        let Some((short, width)) = entry.split_once('=') else {
            continue;
        };
        let Ok(width) = width.trim_matches(char::from(0)).trim().parse::<usize>() else {
            continue;
        };
        let Some(pos) = vars.iter().position(|v| v.short_name.eq_ignore_ascii_case(short)) else {
            warnings.push(
                0,
                format!("a very long string names variable {short:?}, which does not exist"),
            );
            continue;
        };
        let n_segments = width.div_ceil(252);
        if n_segments < 2 || pos + n_segments > vars.len() {
            continue;
        }
        let rest: Vec<RawVar> = vars.drain(pos + 1..pos + n_segments).collect();
        let var = &mut vars[pos];
        var.width = width;
        let mut left = width.saturating_sub(255);
        for seg in rest {
            let used = left.min(255);
            var.segments.push((seg.slot, seg.n_slots, used));
            left -= used;
        }
    }
}

/// Record 7/21: value labels of strings longer than 8 bytes.
fn read_long_labels(vars: &mut [RawVar], data: &[u8], enc: Enc, at: usize) -> Result<(), LoadError> {
    let mut c = Cursor::new(data, FORMAT);
    // The integers here follow the file's byte order; try little-endian lengths first.
    let big = {
        let b: [u8; 4] = data.get(..4).and_then(|b| b.try_into().ok()).unwrap_or([0; 4]);
        i32::from_le_bytes(b) as u32 > data.len() as u32
    };
    c.big = big;
    let wrap = |e: LoadError| match e {
        LoadError::Damaged { offset, problem, .. } => damaged(at + 16 + offset as usize, problem),
        other => other,
    };
    while c.at < data.len() {
        let len = c.count("a long string value label's name length", 1).map_err(wrap)?;
        let name = enc.decode(c.take(len, "a long string value label").map_err(wrap)?);
        c.i32("a long string value label").map_err(wrap)?;
        let n = c.count("a long string value label count", 8).map_err(wrap)?;
        let var = vars
            .iter()
            .position(|v| v.name.eq_ignore_ascii_case(&name) || v.short_name.eq_ignore_ascii_case(&name));
        for _ in 0..n {
            let vlen = c.count("a long string value", 1).map_err(wrap)?;
            let value = enc.decode(c.take(vlen, "a long string value").map_err(wrap)?);
            let llen = c.count("a long string label", 1).map_err(wrap)?;
            let label = enc.decode(c.take(llen, "a long string label").map_err(wrap)?);
            if let Some(v) = var {
                vars[v].str_labels.push((value, label));
            }
        }
    }
    Ok(())
}

/// Record 7/22: the missing values of strings longer than 8 bytes, each given by its
/// first 8 bytes: a name, a count, a value length (8) and the values.
fn read_long_missing(
    vars: &mut [RawVar],
    data: &[u8],
    enc: Enc,
    big: bool,
    at: usize,
    warnings: &mut Warnings,
) -> Result<(), LoadError> {
    let mut c = Cursor::new(data, FORMAT);
    c.big = big;
    let wrap = |e: LoadError| match e {
        LoadError::Damaged { offset, problem, .. } => damaged(at + 16 + offset as usize, problem),
        other => other,
    };
    while c.at < data.len() {
        let len = c.count("a long string missing value's name length", 1).map_err(wrap)?;
        let name = enc.decode(c.take(len, "a long string missing value").map_err(wrap)?);
        let n = c.take(1, "a long string missing value count").map_err(wrap)?[0] as usize;
        let value_len = c.i32("a long string missing value's length").map_err(wrap)?;
        if n > 3 || value_len != 8 {
            return Err(wrap(damaged(
                c.at - 4,
                format!("variable {name:?} has {n} long string missing values of {value_len} bytes; SPSS writes up to 3 of 8"),
            )));
        }
        let values = c.take(n * 8, "a long string missing value").map_err(wrap)?;
        match vars
            .iter_mut()
            .find(|v| v.name.eq_ignore_ascii_case(&name) || v.short_name.eq_ignore_ascii_case(&name))
        {
            Some(v) => {
                v.missing = values.chunks_exact(8).map(|b| b.try_into().expect("8 bytes")).collect();
            }
            None => warnings.push(
                0,
                format!(
                    "missing values are given for the long string {name:?}, which does not exist; they are ignored"
                ),
            ),
        }
    }
    Ok(())
}

/// Records 7/7 and 7/19: `$name=D3 yes 5 Label var1 var2`, `$name=C 5 Label v1 v2`,
/// `$name=E 11 1 1 5 Label v1 v2`, one set a line.
fn parse_mrsets(text: &str, vars: &[Var], short_names: &[String], warnings: &mut Warnings) -> Vec<MrSet> {
    let mut sets = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_start();
        if line.is_empty() {
            continue;
        }
        match parse_mrset(line, vars, short_names) {
            Some(set) if set.vars.len() >= 2 => sets.push(set),
            _ => warnings.push(
                0,
                format!(
                    "the multiple-response set {:?} could not be read; its variables are read one by one",
                    line.split('=').next().unwrap_or("")
                ),
            ),
        }
    }
    sets
}

/// Members are named by their short (8-byte) names in files SPSS writes, by their
/// long names in others; either is accepted.
fn parse_mrset(line: &str, vars: &[Var], short_names: &[String]) -> Option<MrSet> {
    let (name, rest) = line.split_once('=')?;
    let mut rest = rest;
    let kind = rest.chars().next()?;
    rest = &rest[1..];
    // A decimal length, a space, then that many bytes.
    fn counted(rest: &str) -> Option<(&str, &str)> {
        let rest = rest.trim_start_matches(' ');
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let len: usize = rest[..digits].parse().ok()?;
        let rest = rest[digits..].strip_prefix(' ').unwrap_or(&rest[digits..]);
        Some((rest.get(..len)?, rest.get(len..)?))
    }
    let (counted_value, label_from_counted) = match kind {
        'C' => (None, false),
        'D' => {
            let (value, r) = counted(rest)?;
            rest = r;
            (Some(value.to_string()), false)
        }
        'E' => {
            let r = rest.trim_start_matches(' ');
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            let flag = &r[..digits];
            let (value, r) = counted(&r[digits..])?;
            rest = r;
            (Some(value.to_string()), flag == "11")
        }
        _ => return None,
    };
    let (label, r) = counted(rest)?;
    let mut members = Vec::new();
    for name in r.split_ascii_whitespace() {
        let by_name = vars.iter().position(|v| v.name.eq_ignore_ascii_case(name));
        members.push(by_name.or_else(|| short_names.iter().position(|s| s.eq_ignore_ascii_case(name)))?);
    }
    let counted = counted_value.map(|v| match vars.get(*members.first()?)?.values {
        Values::Numbers(_) => v.trim().parse().ok().map(Counted::Number),
        Values::Strings(_) => Some(Counted::Text(v)),
    });
    let counted = match counted {
        Some(Some(c)) => Some(c),
        Some(None) => return None,
        None => None,
    };
    Some(MrSet {
        name: name.to_string(),
        label: label.to_string(),
        counted,
        label_from_counted,
        vars: members,
    })
}

/// The bytecode stream of a `.zsav`: its zlib blocks, as the trailer lists them,
/// inflated one after another.
fn inflate(bytes: &[u8], at: usize, c: &Cursor, caps: &Caps) -> Result<Vec<u8>, LoadError> {
    let mut h = Cursor {
        at,
        big: c.big,
        ..Cursor::new(bytes, FORMAT)
    };
    let i64_at = |h: &mut Cursor, what: &str| -> Result<i64, LoadError> {
        let b: [u8; 8] = h.take(8, what)?.try_into().expect("8 bytes");
        Ok(if h.big {
            i64::from_be_bytes(b)
        } else {
            i64::from_le_bytes(b)
        })
    };
    let zheader = i64_at(&mut h, "the zlib header")?;
    let ztrailer = i64_at(&mut h, "the zlib header")?;
    let ztrailer_len = i64_at(&mut h, "the zlib header")?;
    if zheader != at as i64
        || ztrailer < zheader
        || ztrailer_len < 24
        || ztrailer
            .checked_add(ztrailer_len)
            .is_none_or(|end| end > bytes.len() as i64)
    {
        return Err(damaged(
            at,
            format!(
                "the zlib header points at a trailer (bytes {ztrailer}..+{ztrailer_len}) outside the {} bytes of the \
                 file; it is cut short or damaged",
                bytes.len()
            ),
        ));
    }
    let mut t = Cursor {
        at: ztrailer as usize + 16,
        big: c.big,
        ..Cursor::new(bytes, FORMAT)
    };
    let block_size = t.i32("the zlib trailer")?;
    let n_blocks = t.count("the zlib trailer's block count", 24)?;
    let limit = caps.max_cells.saturating_mul(9).saturating_add(1 << 20);
    let mut out: Vec<u8> = Vec::new();
    for block in 0..n_blocks {
        let entry_at = t.at;
        i64_at(&mut t, "the zlib trailer")?;
        let cofs = i64_at(&mut t, "the zlib trailer")?;
        let usize_ = t.i32("the zlib trailer")?;
        let csize = t.i32("the zlib trailer")?;
        let in_range = cofs >= 0
            && csize >= 0
            && usize_ >= 0
            && (usize_ <= block_size || block_size <= 0)
            && (cofs as u64).saturating_add(csize as u64) <= ztrailer as u64;
        if !in_range {
            return Err(damaged(
                entry_at,
                format!(
                    "the zlib trailer's entry for block {} points outside the compressed data",
                    block + 1
                ),
            ));
        }
        let input = &bytes[cofs as usize..cofs as usize + csize as usize];
        if out.len() + usize_ as usize > limit {
            return Err(LoadError::TooManyCells {
                line: 0,
                cap: caps.max_cells,
            });
        }
        match inflate_block(input, usize_ as usize, cofs as usize)? {
            Some(data) if data.len() == usize_ as usize => out.extend_from_slice(&data),
            _ => {
                return Err(damaged(
                    cofs as usize,
                    format!(
                        "compressed block {} of {n_blocks} does not inflate to the {usize_} bytes the trailer \
                         promises; the file is cut short or damaged, so save it again from SPSS",
                        block + 1
                    ),
                ))
            }
        }
    }
    Ok(out)
}

/// One zlib stream, inflated to at most `limit` bytes; `None` when it is damaged.
#[cfg(feature = "zsav")]
fn inflate_block(input: &[u8], limit: usize, _at: usize) -> Result<Option<Vec<u8>>, LoadError> {
    Ok(miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(input, limit).ok())
}

#[cfg(not(feature = "zsav"))]
fn inflate_block(_input: &[u8], _limit: usize, at: usize) -> Result<Option<Vec<u8>>, LoadError> {
    Err(damaged(
        at,
        "this build reads no zlib-compressed (.zsav) data; save the file as an uncompressed or compressed .sav".into(),
    ))
}

enum Raw {
    Number(f64),
    Bytes([u8; 8]),
}

/// The 8-byte values of the data, uncompressed or bytecode-compressed.
struct CaseReader<'a> {
    data: &'a [u8],
    at: usize,
    big: bool,
    bias: f64,
    compressed: bool,
    ctrl: [u8; 8],
    ctrl_at: usize,
    done: bool,
}

impl CaseReader<'_> {
    fn f64(&self, b: &[u8; 8]) -> f64 {
        if self.big {
            f64::from_be_bytes(*b)
        } else {
            f64::from_le_bytes(*b)
        }
    }

    #[inline(always)]
    fn raw(&mut self) -> Option<[u8; 8]> {
        let b: [u8; 8] = self.data.get(self.at..self.at + 8)?.try_into().ok()?;
        self.at += 8;
        Some(b)
    }

    /// The next value, or `None` at the end of the data.
    #[inline(always)]
    fn next(&mut self) -> Option<Raw> {
        if self.done {
            return None;
        }
        if !self.compressed {
            return self.raw().map(Raw::Bytes);
        }
        loop {
            if self.ctrl_at == 8 {
                self.ctrl = self.raw()?;
                self.ctrl_at = 0;
            }
            let code = self.ctrl[self.ctrl_at];
            self.ctrl_at += 1;
            match code {
                0 => continue,
                1..=251 => return Some(Raw::Number(code as f64 - self.bias)),
                252 => {
                    self.done = true;
                    return None;
                }
                253 => return self.raw().map(Raw::Bytes),
                254 => return Some(Raw::Bytes(*b"        ")),
                _ => return Some(Raw::Number(tagged_missing(0))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian file of two numeric variables and `values` as cases, with the
    /// data uncompressed or bytecode-compressed.
    fn file(values: &[[f64; 2]], compressed: bool) -> Vec<u8> {
        let mut out = b"$FL2".to_vec();
        out.resize(64, b' ');
        for v in [2i32, 2, compressed as i32, 0, values.len() as i32] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&100.0f64.to_le_bytes());
        out.resize(176, b' ');
        for name in [b"A       ", b"B       "] {
            for v in [2i32, 0, 0, 0, 0x050800, 0x050800] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(name);
        }
        for v in [999i32, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let cells: Vec<f64> = values.iter().flatten().copied().collect();
        if !compressed {
            for v in cells {
                out.extend_from_slice(&v.to_le_bytes());
            }
            return out;
        }
        for block in cells.chunks(8) {
            let mut ctrl = [0u8; 8];
            let mut raw = Vec::new();
            for (i, &v) in block.iter().enumerate() {
                ctrl[i] = if v == -f64::MAX {
                    255
                } else if v.fract() == 0.0 && (-99.0..=151.0).contains(&v) {
                    (v + 100.0) as u8
                } else {
                    raw.extend_from_slice(&v.to_le_bytes());
                    253
                };
            }
            out.extend_from_slice(&ctrl);
            out.extend_from_slice(&raw);
        }
        out
    }

    #[test]
    fn uncompressed_and_compressed_numbers_read_alike() {
        let values = [[1.0, 2.5], [-f64::MAX, 3.0], [7.0, 1e6], [0.0, -f64::MAX], [5.0, 4.0]];
        let read = |compressed| {
            let mut w = Warnings::new(10);
            read(&file(&values, compressed), &Caps::default(), &mut w).unwrap()
        };
        let (plain, packed) = (read(false), read(true));
        assert_eq!(plain.n_rows, 5);
        for (a, b) in plain.vars.iter().zip(&packed.vars) {
            let (Values::Numbers(x), Values::Numbers(y)) = (&a.values, &b.values) else {
                panic!()
            };
            let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(x), bits(y));
        }
        let Values::Numbers(a) = &plain.vars[0].values else {
            panic!()
        };
        assert!(a[1].is_nan() && a[2] == 7.0);
    }
}

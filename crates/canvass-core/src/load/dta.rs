//! Stata `.dta` files, after Stata's description of the format: the binary releases
//! 102–115 (Stata 1–12) and the tagged releases 117, 118 and 119 (Stata 13 on), with
//! either byte order.
//!
//! Read: variable names, types, display formats (dates), labels and value-label
//! names; the data, with Stata's missing values `.` and `.a`–`.z`; `strL` strings
//! (release 117 on); and the value-label tables. Text is UTF-8 from release 118 and
//! Windows-1252 (a superset of Latin-1 for printable text) before. Characteristics,
//! sort order and notes are skipped. Before release 108, value labels are fixed-width
//! tables of 2-byte codes and 8-byte labels.
//!
//! Every count in a header is checked against the bytes that follow before anything
//! is allocated for it.

use super::decode::windows_1252;
use super::labelled::Cursor;
use super::labelled::{tagged_missing, DateUnit, LabelledFile, Values, Var};
use super::{Caps, LoadError, Warnings};
use crate::dataset::Text;
use std::collections::HashMap;

const FORMAT: &str = "Stata file";

/// Binary releases start with their release number and a byte-order byte (zero in
/// release 102, which was always little-endian); tagged ones with `<stata_dta>`.
pub(crate) fn is_dta(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"<stata_dta>") {
        return true;
    }
    let binary = matches!(
        bytes,
        [102, 0..=2, 1, 0, ..] | [103 | 104 | 105 | 108 | 110 | 111 | 113 | 114 | 115, 1 | 2, 1, 0, ..]
    );
    binary && bytes.len() >= 10
}

fn damaged(offset: usize, problem: String) -> LoadError {
    LoadError::Damaged {
        format: FORMAT,
        offset: offset as u64,
        problem,
    }
}

impl<'a> Cursor<'a> {
    fn uint(&mut self, n: usize, what: &str) -> Result<u64, LoadError> {
        let b = self.take(n, what)?;
        Ok(uint(b, self.big))
    }

    fn tag(&mut self, tag: &str) -> Result<(), LoadError> {
        let at = self.at;
        let found = self.take(tag.len(), tag)?;
        if found != tag.as_bytes() {
            // Show what is there only when it is readable.
            let shown = if found.iter().all(|b| b.is_ascii_graphic()) {
                format!("{:?}", String::from_utf8_lossy(found))
            } else {
                "other bytes".to_string()
            };
            return Err(damaged(
                at,
                format!("{tag} was expected but {shown} were found; the file is damaged or cut"),
            ));
        }
        Ok(())
    }

    /// Checks that `n` items of `size` bytes fit in what is left.
    fn fits(&self, n: u64, size: usize, what: &str) -> Result<usize, LoadError> {
        let left = (self.bytes.len() - self.at) as u64;
        match n.checked_mul(size as u64) {
            Some(total) if total <= left => Ok(total as usize),
            _ => Err(damaged(
                self.at,
                format!("the header claims {n} {what} of {size} bytes, but only {left} bytes follow"),
            )),
        }
    }
}

fn uint(b: &[u8], big: bool) -> u64 {
    let mut v = 0u64;
    if big {
        for &x in b {
            v = (v << 8) | x as u64;
        }
    } else {
        for &x in b.iter().rev() {
            v = (v << 8) | x as u64;
        }
    }
    v
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ty {
    Byte,
    Int,
    Long,
    Float,
    Double,
    Str(usize),
    StrL,
}

impl Ty {
    fn width(self) -> usize {
        match self {
            Ty::Byte => 1,
            Ty::Int => 2,
            Ty::Long | Ty::Float => 4,
            Ty::Double | Ty::StrL => 8,
            Ty::Str(n) => n,
        }
    }
}

struct Layout {
    release: u16,
    tagged: bool,
    utf8: bool,
}

impl Layout {
    fn name_len(&self) -> usize {
        match self.release {
            ..=108 => 9,
            109..=117 => 33,
            _ => 129,
        }
    }
    fn format_len(&self) -> usize {
        match self.release {
            ..=104 => 7,
            105..=113 => 12,
            114..=117 => 49,
            _ => 57,
        }
    }
    fn label_len(&self) -> usize {
        match self.release {
            ..=107 => 32,
            108..=117 => 81,
            _ => 321,
        }
    }
    fn text(&self, raw: &[u8]) -> String {
        let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
        let raw = &raw[..end];
        if self.utf8 || raw.is_ascii() {
            String::from_utf8_lossy(raw).into_owned()
        } else {
            raw.iter().map(|&b| windows_1252(b)).collect()
        }
    }
}

fn ty_of(code: u16, layout: &Layout) -> Option<Ty> {
    if layout.tagged {
        return match code {
            1..=2045 => Some(Ty::Str(code as usize)),
            32768 => Some(Ty::StrL),
            65526 => Some(Ty::Double),
            65527 => Some(Ty::Float),
            65528 => Some(Ty::Long),
            65529 => Some(Ty::Int),
            65530 => Some(Ty::Byte),
            _ => None,
        };
    }
    if layout.release >= 111 {
        match code {
            1..=244 => Some(Ty::Str(code as usize)),
            251 => Some(Ty::Byte),
            252 => Some(Ty::Int),
            253 => Some(Ty::Long),
            254 => Some(Ty::Float),
            255 => Some(Ty::Double),
            _ => None,
        }
    } else {
        match code {
            98 => Some(Ty::Byte),
            105 => Some(Ty::Int),
            108 => Some(Ty::Long),
            102 => Some(Ty::Float),
            100 => Some(Ty::Double),
            128..=371 => Some(Ty::Str(code as usize - 127)),
            _ => None,
        }
    }
}

fn date_unit(format: &str) -> Option<DateUnit> {
    let f = format.trim_start_matches('%').trim_start_matches('-');
    let mut chars = f.chars();
    match (chars.next(), chars.next()) {
        (Some('t'), Some('d')) | (Some('d'), _) => Some(DateUnit::StataDays),
        (Some('t'), Some('c' | 'C')) => Some(DateUnit::StataMillis),
        (Some('t'), Some(p @ ('w' | 'm' | 'q' | 'h' | 'y'))) => Some(DateUnit::StataPeriod(p as u8)),
        _ => None,
    }
}

/// One number of the data, with Stata's missing values as tagged NaNs.
#[inline(always)]
fn number(b: &[u8], ty: Ty, big: bool, extended: bool) -> f64 {
    match ty {
        Ty::Byte => {
            let v = b[0] as i8;
            match (extended, v) {
                (true, 101..) => tagged_missing((v - 101) as u8),
                (false, 127) => tagged_missing(0),
                _ => v as f64,
            }
        }
        Ty::Int => {
            let v = uint(b, big) as u16 as i16;
            match (extended, v) {
                (true, 32741..) => tagged_missing((v - 32741) as u8),
                (false, 32767) => tagged_missing(0),
                _ => v as f64,
            }
        }
        Ty::Long => {
            let v = uint(b, big) as u32 as i32;
            match (extended, v) {
                (true, 2_147_483_621..) => tagged_missing((v - 2_147_483_621).min(26) as u8),
                (false, 2_147_483_647) => tagged_missing(0),
                _ => v as f64,
            }
        }
        Ty::Float => {
            let bits = uint(b, big) as u32;
            let v = f32::from_bits(bits);
            if bits & 0x8000_0000 == 0 && bits >= 0x7F00_0000 {
                let tag = if extended {
                    ((bits - 0x7F00_0000) >> 11).min(26)
                } else {
                    0
                };
                tagged_missing(tag as u8)
            } else {
                v as f64
            }
        }
        _ => {
            let bits = uint(b, big);
            if bits & (1 << 63) == 0 && bits >= 0x7FE0_0000_0000_0000 {
                let tag = if extended {
                    ((bits - 0x7FE0_0000_0000_0000) >> 40).min(26)
                } else {
                    0
                };
                tagged_missing(tag as u8)
            } else {
                f64::from_bits(bits)
            }
        }
    }
}

/// A value-label table before release 108: a count, a name, and that many 2-byte
/// codes followed by as many 8-byte labels.
fn old_value_labels(c: &mut Cursor, layout: &Layout) -> Result<(String, Vec<(f64, String)>), LoadError> {
    let n = c.uint(2, "a value-label table")? as usize;
    let name = layout.text(c.take(layout.name_len(), "a value-label table")?);
    c.take(1, "a value-label table")?;
    let codes = c.take(c.fits(n as u64, 2, "value labels")?, "a value-label table")?;
    let texts = c.take(c.fits(n as u64, 8, "value labels")?, "a value-label table")?;
    let mut labels: Vec<(f64, String)> = codes
        .chunks_exact(2)
        .zip(texts.chunks_exact(8))
        .map(|(code, text)| (uint(code, c.big) as u16 as i16 as f64, layout.text(text)))
        .collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok((name, labels))
}

/// Reads a Stata file.
pub(crate) fn read(bytes: &[u8], caps: &Caps, warnings: &mut Warnings) -> Result<LabelledFile, LoadError> {
    let mut c = Cursor::new(bytes, FORMAT);
    let (layout, k, n, data_label_skip) = if bytes.starts_with(b"<stata_dta>") {
        c.tag("<stata_dta>")?;
        c.tag("<header>")?;
        c.tag("<release>")?;
        let at = c.at;
        let release: u16 = String::from_utf8_lossy(c.take(3, "the release")?).parse().unwrap_or(0);
        if !matches!(release, 117..=119) {
            return Err(damaged(
                at,
                format!(
                    "release {release} is not one this loader reads (117, 118 and 119 are); save it again from Stata"
                ),
            ));
        }
        c.tag("</release>")?;
        c.tag("<byteorder>")?;
        c.big = match c.take(3, "the byte order")? {
            b"MSF" => true,
            b"LSF" => false,
            _ => return Err(damaged(c.at - 3, "the byte order is neither MSF nor LSF".into())),
        };
        c.tag("</byteorder>")?;
        c.tag("<K>")?;
        let k = c.uint(if release == 119 { 4 } else { 2 }, "the variable count")?;
        c.tag("</K>")?;
        c.tag("<N>")?;
        let n = c.uint(if release == 117 { 4 } else { 8 }, "the observation count")?;
        c.tag("</N>")?;
        c.tag("<label>")?;
        let len = c.uint(if release == 117 { 1 } else { 2 }, "the data label")? as usize;
        c.take(len, "the data label")?;
        c.tag("</label>")?;
        c.tag("<timestamp>")?;
        let len = c.uint(1, "the time stamp")? as usize;
        c.take(len, "the time stamp")?;
        c.tag("</timestamp>")?;
        c.tag("</header>")?;
        c.tag("<map>")?;
        c.take(14 * 8, "the map")?;
        c.tag("</map>")?;
        let layout = Layout {
            release,
            tagged: true,
            utf8: release >= 118,
        };
        (layout, k, n, 0)
    } else {
        let release = bytes[0] as u16;
        c.big = bytes[1] == 1;
        c.take(4, "the header")?;
        let k = c.uint(2, "the variable count")?;
        let n = c.uint(if release == 102 { 2 } else { 4 }, "the observation count")?;
        let label = if release < 108 { 32 } else { 81 };
        let stamp = if release < 105 { 0 } else { 18 };
        let layout = Layout {
            release,
            tagged: false,
            utf8: false,
        };
        (layout, k, n, label + stamp)
    };
    c.take(data_label_skip, "the header")?;
    if k as usize > caps.max_columns {
        return Err(LoadError::TooManyColumns {
            found: Some(k as usize),
            cap: caps.max_columns,
        });
    }
    let k = k as usize;
    let tagged = layout.tagged;
    let section = |c: &mut Cursor, tag: &str| if tagged { c.tag(tag) } else { Ok(()) };

    section(&mut c, "<variable_types>")?;
    let type_width = if tagged { 2 } else { 1 };
    c.fits(k as u64, type_width, "variables")?;
    let mut types = Vec::with_capacity(k);
    for i in 0..k {
        let at = c.at;
        let code = c.uint(type_width, "the variable types")? as u16;
        let ty = ty_of(code, &layout)
            .ok_or_else(|| damaged(at, format!("variable {} has the unknown type code {code}", i + 1)))?;
        types.push(ty);
    }
    section(&mut c, "</variable_types>")?;
    section(&mut c, "<varnames>")?;
    c.fits(k as u64, layout.name_len(), "variable names")?;
    let names: Vec<String> = (0..k)
        .map(|_| c.take(layout.name_len(), "the variable names").map(|b| layout.text(b)))
        .collect::<Result<_, _>>()?;
    section(&mut c, "</varnames>")?;
    section(&mut c, "<sortlist>")?;
    let sort_width = if layout.release == 119 { 4 } else { 2 };
    c.take(c.fits(k as u64 + 1, sort_width, "sort entries")?, "the sort list")?;
    section(&mut c, "</sortlist>")?;
    section(&mut c, "<formats>")?;
    c.fits(k as u64, layout.format_len(), "formats")?;
    let formats: Vec<String> = (0..k)
        .map(|_| c.take(layout.format_len(), "the formats").map(|b| layout.text(b)))
        .collect::<Result<_, _>>()?;
    section(&mut c, "</formats>")?;
    section(&mut c, "<value_label_names>")?;
    c.fits(k as u64, layout.name_len(), "value-label names")?;
    let label_names: Vec<String> = (0..k)
        .map(|_| {
            c.take(layout.name_len(), "the value-label names")
                .map(|b| layout.text(b))
        })
        .collect::<Result<_, _>>()?;
    section(&mut c, "</value_label_names>")?;
    section(&mut c, "<variable_labels>")?;
    c.fits(k as u64, layout.label_len(), "variable labels")?;
    let var_labels: Vec<String> = (0..k)
        .map(|_| {
            c.take(layout.label_len(), "the variable labels")
                .map(|b| layout.text(b))
        })
        .collect::<Result<_, _>>()?;
    section(&mut c, "</variable_labels>")?;
    // Characteristics (expansion fields before release 117) are skipped.
    if tagged {
        c.tag("<characteristics>")?;
        while c.bytes[c.at..].starts_with(b"<ch>") {
            c.tag("<ch>")?;
            let len = c.uint(4, "a characteristic")? as usize;
            c.take(len, "a characteristic")?;
            c.tag("</ch>")?;
        }
        c.tag("</characteristics>")?;
        c.tag("<data>")?;
    } else if layout.release >= 105 {
        loop {
            let kind = c.uint(1, "the expansion fields")?;
            let len = c.uint(if layout.release >= 110 { 4 } else { 2 }, "the expansion fields")? as usize;
            if kind == 0 && len == 0 {
                break;
            }
            c.take(len, "an expansion field")?;
        }
    }

    // The data.
    let record: usize = types.iter().map(|t| t.width()).sum();
    let data_at = c.at;
    let n_bytes = c.fits(n, record.max(1), "observations")?;
    let n_rows = n as usize;
    if n_rows.saturating_mul(k.max(1)) > caps.max_cells {
        return Err(LoadError::TooManyCells {
            line: 0,
            cap: caps.max_cells,
        });
    }
    let data = c.take(n_bytes, "the data")?;
    let extended = layout.release >= 113;
    let mut offsets = Vec::with_capacity(k);
    let mut off = 0;
    for t in &types {
        offsets.push(off);
        off += t.width();
    }
    let mut columns: Vec<Values> = Vec::with_capacity(k);
    let mut strl_refs: Vec<(usize, Vec<(u64, u64)>)> = Vec::new();
    for (vi, &ty) in types.iter().enumerate() {
        let at = offsets[vi];
        let w = ty.width();
        let cells = (0..n_rows).map(|r| &data[r * record + at..r * record + at + w]);
        let values = match ty {
            Ty::Str(_) => {
                let mut s = String::new();
                let mut ends = Vec::with_capacity(n_rows);
                for cell in cells {
                    s.push_str(layout.text(cell).trim_end());
                    ends.push(s.len());
                }
                Values::Strings(Text::from_parts(s, ends)?)
            }
            Ty::StrL => {
                let refs = cells
                    .map(|b| match layout.release {
                        117 => (uint(&b[..4], c.big), uint(&b[4..], c.big)),
                        118 => {
                            if c.big {
                                (uint(&b[..2], true), uint(&b[2..], true))
                            } else {
                                (uint(&b[..2], false), uint(&b[2..], false))
                            }
                        }
                        _ => {
                            if c.big {
                                (uint(&b[..3], true), uint(&b[3..], true))
                            } else {
                                (uint(&b[..3], false), uint(&b[3..], false))
                            }
                        }
                    })
                    .collect();
                strl_refs.push((vi, refs));
                Values::Strings(Text::from_cells(std::iter::empty()))
            }
            _ => Values::Numbers(cells.map(|b| number(b, ty, c.big, extended)).collect()),
        };
        columns.push(values);
    }
    let _ = data_at;
    if layout.release <= 105 {
        // Doubles were missing as 2^333 before release 108.
        let old_missing = 2f64.powi(333);
        for (values, ty) in columns.iter_mut().zip(&types) {
            if let (Values::Numbers(v), Ty::Double) = (values, ty) {
                v.iter_mut()
                    .filter(|x| **x == old_missing)
                    .for_each(|x| *x = tagged_missing(0));
            }
        }
    }
    if tagged {
        c.tag("</data>")?;
        c.tag("<strls>")?;
        let mut strls: HashMap<(u64, u64), String> = HashMap::new();
        while c.bytes[c.at..].starts_with(b"GSO") {
            c.tag("GSO")?;
            let v = c.uint(4, "a long string")?;
            let o = c.uint(if layout.release == 117 { 4 } else { 8 }, "a long string")?;
            let t = c.uint(1, "a long string")?;
            let len = c.uint(4, "a long string")? as usize;
            let raw = c.take(len, "a long string")?;
            let raw = if t == 130 {
                raw.strip_suffix(b"\0").unwrap_or(raw)
            } else {
                raw
            };
            let text = if layout.utf8 || raw.is_ascii() {
                String::from_utf8_lossy(raw).into_owned()
            } else {
                raw.iter().map(|&b| windows_1252(b)).collect()
            };
            strls.insert((v, o), text);
        }
        c.tag("</strls>")?;
        let mut unresolved = 0usize;
        for (vi, refs) in strl_refs {
            let mut s = String::new();
            let mut ends = Vec::with_capacity(refs.len());
            for r in refs {
                if r != (0, 0) {
                    match strls.get(&r) {
                        Some(text) => s.push_str(text.trim_end()),
                        None => unresolved += 1,
                    }
                }
                ends.push(s.len());
            }
            columns[vi] = Values::Strings(Text::from_parts(s, ends)?);
        }
        if unresolved > 0 {
            warnings.push(
                0,
                format!("{unresolved} long strings (strL) point at no stored string and are read as blank"),
            );
        }
        c.tag("<value_labels>")?;
    }

    // Value-label tables.
    let mut tables: HashMap<String, Vec<(f64, String)>> = HashMap::new();
    loop {
        if tagged {
            if !c.bytes[c.at..].starts_with(b"<lbl>") {
                break;
            }
            c.tag("<lbl>")?;
        } else if c.at >= bytes.len() {
            break;
        } else if layout.release < 108 {
            let (name, labels) = old_value_labels(&mut c, &layout)?;
            tables.insert(name, labels);
            continue;
        }
        let table_at = c.at;
        let len = c.uint(4, "a value-label table")? as usize;
        let name = layout.text(c.take(layout.name_len(), "a value-label table")?);
        c.take(3, "a value-label table")?;
        let table = c.take(len, "a value-label table")?;
        if tagged {
            c.tag("</lbl>")?;
        }
        let bad = || damaged(table_at, format!("the value-label table {name:?} is damaged"));
        let get = |at: usize| table.get(at..at + 4).map(|b| uint(b, c.big) as u32);
        let count = get(0).ok_or_else(bad)? as usize;
        let txt_len = get(4).ok_or_else(bad)? as usize;
        if count
            .checked_mul(8)
            .and_then(|x| x.checked_add(8 + txt_len))
            .is_none_or(|need| need > len)
        {
            return Err(bad());
        }
        let txt = &table[8 + 8 * count..8 + 8 * count + txt_len];
        let mut labels = Vec::with_capacity(count);
        for i in 0..count {
            let off = get(8 + 4 * i).ok_or_else(bad)? as usize;
            let val = get(8 + 4 * count + 4 * i).ok_or_else(bad)? as i32;
            let Some(text) = txt.get(off..) else {
                return Err(bad());
            };
            let value = if val >= 2_147_483_621 {
                tagged_missing((val - 2_147_483_621).min(26) as u8)
            } else {
                val as f64
            };
            labels.push((value, layout.text(text)));
        }
        labels.sort_by(|a, b| a.0.total_cmp(&b.0));
        tables.insert(name, labels);
    }
    if tagged {
        c.tag("</value_labels>")?;
    }

    let mut vars = Vec::with_capacity(k);
    let mut missing_tables = Vec::new();
    for (vi, values) in columns.into_iter().enumerate() {
        let mut var = Var::new(names[vi].clone(), values);
        var.label = var_labels[vi].clone();
        if matches!(var.values, Values::Numbers(_)) {
            var.date = date_unit(&formats[vi]);
            let table = &label_names[vi];
            if !table.is_empty() {
                match tables.get(table) {
                    Some(labels) => var.num_labels = labels.clone(),
                    None => missing_tables.push(format!("{table:?}")),
                }
            }
        }
        vars.push(var);
    }
    if !missing_tables.is_empty() {
        missing_tables.dedup();
        warnings.push(
            0,
            format!(
                "value-label tables {} are named by variables but not in the file; those variables have no labels",
                missing_tables.join(", ")
            ),
        );
    }
    Ok(LabelledFile {
        n_rows,
        vars,
        weight: None,
        mr_sets: Vec::new(),
        layout: "stata-dta",
        encoding: if layout.utf8 { "utf-8" } else { "windows-1252" },
    })
}

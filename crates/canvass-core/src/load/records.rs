//! Splitting decoded text into records and fields, RFC 4180 style.
//!
//! Fields are handed to a [`FieldSink`] one at a time as borrowed `&str`: an unquoted
//! field, or a quoted one without doubled quotes, is a slice of the input, so the
//! common case allocates nothing. Line ends may be CRLF, LF or a lone CR. Blank lines
//! are skipped and counted. Line numbers are physical lines, so a record whose quoted
//! field spans lines is reported at the line it starts on.
//!
//! Leniency where exports are messy: a quote inside an unquoted field is an ordinary
//! character, and text after a closing quote is kept and reported. Caps on fields per
//! record and bytes per field are checked before anything is copied.

use super::words::{load_u64, zero_in, ONES};
use super::{Caps, LoadError, WarningKind, Warnings};

/// Receives the fields of one record in order.
pub(crate) trait FieldSink {
    fn field(&mut self, field_idx: usize, value: &str);
}

/// A sink that discards everything, for skipping records already read.
pub(crate) struct Discard;

impl FieldSink for Discard {
    fn field(&mut self, _: usize, _: &str) {}
}

/// A sink that keeps owned copies: only for the few header records.
#[derive(Default)]
pub(crate) struct Collect(pub Vec<String>);

impl FieldSink for Collect {
    fn field(&mut self, _: usize, value: &str) {
        self.0.push(value.to_string());
    }
}

/// Where a record was and how many fields it had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordEnd {
    pub line: u64,
    pub n_fields: usize,
}

/// The reading position, to come back to after looking ahead at the header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    pos: usize,
    line: u64,
    blank_lines: u64,
}

pub(crate) struct Records<'t> {
    text: &'t str,
    pos: usize,
    line: u64,
    delim: u8,
    scratch: String,
    max_fields: usize,
    max_field_bytes: usize,
    /// Whether a line of only spaces counts as blank. In a one-column file it is a
    /// respondent whose answer is blank, so the caller decides once it knows.
    pub space_lines_are_blank: bool,
    pub blank_lines: u64,
    pub first_blank_line: Option<u64>,
}

impl<'t> Records<'t> {
    pub fn new(text: &'t str, delim: u8, caps: &Caps) -> Self {
        Records {
            text,
            pos: 0,
            line: 1,
            delim,
            scratch: String::new(),
            max_fields: caps.max_fields_per_record,
            max_field_bytes: caps.max_field_bytes,
            space_lines_are_blank: true,
            blank_lines: 0,
            first_blank_line: None,
        }
    }

    pub fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            line: self.line,
            blank_lines: self.blank_lines,
        }
    }

    pub fn reset(&mut self, mark: Mark) {
        self.pos = mark.pos;
        self.line = mark.line;
        self.blank_lines = mark.blank_lines;
        if self.blank_lines == 0 {
            self.first_blank_line = None;
        }
    }

    /// Skips an Excel `sep=;` line and reads fields with the separator it names, or
    /// with `given` when the caller chose one. Returns the separator now in use.
    pub fn skip_separator_line(&mut self, given: Option<u8>) -> Option<u8> {
        let bytes = self.text.as_bytes();
        let rest = bytes.strip_prefix(b"sep=")?;
        let (&delim, after) = rest.split_first()?;
        let end = match after {
            [b'\r', b'\n', ..] => 2,
            [b'\n', ..] | [b'\r', ..] => 1,
            _ => return None,
        };
        if matches!(delim, b'"' | b'\n' | b'\r') {
            return None;
        }
        self.pos = 5 + end;
        self.line = 2;
        let delim = given.unwrap_or(delim);
        self.delim = delim;
        Some(delim)
    }

    /// Bytes of text read so far.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The line the next record would start on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Reads one record into `sink`; `None` at the end of the text.
    pub fn next_record<S: FieldSink>(
        &mut self,
        sink: &mut S,
        warnings: &mut Warnings,
    ) -> Result<Option<RecordEnd>, LoadError> {
        let bytes = self.text.as_bytes();
        // Skip blank lines: a line end where a record would start, after nothing but
        // spaces (or tabs, unless tabs separate fields).
        loop {
            let mut after_spaces = self.pos;
            while self.space_lines_are_blank
                && bytes
                    .get(after_spaces)
                    .is_some_and(|&b| b == b' ' || (b == b'\t' && self.delim != b'\t'))
            {
                after_spaces += 1;
            }
            if after_spaces > self.pos && matches!(bytes.get(after_spaces), None | Some(b'\n') | Some(b'\r')) {
                self.pos = after_spaces;
                if self.pos == bytes.len() {
                    self.blank_lines += 1;
                    self.first_blank_line.get_or_insert(self.line);
                    return Ok(None);
                }
            }
            match bytes.get(self.pos) {
                None => return Ok(None),
                Some(b'\n') => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                }
                Some(_) => break,
            }
            self.blank_lines += 1;
            self.first_blank_line.get_or_insert(self.line);
            self.line += 1;
        }
        let record_line = self.line;
        let mut field_idx = 0usize;
        loop {
            if field_idx >= self.max_fields {
                return Err(LoadError::TooManyFields {
                    line: record_line,
                    cap: self.max_fields,
                });
            }
            let start = self.pos;
            if bytes.get(start) == Some(&b'"') {
                self.quoted_field(sink, field_idx, warnings)?;
            } else {
                let end = self.unquoted_end(start);
                if end - start > self.max_field_bytes {
                    return Err(self.field_too_long(field_idx));
                }
                self.pos = end;
                sink.field(field_idx, &self.text[start..end]);
            }
            field_idx += 1;
            match bytes.get(self.pos) {
                None => {
                    return Ok(Some(RecordEnd {
                        line: record_line,
                        n_fields: field_idx,
                    }))
                }
                Some(&b) if b == self.delim => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    self.line += 1;
                    return Ok(Some(RecordEnd {
                        line: record_line,
                        n_fields: field_idx,
                    }));
                }
                Some(_) => {
                    // Only LF is left among the stop bytes.
                    self.pos += 1;
                    self.line += 1;
                    return Ok(Some(RecordEnd {
                        line: record_line,
                        n_fields: field_idx,
                    }));
                }
            }
        }
    }

    /// Where an unquoted field starting at `start` ends: at the next delimiter, CR or
    /// LF, or at the end of the text.
    #[inline(always)]
    fn unquoted_end(&self, start: usize) -> usize {
        find_any(self.text.as_bytes(), start, [self.delim, b'\n', b'\r'])
    }

    fn field_too_long(&self, field_idx: usize) -> LoadError {
        LoadError::FieldTooLong {
            line: self.line,
            field: field_idx + 1,
            cap: self.max_field_bytes,
        }
    }

    /// Reads a field that starts with a quote; on return `pos` is at the byte after it.
    fn quoted_field<S: FieldSink>(
        &mut self,
        sink: &mut S,
        field_idx: usize,
        warnings: &mut Warnings,
    ) -> Result<(), LoadError> {
        let bytes = self.text.as_bytes();
        let open_line = self.line;
        let content_start = self.pos + 1;
        let mut i = content_start;
        let mut doubled_quotes = false;
        let content_end = loop {
            // Jump to the next byte that matters inside quotes; the cap is checked at
            // each stop, and at the end of the text before calling the quote unclosed.
            i = find_any(bytes, i, [b'"', b'\n', b'\r']);
            if i - content_start > self.max_field_bytes {
                return Err(LoadError::FieldTooLong {
                    line: open_line,
                    field: field_idx + 1,
                    cap: self.max_field_bytes,
                });
            }
            match bytes.get(i) {
                None => {
                    return Err(LoadError::UnterminatedQuote {
                        line: open_line,
                        field: field_idx + 1,
                    })
                }
                Some(b'"') => {
                    if bytes.get(i + 1) == Some(&b'"') {
                        doubled_quotes = true;
                        i += 2;
                    } else {
                        break i;
                    }
                }
                Some(b'\n') => {
                    self.line += 1;
                    i += 1;
                }
                Some(_) => {
                    // A CR; a CRLF pair is one line end, counted at its LF.
                    if bytes.get(i + 1) != Some(&b'\n') {
                        self.line += 1;
                    }
                    i += 1;
                }
            }
        };
        let mut after = content_end + 1;
        // Text between the closing quote and the next separator: keep it, say so.
        let trailing_end = self.unquoted_end(after);
        let has_trailing = trailing_end > after;
        // A line inside the quotes that holds the separator reads like a record.
        let swallowed = has_trailing
            && self.line > open_line
            && !self.text[after..trailing_end].trim().is_empty()
            && self.text[content_start..content_end]
                .split(['\n', '\r'])
                .skip(1)
                .any(|line| line.as_bytes().contains(&self.delim));
        if swallowed {
            // The quote closed inside a field of a later line: the lines between, whole
            // records as like as not, were read as one answer and respondents are lost.
            // Unlike stray text after a quote on its own line, this makes the table
            // wrong, so it is a warning of its own kind.
            warnings.push_kind(
                open_line,
                format!(
                    "lines {open_line}–{close}: a quote opened on line {open_line} (field {field}) closes on line \
                     {close} inside a field; the rows between were read as one answer — check the quoting, and \
                     write a quote inside an answer twice (\"\")",
                    close = self.line,
                    field = field_idx + 1,
                ),
                WarningKind::QuoteSwallowedRows,
            );
        } else if has_trailing {
            // `\"` is how some tools escape a quote; in CSV it ends the field.
            let backslash = content_end > content_start && bytes[content_end - 1] == b'\\';
            warnings.push(
                self.line,
                format!(
                    "field {} has text after its closing quote; it was kept. Quote the whole field, \
                     doubling any quote inside it{}",
                    field_idx + 1,
                    if backslash {
                        " (a backslash before a quote does not escape it in CSV: write \"\" instead of \\\")"
                    } else {
                        ""
                    }
                ),
            );
            if trailing_end - content_start > self.max_field_bytes {
                return Err(self.field_too_long(field_idx));
            }
        }
        let content = &self.text[content_start..content_end];
        if doubled_quotes || has_trailing {
            self.scratch.clear();
            let mut rest = content;
            // Every quote inside the content is the first of a doubled pair (the scan
            // above consumed them two at a time), so a one-byte search finds the pairs.
            while let Some(q) = rest.find('"') {
                self.scratch.push_str(&rest[..q + 1]);
                rest = &rest[q + 2..];
            }
            self.scratch.push_str(rest);
            self.scratch.push_str(&self.text[after..trailing_end]);
            after = trailing_end;
            sink.field(field_idx, &self.scratch);
        } else {
            sink.field(field_idx, content);
        }
        self.pos = after;
        Ok(())
    }
}

/// The first position at or after `start` holding one of `stops`, or the text's
/// length. Eight bytes are tested at a time with the classic "has a zero byte" bit
/// trick, then the last few one by one: fields are short, so a wider vector setup
/// would not pay for itself.
#[inline(always)]
fn find_any(bytes: &[u8], start: usize, stops: [u8; 3]) -> usize {
    // Not `stops.map`: the size-optimised browser build would call it for every field.
    let [a, b, c] = [ONES * stops[0] as u64, ONES * stops[1] as u64, ONES * stops[2] as u64];
    let mut i = start;
    while i + 8 <= bytes.len() {
        let x = load_u64(bytes, i);
        // Borrows only run upwards, so the lowest flagged byte is a true match.
        let hits = zero_in(x ^ a) | zero_in(x ^ b) | zero_in(x ^ c);
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == stops[0] || byte == stops[1] || byte == stops[2] {
            break;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    type Split = (Vec<(u64, Vec<String>)>, Vec<u64>, u64);

    /// Splits `text` into records of owned fields, with the warnings' lines and the
    /// number of blank lines.
    fn split(text: &str) -> Result<Split, LoadError> {
        let caps = Caps::default();
        let mut records = Records::new(text, b',', &caps);
        let mut warnings = Warnings::new(100);
        let mut out = Vec::new();
        loop {
            let mut sink = Collect::default();
            match records.next_record(&mut sink, &mut warnings)? {
                Some(end) => {
                    assert_eq!(end.n_fields, sink.0.len());
                    out.push((end.line, sink.0));
                }
                None => break,
            }
        }
        let lines = warnings.into_vec().iter().map(|w| w.line).collect();
        Ok((out, lines, records.blank_lines))
    }

    fn rec(line: u64, fields: &[&str]) -> (u64, Vec<String>) {
        (line, fields.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn quoting_line_ends_and_blank_lines() {
        let (records, warned, blanks) = split("a,\"b,c\"\r\n\r\n\"x\"\"y\",\"two\nlines\"\rlast,\n\n").unwrap();
        assert_eq!(
            records,
            [
                rec(1, &["a", "b,c"]),
                rec(3, &["x\"y", "two\nlines"]),
                rec(5, &["last", ""])
            ]
        );
        assert!(warned.is_empty());
        assert_eq!(blanks, 2);
    }

    #[test]
    fn lines_of_spaces_are_blank_lines() {
        let (records, _, blanks) = split("a,b\n   \n\t\nc,d\n  ").unwrap();
        assert_eq!(records, [rec(1, &["a", "b"]), rec(4, &["c", "d"])]);
        assert_eq!(blanks, 3);
    }

    #[test]
    fn an_excel_separator_line_names_the_separator() {
        let caps = Caps::default();
        let mut records = Records::new("sep=;\r\na;b\n", b',', &caps);
        assert_eq!(records.skip_separator_line(None), Some(b';'));
        let mut sink = Collect::default();
        let end = records.next_record(&mut sink, &mut Warnings::new(1)).unwrap().unwrap();
        assert_eq!((end.line, sink.0), (2, vec!["a".to_string(), "b".to_string()]));
        assert_eq!(Records::new("a,b\n", b',', &caps).skip_separator_line(None), None);
    }

    #[test]
    fn text_after_a_closing_quote_is_kept_and_reported() {
        let (records, warned, _) = split("q\n\"ab\"cd,e\n").unwrap();
        assert_eq!(records[1], rec(2, &["abcd", "e"]));
        assert_eq!(warned, [2]);
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_a_character() {
        let (records, _, _) = split("5'10\",x\n").unwrap();
        assert_eq!(records, [rec(1, &["5'10\"", "x"])]);
    }

    #[test]
    fn an_unterminated_quote_names_where_it_opened() {
        let err = split("a,b\nc,\"open\nand on\n").unwrap_err();
        assert_eq!(err, LoadError::UnterminatedQuote { line: 2, field: 2 });
    }

    #[test]
    fn caps_are_checked_before_copying() {
        let caps = Caps {
            max_fields_per_record: 3,
            max_field_bytes: 4,
            ..Caps::default()
        };
        let mut w = Warnings::new(10);
        let mut r = Records::new("a,b,c,d\n", b',', &caps);
        assert_eq!(
            r.next_record(&mut Discard, &mut w).unwrap_err(),
            LoadError::TooManyFields { line: 1, cap: 3 }
        );
        let mut r = Records::new("ok\n\"12345\"\n", b',', &caps);
        r.next_record(&mut Discard, &mut w).unwrap();
        assert_eq!(
            r.next_record(&mut Discard, &mut w).unwrap_err(),
            LoadError::FieldTooLong {
                line: 2,
                field: 1,
                cap: 4
            }
        );
    }

    #[test]
    fn a_long_quoted_field_hits_the_cap_before_the_end_of_the_text() {
        let caps = Caps {
            max_field_bytes: 8,
            ..Caps::default()
        };
        let mut w = Warnings::new(10);
        // Never closed, but longer than the cap: the cap is the better explanation.
        let mut r = Records::new("\"0123456789abcdef", b',', &caps);
        assert_eq!(
            r.next_record(&mut Discard, &mut w).unwrap_err(),
            LoadError::FieldTooLong {
                line: 1,
                field: 1,
                cap: 8
            }
        );
        let mut r = Records::new("\"0123", b',', &caps);
        assert_eq!(
            r.next_record(&mut Discard, &mut w).unwrap_err(),
            LoadError::UnterminatedQuote { line: 1, field: 1 }
        );
    }

    #[test]
    fn line_ends_inside_long_quoted_fields_are_counted() {
        // Fields longer than a word, with CR, LF and CRLF inside, then a doubled quote.
        let (records, _, _) = split("\"first line\rsecond line\r\nthird\nfourth \"\"q\"\"\",x\nnext,y\n").unwrap();
        assert_eq!(
            records,
            [
                rec(1, &["first line\rsecond line\r\nthird\nfourth \"q\"", "x"]),
                rec(5, &["next", "y"])
            ]
        );
    }
}

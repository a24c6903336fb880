//! Guessing the field separator from the first lines of a file.
//!
//! Exports use commas, tabs (Excel's "Unicode text", Qualtrics' TSV), semicolons
//! (spreadsheets in locales whose decimal mark is a comma) or pipes. The guess is the
//! candidate that splits the first records into the same, largest number of fields,
//! counting only separators outside quotes. It is a guess: `LoadOptions::delimiter`
//! overrides it.

/// Candidates in order of preference when two split the lines equally well.
const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];

/// How many records the guess looks at.
const SAMPLE_RECORDS: usize = 20;

pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let sample = &text.as_bytes()[..text.len().min(64 * 1024)];
    let mut best = (b',', 0usize, 0usize);
    for delim in CANDIDATES {
        let counts = field_counts(sample, delim);
        let Some(&header_fields) = counts.first() else {
            continue;
        };
        if header_fields < 2 {
            continue;
        }
        let agreeing = counts.iter().filter(|&&n| n == header_fields).count();
        // More agreeing records wins; then more fields; earlier candidates win ties.
        if (agreeing, header_fields) > (best.1, best.2) {
            best = (delim, agreeing, header_fields);
        }
    }
    best.0
}

/// Fields per record for the first records of `sample`, with RFC 4180 quoting: a quote
/// opens a quoted field only at the start of a field.
fn field_counts(sample: &[u8], delim: u8) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut fields = 1usize;
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut i = 0;
    while i < sample.len() && counts.len() < SAMPLE_RECORDS {
        let b = sample[i];
        if in_quotes {
            if b == b'"' {
                if sample.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && at_field_start {
            in_quotes = true;
        } else if b == delim {
            fields += 1;
            at_field_start = true;
            i += 1;
            continue;
        } else if b == b'\n' || b == b'\r' {
            let blank = fields == 1 && at_field_start;
            if !blank {
                counts.push(fields);
            }
            fields = 1;
            at_field_start = true;
            if b == b'\r' && sample.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            i += 1;
            continue;
        }
        at_field_start = false;
        i += 1;
    }
    // A last record without a line end counts only when the sample is the whole file;
    // otherwise it may be cut in the middle.
    if !at_field_start || fields > 1 {
        counts.push(fields);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_separator_that_splits_records_evenly() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a\tb, c\td\n1\t2, 3\t4\n"), b'\t');
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2,5;3\n"), b';');
        assert_eq!(sniff_delimiter("a|b\nx|y\n"), b'|');
        // Commas inside quotes do not count.
        assert_eq!(sniff_delimiter("\"a, b, c\";d\n\"x, y\";z\n"), b';');
        // A single column falls back to the comma.
        assert_eq!(sniff_delimiter("answer\nyes\n"), b',');
    }
}

//! Text measured without a font: widths are estimated from character classes so that
//! layout is the same on every backend and machine, and numbers formatted for labels.
//!
//! The estimates lean wide (they follow DejaVu Sans, wider than most sans-serif
//! faces), so text placed by them may leave a little air but does not collide.

/// Advance width of `ch` as a share of the font size.
fn char_em(ch: char) -> f64 {
    match ch {
        'i' | 'j' | 'l' | '!' | '|' | '.' | ',' | ':' | ';' | '\'' | ' ' => 0.32,
        'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' | '/' => 0.42,
        '0'..='9' | '$' | '#' | '+' | '=' | '<' | '>' | '?' | '*' | '–' => 0.64,
        'm' | 'w' | 'M' | 'W' | '%' | '@' | '—' => 0.95,
        'A'..='Z' | '&' => 0.72,
        'a'..='z' => 0.6,
        c if (c as u32) >= 0x2E80 => 1.0,
        _ => 0.66,
    }
}

/// Estimated width of `text` at `font_px`.
pub fn text_width_px(text: &str, font_px: f64) -> f64 {
    text.chars().map(char_em).sum::<f64>() * font_px
}

/// Estimated width of bold text, which runs about 15% wider in DejaVu Sans Bold.
pub fn bold_width_px(text: &str, font_px: f64) -> f64 {
    text_width_px(text, font_px) * 1.15
}

/// Shortens `text` to fit `max_px`, marking the cut with an ellipsis.
pub fn elide(text: &str, font_px: f64, max_px: f64) -> String {
    if text_width_px(text, font_px) <= max_px {
        return text.to_string();
    }
    let budget = max_px - text_width_px("…", font_px);
    let mut used = 0.0;
    let mut kept = String::new();
    for ch in text.chars() {
        used += char_em(ch) * font_px;
        if used > budget {
            break;
        }
        kept.push(ch);
    }
    format!("{}…", kept.trim_end())
}

/// Breaks `text` into at most `max_lines` lines no wider than `max_px`, at spaces where
/// it can. Whatever does not fit is elided on the last line, so the full text must be
/// shown elsewhere (the table beside the chart).
pub fn wrap(text: &str, font_px: f64, max_px: f64, max_lines: usize) -> Vec<String> {
    let max_lines = max_lines.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (word_idx, word) in words.iter().enumerate() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if text_width_px(&candidate, font_px) <= max_px || current.is_empty() {
            current = candidate;
            if text_width_px(&current, font_px) > max_px && lines.len() + 1 < max_lines {
                // A single word wider than the line: cut it rather than overflow.
                lines.push(elide(&current, font_px, max_px));
                current.clear();
            }
            continue;
        }
        lines.push(std::mem::take(&mut current));
        if lines.len() == max_lines {
            let rest = words[word_idx..].join(" ");
            let last = lines.pop().unwrap_or_default();
            lines.push(elide(&format!("{last} {rest}"), font_px, max_px));
            return lines;
        }
        current = word.to_string();
    }
    if !current.is_empty() {
        lines.push(elide(&current, font_px, max_px));
    }
    lines
}

/// Formats a count with thousands separators: 1236 → "1,236".
pub fn fmt_count(n: f64) -> String {
    if !n.is_finite() {
        return "–".to_string();
    }
    let digits = format!("{:.0}", n.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// A percentage as a report prints it: whole numbers, but "<1%" rather than a
/// misleading "0%" for a share that is small and not zero.
pub fn fmt_percent(p: f64) -> String {
    if !p.is_finite() {
        return "–".to_string();
    }
    // Half away from zero, as readers round: 0.5% is "1%", not the "0%" of
    // round-half-to-even.
    let rounded = p.round();
    if p > 0.0 && rounded == 0.0 {
        "<1%".to_string()
    } else {
        format!("{rounded:.0}%")
    }
}

/// A number with as few decimals as its step needs: 2.5 → "2.5", 20 → "20".
pub fn fmt_number(v: f64, step: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    // As many decimals as the step needs to be written exactly: 2.5 needs one, 0.25
    // two, 10 none.
    let decimals = if step.is_finite() && step > 0.0 {
        (0..=6)
            .find(|&d| {
                let scaled = step * 10f64.powi(d);
                (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
            })
            .unwrap_or(6) as usize
    } else {
        0
    };
    let mut s = format!("{v:.decimals$}");
    if decimals > 0 {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if decimals == 0 && v.abs() >= 10_000.0 {
        return fmt_count(v);
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size() {
        assert_eq!(text_width_px("", 13.0), 0.0);
        let w = text_width_px("Python", 10.0);
        // P 7.2 + y 6 + t 4.2 + h 6 + o 6 + n 6.
        assert!((w - 35.4).abs() < 1e-9, "{w}");
        assert!((text_width_px("Python", 20.0) - 2.0 * w).abs() < 1e-9);
        assert!(text_width_px("WWW", 10.0) > text_width_px("iii", 10.0) * 2.0);
    }

    #[test]
    fn elide_cuts_to_the_width_and_marks_the_cut() {
        assert_eq!(elide("short", 10.0, 100.0), "short");
        let cut = elide("a very long option label that cannot fit", 10.0, 60.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(text_width_px(&cut, 10.0) <= 60.0, "{cut}");
        assert!("a very long option label".starts_with(cut.trim_end_matches('…')));
        // Nothing fits: the ellipsis alone says something was there.
        assert_eq!(elide("abc", 10.0, 1.0), "…");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_elides_the_last_line() {
        let lines = wrap("How often do you use NumPy at work?", 10.0, 120.0, 3);
        assert!(lines.len() >= 2, "{lines:?}");
        for line in &lines {
            assert!(text_width_px(line, 10.0) <= 120.0, "{lines:?}");
        }
        assert_eq!(lines.join(" "), "How often do you use NumPy at work?");
        let two = wrap("one two three four five six seven eight nine ten", 10.0, 60.0, 2);
        assert_eq!(two.len(), 2);
        assert!(two[1].ends_with('…'), "{two:?}");
        assert_eq!(wrap("", 10.0, 60.0, 2), Vec::<String>::new());
        // A word wider than the line is cut, never left to overflow.
        let long = wrap("Supercalifragilisticexpialidocious", 10.0, 50.0, 2);
        assert!(long.iter().all(|l| text_width_px(l, 10.0) <= 50.0), "{long:?}");
    }

    #[test]
    fn numbers_read_as_in_a_report() {
        assert_eq!(fmt_count(1236.0), "1,236");
        assert_eq!(fmt_count(999.0), "999");
        assert_eq!(fmt_count(1_000_000.0), "1,000,000");
        assert_eq!(fmt_count(-1234.0), "-1,234");
        assert_eq!(fmt_count(f64::NAN), "–");
        assert_eq!(fmt_percent(54.5454), "55%");
        assert_eq!(fmt_percent(0.2), "<1%");
        assert_eq!(fmt_percent(0.0), "0%");
        assert_eq!(fmt_number(2.5, 0.5), "2.5");
        assert_eq!(fmt_number(7.5, 2.5), "7.5");
        assert_eq!(fmt_number(10.0, 2.5), "10");
        assert_eq!(fmt_number(0.75, 0.25), "0.75");
        assert_eq!(fmt_percent(0.5), "1%");
        assert_eq!(fmt_percent(2.5), "3%");
        assert_eq!(fmt_number(20.0, 10.0), "20");
        assert_eq!(fmt_number(0.30000000000000004, 0.1), "0.3");
        assert_eq!(fmt_number(25_000.0, 5000.0), "25,000");
    }
}

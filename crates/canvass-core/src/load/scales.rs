//! What single answers mean: numbers, top codes, dates, refusals, scale points, ranges.
//!
//! Each recogniser looks at one trimmed cell and knows nothing of its column; `infer`
//! combines their verdicts over a column's distinct values. The scale lists hold the
//! wordings that survey tools offer by default, in scale order, lower-cased with
//! straight apostrophes.

/// Lower-cases and straightens typographic apostrophes and dashes for comparison.
pub(crate) fn normalize(value: &str) -> String {
    let value = value.trim();
    // Most answers are ASCII, where the mapping below is only lowercasing: one pass
    // and one allocation instead of two of each.
    if value.is_ascii() {
        return value.to_ascii_lowercase();
    }
    value
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{2013}' | '\u{2014}' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .to_lowercase()
}

/// Answers that decline to answer; they count as [`crate::Missing::Declined`].
const DECLINED: [&str; 16] = [
    "prefer not to answer",
    "prefer not to say",
    "i prefer not to answer",
    "i prefer not to say",
    "i'd prefer not to say",
    "i'd prefer not to answer",
    "rather not say",
    "i'd rather not say",
    "i would rather not say",
    "decline to answer",
    "decline to state",
    "i decline to answer",
    "refused",
    "n/a",
    "not applicable",
    "prefer not to disclose",
];

pub(crate) fn is_declined(normalized: &str) -> bool {
    DECLINED.contains(&normalized)
}

/// A plain decimal number: digits with an optional sign, point and exponent. Words
/// such as "inf" or "NaN", which Rust's parser accepts, are not survey numbers.
pub(crate) fn parse_number(value: &str) -> Option<f64> {
    let v = value.trim();
    let first = *v.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if !v
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    v.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A number with a decimal comma, `1,5` or `-0,25`: exactly one comma between digits
/// and no point. A column is read this way only when no answer has a point.
pub(crate) fn parse_decimal_comma(value: &str) -> Option<f64> {
    let v = value.trim();
    let (whole, fraction) = v.split_once(',')?;
    let digits = whole.trim_start_matches(['-', '+']);
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(digits) || !all_digits(fraction) {
        return None;
    }
    format!("{whole}.{fraction}")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

/// A top or bottom code such as "> 40", "40+", "100 or more", "less than 1": a value
/// the tool capped, which a numeric column keeps as its own category.
pub(crate) fn is_top_code(value: &str) -> bool {
    range_key(value).is_some_and(|key| key.marker != Marker::Span && key.marker != Marker::Plain)
}

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub(crate) enum Marker {
    /// "less than N", "under N", "< N": sorts before N itself.
    Below,
    /// A plain "N".
    Plain,
    /// "N-M", "N to M".
    Span,
    /// "N+", "more than N", "N or older": sorts after spans starting at N.
    Above,
}

/// Where a range answer sits on its axis: its number, then its kind of bound.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub(crate) struct RangeKey {
    pub value: f64,
    pub marker: Marker,
}

const BELOW_PREFIXES: [&str; 8] = [
    "less than",
    "fewer than",
    "under",
    "below",
    "up to",
    "<=",
    "<",
    "at most",
];
const ABOVE_PREFIXES: [&str; 8] = [
    "more than",
    "greater than",
    "over",
    "above",
    "at least",
    ">=",
    ">",
    "older than",
];
const ABOVE_SUFFIXES: [&str; 10] = [
    "+",
    "or more",
    "or older",
    "or over",
    "or above",
    "or greater",
    "and over",
    "and above",
    "and older",
    "and up",
];

/// Reads answers such as "Less than 1 year", "1-2 years", "10+ years", "$50,000 -
/// $74,999", "65 or older", "Under 18". Only a few unit words may follow the numbers.
pub(crate) fn range_key(value: &str) -> Option<RangeKey> {
    let v = normalize(value);
    let v: String = v.chars().filter(|&c| !matches!(c, '$' | '€' | '£' | '%')).collect();
    let v = strip_thousands(&v);
    let mut s = v.trim();
    let mut marker = None;
    for p in BELOW_PREFIXES {
        if let Some(rest) = s.strip_prefix(p) {
            s = rest.trim_start();
            marker = Some(Marker::Below);
            break;
        }
    }
    if marker.is_none() {
        for p in ABOVE_PREFIXES {
            if let Some(rest) = s.strip_prefix(p) {
                s = rest.trim_start();
                marker = Some(Marker::Above);
                break;
            }
        }
    }
    let (first, rest) = leading_number(s)?;
    let mut rest = rest.trim_start();
    if marker.is_none() {
        for suffix in ABOVE_SUFFIXES {
            if let Some(r) = rest.strip_prefix(suffix) {
                rest = r.trim_start();
                marker = Some(Marker::Above);
                break;
            }
        }
    }
    if marker.is_none() {
        // "1-2 years", "1 to 2", and "1 year - 2 years" with a unit between the numbers.
        let after_unit = rest.trim_start_matches(|c: char| c.is_alphabetic()).trim_start();
        'spans: for r in [rest, after_unit] {
            for joiner in ["-", "to "] {
                if let Some((_, after)) = r.strip_prefix(joiner).and_then(|j| leading_number(j.trim_start())) {
                    rest = after.trim_start();
                    marker = Some(Marker::Span);
                    break 'spans;
                }
            }
        }
    }
    // What remains may only be unit words ("years", "hours per week", "employees").
    let words_ok = rest.split_whitespace().count() <= 3
        && rest
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '.' || c == '/');
    if !words_ok {
        return None;
    }
    Some(RangeKey {
        value: first,
        marker: marker.unwrap_or(Marker::Plain),
    })
}

fn strip_thousands(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = String::with_capacity(v.len());
    for (i, c) in v.char_indices() {
        let is_thousands = c == ','
            && i > 0
            && b[i - 1].is_ascii_digit()
            && b.len() >= i + 4
            && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
            && b.get(i + 4).is_none_or(|d| !d.is_ascii_digit());
        if !is_thousands {
            out.push(c);
        }
    }
    out
}

/// A non-negative decimal at the start of `s`, and what follows it.
fn leading_number(s: &str) -> Option<(f64, &str)> {
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    if end == 0 || !s.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let value = s[..end].trim_end_matches('.').parse::<f64>().ok()?;
    Some((value, &s[end..]))
}

/// Ordered answer scales, lowest first. A column is ordinal when all its answers lie
/// on one of them; its levels are then sorted by scale position.
const SCALES: &[&[&str]] = &[
    &[
        "strongly disagree",
        "completely disagree",
        "disagree",
        "mostly disagree",
        "tend to disagree",
        "somewhat disagree",
        "slightly disagree",
        "neither agree nor disagree",
        "neither agree or disagree",
        "neutral",
        "undecided",
        "slightly agree",
        "somewhat agree",
        "tend to agree",
        "mostly agree",
        "agree",
        "strongly agree",
        "completely agree",
    ],
    &[
        "very dissatisfied",
        "extremely dissatisfied",
        "dissatisfied",
        "somewhat dissatisfied",
        "slightly dissatisfied",
        "not at all satisfied",
        "neither satisfied nor dissatisfied",
        "neither satisfied or dissatisfied",
        "neutral",
        "slightly satisfied",
        "somewhat satisfied",
        "moderately satisfied",
        "satisfied",
        "very satisfied",
        "extremely satisfied",
        "completely satisfied",
    ],
    &[
        "not at all important",
        "not important",
        "unimportant",
        "of little importance",
        "slightly important",
        "somewhat important",
        "moderately important",
        "neutral",
        "important",
        "very important",
        "extremely important",
        "critical",
    ],
    &[
        "never",
        "almost never",
        "rarely",
        "seldom",
        "occasionally",
        "sometimes",
        "often",
        "frequently",
        "usually",
        "very often",
        "almost always",
        "always",
    ],
    &[
        "never",
        "rarely",
        "less frequently",
        "less often",
        "less than once a year",
        "once a year",
        "yearly",
        "a few times a year",
        "every few months",
        "less than monthly",
        "less than once a month",
        "once a month",
        "monthly",
        "a few times a month",
        "2-3 times a month",
        "once a week",
        "weekly",
        "a few times a week",
        "several times a week",
        "most days",
        "daily",
        "every day",
        "several times a day",
        "multiple times a day",
        "multiple times per day",
        "hourly",
    ],
    &[
        "very unlikely",
        "extremely unlikely",
        "unlikely",
        "somewhat unlikely",
        "neither likely nor unlikely",
        "neutral",
        "somewhat likely",
        "likely",
        "very likely",
        "extremely likely",
    ],
    &["very poor", "poor", "fair", "average", "good", "very good", "excellent"],
    &[
        "not at all familiar",
        "not familiar",
        "slightly familiar",
        "somewhat familiar",
        "moderately familiar",
        "familiar",
        "very familiar",
        "extremely familiar",
    ],
    &[
        "none",
        "no experience",
        "beginner",
        "novice",
        "basic",
        "some experience",
        "intermediate",
        "proficient",
        "advanced",
        "expert",
    ],
    &[
        "very difficult",
        "difficult",
        "somewhat difficult",
        "neither easy nor difficult",
        "neutral",
        "somewhat easy",
        "easy",
        "very easy",
    ],
    &[
        "not at all",
        "a little",
        "slightly",
        "somewhat",
        "moderately",
        "quite a bit",
        "very much",
        "a lot",
        "a great deal",
        "extremely",
    ],
];

/// Whether an answer option stands outside any scale it is listed with ("Other (please
/// specify)", "Don't know", "Not applicable"): a list holding one is no scale to sum
/// the top of.
/// Whether answers on `labels` run from one pole through a midpoint to its opposite,
/// as agreement and satisfaction do: only such a scale is drawn as diverging bars,
/// whose axis reads "disagree" to the left and "agree" to the right. A frequency
/// ("Daily … Less frequently") or importance scale has no such midpoint.
pub fn is_bipolar<S: AsRef<str>>(labels: &[S]) -> bool {
    labels.iter().any(|l| {
        let n = normalize(l.as_ref());
        n.contains("agree") || n.contains("satisf")
    })
}

pub(crate) fn is_off_scale(option: &str) -> bool {
    let n = normalize(option);
    n.starts_with("other")
        || [
            "don't know",
            "dont know",
            "do not know",
            "not applicable",
            "n/a",
            "none of the above",
        ]
        .iter()
        .any(|&off| n == off || n.starts_with(&format!("{off} ")))
}

/// The scale holding every one of `normalized` values, with each value's position.
/// Needs at least two distinct values: one answer alone is no evidence of a scale.
pub(crate) fn common_scale(normalized: &[&str]) -> Option<Vec<usize>> {
    if normalized.len() < 2 {
        return None;
    }
    SCALES.iter().find_map(|scale| {
        normalized
            .iter()
            .map(|v| scale.iter().position(|point| point == v))
            .collect::<Option<Vec<usize>>>()
    })
}

/// Dates and timestamps as survey tools write them: `2024-03-01`, `2024-03-01
/// 14:05:09`, `2024-03-01T14:05:09Z`, `3/1/2024 14:05`, `2024/03/01 2:05:09 PM GMT`,
/// `01.03.2024`.
pub(crate) fn is_datetime(value: &str) -> bool {
    let v = value.trim();
    let Some(rest) = date_part(v) else {
        return false;
    };
    let rest = rest.trim_start_matches(['T', ' ']);
    if rest.is_empty() {
        // A two-digit year is a date only beside a time: `3/4/21` alone is a fraction.
        return !two_digit_year(v);
    }
    let Some(rest) = time_part(rest) else {
        return false;
    };
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix("AM")
        .or_else(|| rest.strip_prefix("PM"))
        .or_else(|| rest.strip_prefix("am"))
        .or_else(|| rest.strip_prefix("pm"))
        .unwrap_or(rest)
        .trim_start();
    rest.is_empty() || rest == "Z" || is_zone(rest)
}

/// A time zone as exports write one: a short name (`GMT`, `CET`), an offset (`+01:00`,
/// `+0100`, `-3`), or both (`GMT+1`, `GMT+5:30`, `UTC-03:00`).
fn is_zone(zone: &str) -> bool {
    let name_len = zone.bytes().take_while(u8::is_ascii_uppercase).count();
    let offset = &zone[name_len..];
    if name_len > 5 {
        return false;
    }
    let Some(offset) = offset.strip_prefix(['+', '-']) else {
        return name_len > 0 && offset.is_empty();
    };
    let Some((hours, n, rest)) = digits(offset, 1, 4) else {
        return false;
    };
    match (n, rest) {
        (1 | 2, "") => hours <= 14,
        (4, "") => hours / 100 <= 14 && hours % 100 < 60,
        (1 | 2, rest) => {
            hours <= 14
                && rest
                    .strip_prefix(':')
                    .and_then(|m| digits(m, 2, 2))
                    .is_some_and(|(m, _, r)| m < 60 && r.is_empty())
        }
        _ => false,
    }
}

/// Whether a date is written day and month first with a two-digit year (`3/4/21`).
fn two_digit_year(v: &str) -> bool {
    let date = v.split([' ', 'T']).next().unwrap_or(v);
    date.rsplit(['/', '-', '.']).next().is_some_and(|y| y.len() == 2)
        && date.split(['/', '-', '.']).next().is_some_and(|d| d.len() <= 2)
}

/// Between `min` and `max` leading digits: their value, how many, and the rest.
fn digits(s: &str, min: usize, max: usize) -> Option<(u32, usize, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return None;
    }
    Some((s[..n].parse().ok()?, n, &s[n..]))
}

/// A date with `-`, `/` or `.`: year first (`2024-03-01`), or day and month first in
/// either order with a four-digit year (`3/1/2024`, `01.03.2024`).
fn date_part(v: &str) -> Option<&str> {
    let (a, a_len, rest) = digits(v, 1, 4)?;
    let sep = rest.chars().next().filter(|c| matches!(c, '-' | '/' | '.'))?;
    let (b, _, rest) = digits(&rest[1..], 1, 2)?;
    let rest = rest.strip_prefix(sep)?;
    let (c, c_len, rest) = digits(rest, 1, 4)?;
    let fits = if a_len == 4 {
        (1..=12).contains(&b) && (1..=31).contains(&c) && c_len <= 2
    } else {
        // A two-digit year (`3/4/21`, a spreadsheet's re-save) only with `/`; the caller
        // accepts it only with a time after it.
        (c_len == 4 || (c_len == 2 && sep == '/')) && a.min(b) >= 1 && a.min(b) <= 12 && a.max(b) <= 31 && a_len <= 2
    };
    (fits && rest.chars().next().is_none_or(|c| c == 'T' || c == ' ')).then_some(rest)
}

fn time_part(v: &str) -> Option<&str> {
    let (h, _, rest) = digits(v, 1, 2)?;
    let (m, _, mut rest) = digits(rest.strip_prefix(':')?, 2, 2)?;
    if let Some(r) = rest.strip_prefix(':') {
        let (_, _, r) = digits(r, 2, 2)?;
        rest = r;
        if let Some(r) = rest.strip_prefix('.') {
            let (_, _, r) = digits(r, 1, 9)?;
            rest = r;
        }
    }
    (h < 24 && m < 60).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_agreement_and_satisfaction_scales_are_bipolar() {
        assert!(is_bipolar(&["Strongly disagree", "Neutral", "Agree"]));
        assert!(is_bipolar(&["Very dissatisfied", "Satisfied"]));
        assert!(!is_bipolar(&["Daily", "Weekly", "Monthly", "Less frequently"]));
        assert!(!is_bipolar(&["Never", "Sometimes", "Always"]));
    }

    #[test]
    fn normalize_lowercases_and_straightens_ascii_and_unicode_alike() {
        assert_eq!(normalize("  Prefer NOT to Answer "), "prefer not to answer");
        assert_eq!(normalize("I\u{2019}d rather not say"), "i'd rather not say");
        assert_eq!(normalize("1\u{2013}2 Years"), "1-2 years");
        assert_eq!(normalize("ÉCOLE"), "école");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn ranges_sort_by_bound_then_kind() {
        let answers = [
            "10+ years",
            "1-2 years",
            "Less than 1 year",
            "3 - 5 years",
            "6 to 10 years",
        ];
        let mut keyed: Vec<(RangeKey, &str)> = answers.iter().map(|a| (range_key(a).unwrap(), *a)).collect();
        keyed.sort_by(|x, y| x.0.partial_cmp(&y.0).unwrap());
        let order: Vec<&str> = keyed.iter().map(|k| k.1).collect();
        assert_eq!(
            order,
            [
                "Less than 1 year",
                "1-2 years",
                "3 - 5 years",
                "6 to 10 years",
                "10+ years"
            ]
        );
        assert_eq!(range_key("$50,000 - $74,999").unwrap().value, 50000.0);
        assert_eq!(range_key("65 or older").unwrap().marker, Marker::Above);
        assert_eq!(range_key("Under 18").unwrap().marker, Marker::Below);
        assert!(range_key("Python 3").is_none());
        assert!(range_key("3 apples and 2 pears").is_none());
    }

    #[test]
    fn top_codes_and_numbers() {
        assert!(is_top_code("> 40"));
        assert!(is_top_code("40+"));
        assert!(is_top_code("100 or more"));
        assert!(!is_top_code("40"));
        assert!(!is_top_code("20-30"));
        assert_eq!(parse_number(" 4.5 "), Some(4.5));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("12 years"), None);
    }

    #[test]
    fn dates_and_times() {
        for ok in [
            "2024-03-01",
            "2024-03-01 14:05:09",
            "2024-03-01T14:05:09.123Z",
            "3/1/2024 14:05",
            "2024/03/01 2:05:09 PM GMT",
            "01.03.2024",
            "2024-03-01 14:05:09 +01:00",
            // Google Forms in zones a whole hour off GMT, or not.
            "2021/03/04 10:00:00 PM GMT+5:30",
            "2021/03/04 10:00:00 AM GMT-03:00",
            "2021/03/04 10:00:00 AM UTC+1",
            "2024-03-01 14:05:09 +0100",
            // A spreadsheet's re-save: a two-digit year, always with a time.
            "3/4/21 10:00",
            "03/04/21 10:00:00 AM",
        ] {
            assert!(is_datetime(ok), "{ok}");
        }
        for bad in [
            "2024",
            "1-2",
            "13/13/2024",
            "3/1/2024 lunch",
            "2024-03-01 25:00",
            "3/4/21",
            "1/2/3 10:00",
            "2024-03-01 14:05 GMT+25",
            "2024-03-01 14:05 GMT+5:3",
        ] {
            assert!(!is_datetime(bad), "{bad}");
        }
    }

    #[test]
    fn scales_need_two_points_on_one_scale() {
        assert_eq!(common_scale(&["agree", "strongly disagree"]), Some(vec![15, 0]));
        assert_eq!(common_scale(&["agree"]), None);
        assert_eq!(common_scale(&["agree", "daily"]), None);
        assert!(common_scale(&["daily", "weekly", "monthly", "rarely"]).is_some());
    }
}

//! Reading the header rows: how many there are, each column's id and question text,
//! which columns belong together, and which are survey-platform bookkeeping.
//!
//! Layouts recognised, from the first three records:
//!
//! - one header row (spreadsheets, Google Forms, LimeSurvey, KoboToolbox);
//! - Qualtrics: ids, question text, and a third row of `{"ImportId":...}` JSON; the
//!   legacy export has only the first two, with `V1`/`ResponseID` ids;
//! - SurveyMonkey: a question row whose cells span several columns (the question is
//!   written once, the rest left blank) and a row of sub-options ("Response",
//!   "Open-Ended Response", an option or a grid item).
//!
//! Columns are grouped by their names: `Question [Item]` (Google Forms grids,
//! LimeSurvey `Q1[SQ001]`), `q/option` (Kobo/ODK), `Q5_1` (Qualtrics), dotted ids
//! such as `priorities.website`, and SurveyMonkey spans. Bracket and SurveyMonkey groups are firm: the file says they belong
//! together. The others are hints that `group` confirms only if the cells agree (all
//! 0/1, all ranks, or one shared scale). This module never looks at data rows.

/// What a column is to the survey platform rather than to the respondent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Identifies a person or a response: ids, e-mail, IP address, names, location.
    Identifying,
    /// When the response was made.
    Timestamp,
    /// Platform bookkeeping: progress, duration, status, language.
    Administrative,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupHint {
    /// Shared by the columns of one group; unique per group.
    pub key: String,
    /// The group's question: text when the header has it, else the shared id part.
    pub name: String,
    /// This column's item or option label within the group.
    pub item: String,
    /// Whether the header layout itself says the columns belong together.
    pub firm: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnHead {
    pub id: String,
    pub text: String,
    pub group: Option<GroupHint>,
    pub role: Option<Role>,
    /// The layout marks the column as typed-in text: a Qualtrics `_TEXT` import id or
    /// a SurveyMonkey "Open-Ended Response".
    pub free_text: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub rows: usize,
    pub layout: &'static str,
    pub columns: Vec<ColumnHead>,
}

/// Reads the layout from up to the first three records.
pub(crate) fn read_header(first: &[Vec<String>]) -> Header {
    let row = |r: usize| first.get(r).map(Vec::as_slice).unwrap_or(&[]);
    let n_cols = row(0).len();
    let cell = |r: usize, c: usize| row(r).get(c).map(|s| s.trim()).unwrap_or("");

    let import_ids = row(2).iter().filter(|c| !c.trim().is_empty()).count();
    let qualtrics_3 = first.len() >= 3
        && import_ids > 0
        && row(2)
            .iter()
            .filter(|c| !c.trim().is_empty())
            .all(|c| c.trim_start().starts_with("{\"ImportId\""));
    let qualtrics_2 = !qualtrics_3
        && first.len() >= 2
        && matches!(cell(0, 0), "V1" | "ResponseID" | "ResponseId")
        && row(1).iter().any(|c| matches!(c.trim(), "ResponseID" | "Response ID"));
    let survey_monkey = !qualtrics_3
        && !qualtrics_2
        && first.len() >= 2
        && row(1)
            .iter()
            .any(|c| matches!(c.trim(), "Response" | "Open-Ended Response"))
        && (0..n_cols).any(|c| cell(0, c).is_empty() && !cell(1, c).is_empty());

    let (rows, layout, mut columns) = if qualtrics_3 || qualtrics_2 {
        let columns = (0..n_cols)
            .map(|c| {
                let mut h = head(cell(0, c), cell(1, c), c);
                h.free_text = h.id.ends_with("_TEXT") || (qualtrics_3 && cell(2, c).contains("_TEXT\""));
                h
            })
            .collect();
        let layout = if qualtrics_3 { "qualtrics" } else { "qualtrics-legacy" };
        (if qualtrics_3 { 3 } else { 2 }, layout, columns)
    } else if survey_monkey {
        (2, "surveymonkey", survey_monkey_columns(row(0), row(1)))
    } else {
        let columns = (0..n_cols).map(|c| head(cell(0, c), cell(0, c), c)).collect();
        (1, "one-row", columns)
    };
    unique_ids(&mut columns);
    if layout != "surveymonkey" {
        hint_groups(&mut columns);
    }
    for column in &mut columns {
        column.role = role_of(&column.id).or_else(|| role_of(&column.text));
    }
    Header { rows, layout, columns }
}

fn head(id: &str, text: &str, col_idx: usize) -> ColumnHead {
    let id = if id.is_empty() {
        format!("column_{}", col_idx + 1)
    } else {
        id.to_string()
    };
    ColumnHead {
        text: if text.is_empty() { id.clone() } else { text.to_string() },
        id,
        group: None,
        role: None,
        free_text: false,
    }
}

/// SurveyMonkey writes a question once over the columns of its options or items.
fn survey_monkey_columns(questions: &[String], subs: &[String]) -> Vec<ColumnHead> {
    let n_cols = questions.len();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (c, question) in questions.iter().enumerate() {
        if c == 0 || !question.trim().is_empty() {
            spans.push((c, c + 1));
        } else if let Some(last) = spans.last_mut() {
            last.1 = c + 1;
        }
    }
    let mut columns = Vec::with_capacity(n_cols);
    for (start, end) in spans {
        let question = questions[start].trim();
        for c in start..end {
            let sub = subs.get(c).map(|s| s.trim()).unwrap_or("");
            let generic = sub.is_empty() || sub == "Response" || sub == "Open-Ended Response";
            if end - start == 1 {
                let mut h = head(question, question, c);
                h.free_text = sub == "Open-Ended Response";
                if !generic {
                    h.text = format!("{question} [{sub}]");
                    h.id = h.text.clone();
                }
                columns.push(h);
            } else {
                let item = if sub.is_empty() {
                    format!("{}", c - start + 1)
                } else {
                    sub.to_string()
                };
                let label = format!("{question} [{item}]");
                columns.push(ColumnHead {
                    id: label.clone(),
                    text: label,
                    group: Some(GroupHint {
                        key: question.to_string(),
                        name: question.to_string(),
                        item,
                        firm: true,
                    }),
                    role: None,
                    free_text: sub == "Open-Ended Response",
                });
            }
        }
    }
    columns
}

/// Gives repeated ids a numbered suffix so every question can be named.
fn unique_ids(columns: &mut [ColumnHead]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for column in columns.iter_mut() {
        let n = seen.entry(column.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            column.id = format!("{} ({n})", column.id);
        }
    }
}

/// Splits a header into a group part and an item, by the conventions of each tool.
pub(crate) fn split_name(id: &str) -> Option<(&str, &str, bool)> {
    // `Question [Item]`, `Q1[SQ001]`.
    if let Some(inner) = id.strip_suffix(']') {
        if let Some(open) = inner.rfind('[') {
            let (stem, item) = (inner[..open].trim_end(), &inner[open + 1..]);
            if !stem.is_empty() && !item.trim().is_empty() {
                return Some((stem, item.trim(), true));
            }
        }
    }
    // Kobo/ODK `question/option`.
    if let Some((stem, item)) = id.rsplit_once('/') {
        if !stem.is_empty() && !item.is_empty() && !id.contains(' ') {
            return Some((stem, item, false));
        }
    }
    // Dotted ids such as `priorities.website`.
    if let Some((stem, item)) = id.rsplit_once('.') {
        if !stem.is_empty() && !item.is_empty() && !id.contains(' ') {
            return Some((stem, item, false));
        }
    }
    // Qualtrics `Q5_1`.
    if let Some((stem, item)) = id.rsplit_once('_') {
        if !stem.is_empty() && !item.is_empty() && item.bytes().all(|b| b.is_ascii_digit()) {
            return Some((stem, item, false));
        }
    }
    None
}

/// Marks runs of neighbouring columns that share a group part as a group.
fn hint_groups(columns: &mut [ColumnHead]) {
    let parts: Vec<Option<(String, String, bool)>> = columns
        .iter()
        .map(|c| split_name(&c.id).map(|(s, i, f)| (s.to_string(), i.to_string(), f)))
        .collect();
    let mut start = 0;
    while start < columns.len() {
        let Some((stem, _, firm)) = &parts[start] else {
            start += 1;
            continue;
        };
        let mut end = start + 1;
        while end < columns.len() && parts[end].as_ref().is_some_and(|(s, _, _)| s == stem) {
            end += 1;
        }
        if end - start >= 2 {
            // Qualtrics writes "Question - Item" as the text of each item's column.
            let name = columns[start]
                .text
                .rsplit_once(" - ")
                .filter(|_| columns[start].text != columns[start].id)
                .map(|(q, _)| q.trim().to_string())
                .unwrap_or_else(|| stem.clone());
            for c in start..end {
                let (_, item, _) = parts[c].clone().unwrap_or_default();
                let item = if columns[c].text != columns[c].id {
                    columns[c]
                        .text
                        .rsplit_once(" - ")
                        .map(|(_, i)| i.trim().to_string())
                        .unwrap_or(item)
                } else {
                    item
                };
                columns[c].group = Some(GroupHint {
                    key: stem.clone(),
                    name: name.clone(),
                    item,
                    firm: *firm,
                });
            }
        }
        start = end;
    }
}

/// Recognises platform columns by their header, compared without case, spaces,
/// underscores, hyphens or dots.
pub(crate) fn role_of(header: &str) -> Option<Role> {
    let key: String = header
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '/' | '(' | ')'))
        .flat_map(char::to_lowercase)
        .collect();
    const IDENTIFYING: &[&str] = &[
        "responseid",
        "respondentid",
        "id",
        "uuid",
        "instanceid",
        "metainstanceid",
        "formhubuuid",
        "collectorid",
        "ipaddress",
        "ip",
        "email",
        "emailaddress",
        "recipientemail",
        "recipientfirstname",
        "recipientlastname",
        "firstname",
        "lastname",
        "name",
        "fullname",
        "externalreference",
        "externaldatareference",
        "externalref",
        "locationlatitude",
        "locationlongitude",
        "latitude",
        "longitude",
        "gps",
        "token",
        "seed",
        "refurl",
        "deviceid",
        "phonenumber",
        "phone",
        "telephone",
        "mobilenumber",
        "recipientname",
        "respondentname",
        "yourname",
        "lat",
        "lon",
        "lng",
        "geolocation",
        "submittedby",
        "username",
        "index",
        "parentindex",
    ];
    const TIMESTAMP: &[&str] = &[
        "startdate",
        "enddate",
        "recordeddate",
        "timestamp",
        "submitdate",
        "datesubmitted",
        "datestamp",
        "startdatetime",
        "starttime",
        "endtime",
        "start",
        "end",
        "today",
        "submissiontime",
        "datelastaction",
        "datelastmodified",
    ];
    const ADMINISTRATIVE: &[&str] = &[
        "status",
        "progress",
        "duration",
        "durationinseconds",
        "durationinsec",
        "finished",
        "distributionchannel",
        "userlanguage",
        "lastpage",
        "startlanguage",
        "responseset",
        "version",
        "validationstatus",
        "notes",
        "tags",
        "xformidstring",
        "customdata",
        "customdata1",
        "interviewtime",
        "qrecaptchascore",
        "qrelevantidduplicate",
        "qrelevantidduplicatescore",
        "qrelevantidfraudscore",
        "qrelevantidlaststartdate",
    ];
    if IDENTIFYING.contains(&key.as_str()) {
        Some(Role::Identifying)
    } else if TIMESTAMP.contains(&key.as_str()) {
        Some(Role::Timestamp)
    } else if ADMINISTRATIVE.contains(&key.as_str()) {
        Some(Role::Administrative)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[&[&str]]) -> Vec<Vec<String>> {
        text.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect()
    }

    #[test]
    fn qualtrics_three_rows_give_ids_text_and_groups() {
        let h = read_header(&rows(&[
            &["ResponseId", "Q1", "Q2_1", "Q2_2"],
            &["Response ID", "Age?", "Rate - Speed", "Rate - Docs"],
            &[
                "{\"ImportId\":\"_recordId\"}",
                "{\"ImportId\":\"QID1\"}",
                "{\"ImportId\":\"QID2_1\"}",
                "{\"ImportId\":\"QID2_2\"}",
            ],
            &["R_1", "30", "Good", "Poor"],
        ]));
        assert_eq!((h.rows, h.layout), (3, "qualtrics"));
        assert_eq!(h.columns[0].role, Some(Role::Identifying));
        assert_eq!(h.columns[1].text, "Age?");
        let g = h.columns[3].group.as_ref().unwrap();
        assert_eq!(
            (g.key.as_str(), g.name.as_str(), g.item.as_str(), g.firm),
            ("Q2", "Rate", "Docs", false)
        );
    }

    #[test]
    fn survey_monkey_spans_become_firm_groups() {
        let h = read_header(&rows(&[
            &["Respondent ID", "Which tools?", "", "Age"],
            &["", "NumPy", "pandas", "Response"],
            &["1", "NumPy", "", "30"],
        ]));
        assert_eq!((h.rows, h.layout), (2, "surveymonkey"));
        let ids: Vec<&str> = h.columns.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            ["Respondent ID", "Which tools? [NumPy]", "Which tools? [pandas]", "Age"]
        );
        assert_eq!(h.columns[2].group.as_ref().unwrap().item, "pandas");
        assert!(h.columns[3].group.is_none());
    }

    #[test]
    fn one_row_layouts_group_by_brackets_slashes_and_suffixes() {
        let h = read_header(&rows(&[
            &[
                "Timestamp",
                "Rate [Speed]",
                "Rate [Docs]",
                "fruit/apple",
                "fruit/pear",
                "Q1[SQ001]",
                "Alone [x]",
            ],
            &["2024/01/01 10:00:00", "Good", "Poor", "1", "0", "Y", "z"],
        ]));
        assert_eq!(h.rows, 1);
        assert_eq!(h.columns[0].role, Some(Role::Timestamp));
        let keys: Vec<Option<(&str, &str, bool)>> = h
            .columns
            .iter()
            .map(|c| c.group.as_ref().map(|g| (g.key.as_str(), g.item.as_str(), g.firm)))
            .collect();
        assert_eq!(
            keys,
            [
                None,
                Some(("Rate", "Speed", true)),
                Some(("Rate", "Docs", true)),
                Some(("fruit", "apple", false)),
                Some(("fruit", "pear", false)),
                None,
                None
            ]
        );
    }
}

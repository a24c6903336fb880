//! What each question is to a release, suggested from the file and overridable.
//!
//! - *identifying*: the loader's identifying flags (e-mail and IP addresses, names,
//!   ids, locations, phone numbers), platform bookkeeping, and dates and times of
//!   answering. Never released.
//! - *free text*: withheld unless the team has curated it and names it (`--curated`).
//! - *quasi-identifier*: a demographic an outsider could know about a person (age,
//!   gender, country or region, role or job, education or degree, years of
//!   experience), found by the words of its id and text, by answers that are age
//!   bands or genders, or by a codebook's `country` kind, within the codebook's or the
//!   ids' demographics section when there is one. Synthesised first and used to
//!   measure risk.
//! - *answer*: everything else that can be synthesised.
//! - *withheld*: a column that cannot be synthesised meaningfully or safely (no
//!   answers, one answer for everyone, fewer answers than a leaf's minimum, or every
//!   answer different), or one the team names (`--withhold`).
//!
//! Every role carries its reason in words, for the roles table and the manifest.

use canvass_core::codebook::Codebook;
use canvass_core::dataset::{Column, Dataset, NumericCell, QuestionKind};
use canvass_core::Loaded;
use serde::Serialize;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Identifying,
    FreeText,
    Quasi,
    Answer,
    Withheld,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Identifying => "identifying",
            Role::FreeText => "free text",
            Role::Quasi => "quasi-identifier",
            Role::Answer => "answer",
            Role::Withheld => "withheld",
        }
    }
}

/// One question's role in a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnRole {
    pub question: String,
    #[serde(skip)]
    pub question_idx: usize,
    pub role: Role,
    /// Whether it is synthesised and written (answers, quasi-identifiers, curated text).
    pub released: bool,
    pub reason: String,
    /// Distinct write-in answers ("other, please specify" text kept as options) of a
    /// single-choice or multi-select question; see `write_ins`.
    pub write_ins: usize,
    /// The write-ins are released: the team curated them (`--curated`).
    pub write_ins_curated: bool,
}

/// Words that mark a demographic question, matched against whole words of its id
/// and text.
const QUASI_WORDS: &[&str] = &[
    "age",
    "gender",
    "sex",
    "country",
    "region",
    "residence",
    "nationality",
    "role",
    "job",
    "occupation",
    "profession",
    "position",
    "education",
    "degree",
    "qualification",
    "experience",
];

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

fn section_of(id: &str, codebook: Option<&Codebook>) -> String {
    match codebook.and_then(|cb| cb.question(id)) {
        Some(q) if !q.section.is_empty() => q.section.to_lowercase(),
        _ => id.split_once('.').map(|(s, _)| s.to_lowercase()).unwrap_or_default(),
    }
}

/// The suggested role of every question of a loaded file.
pub fn suggest(loaded: &Loaded, codebook: Option<&Codebook>, min_leaf: usize) -> Vec<ColumnRole> {
    let ds = &loaded.dataset;
    let has_demographics = ds
        .questions()
        .iter()
        .any(|q| section_of(&q.id, codebook).contains("demograph"));
    ds.questions()
        .iter()
        .enumerate()
        .map(|(idx, q)| {
            let (role, reason) = if loaded.identifying.get(idx).copied().unwrap_or(false) {
                (
                    Role::Identifying,
                    "identifies respondents (e-mail or IP address, name, id, location or phone)".to_string(),
                )
            } else if q.kind == QuestionKind::Identifier {
                (
                    Role::Identifying,
                    "platform bookkeeping or an id, not an answer".to_string(),
                )
            } else if q.kind == QuestionKind::Datetime {
                (
                    Role::Identifying,
                    "when the response was made, which can single a respondent out".to_string(),
                )
            } else if numbers_every_respondent(&q.column, min_leaf) {
                (
                    Role::Identifying,
                    "every answer is a different whole number, as a respondent's id or row number is".to_string(),
                )
            } else if let Some(why) = unusable(ds, idx, min_leaf) {
                (Role::Withheld, why)
            } else if q.kind == QuestionKind::Text {
                let unique = distinct_answers(&q.column) == q.answered();
                let reason = if unique {
                    "free text in which every answer is different, withheld unless curated and named with --curated"
                } else {
                    "free text, withheld unless curated and named with --curated"
                };
                (Role::FreeText, reason.to_string())
            } else if looks_quasi(q, codebook, has_demographics) {
                (
                    Role::Quasi,
                    "a demographic an outsider could know (found by its words or answers)".to_string(),
                )
            } else {
                (Role::Answer, "an answer, synthesised".to_string())
            };
            ColumnRole {
                question: q.id.clone(),
                question_idx: idx,
                released: matches!(role, Role::Quasi | Role::Answer),
                role,
                reason,
                write_ins: 0,
                write_ins_curated: false,
            }
        })
        .collect()
}

fn looks_quasi(q: &canvass_core::Question, codebook: Option<&Codebook>, has_demographics: bool) -> bool {
    let id = q.id.as_str();
    if has_demographics && !section_of(id, codebook).contains("demograph") {
        return false;
    }
    if codebook
        .and_then(|cb| cb.question(id))
        .is_some_and(|cq| cq.kind == canvass_core::codebook::Kind::Country)
    {
        return true;
    }
    let tail = id.rsplit_once('.').map_or(id, |(_, t)| t);
    let mut found: Vec<String> = words(tail);
    found.extend(words(&q.text));
    // "experience" counts only with years: "How often do you use it?" is no demographic.
    let experience = found.iter().any(|w| w == "experience" || w == "exp")
        && (found.iter().any(|w| w == "years" || w == "year") || tail.ends_with("exp"));
    experience
        || found
            .iter()
            .any(|w| w != "experience" && QUASI_WORDS.contains(&w.as_str()))
        || answers_look_demographic(q)
}

/// Answers that are age bands ("18-24", "65+", "Under 18") or genders, whatever the
/// header says.
fn answers_look_demographic(q: &canvass_core::Question) -> bool {
    let Column::Categorical(c) = &q.column else {
        return false;
    };
    let levels = c.levels();
    if levels.len() < 2 {
        return false;
    }
    let age_band = |l: &str| {
        let l = l.trim().to_lowercase();
        let digits_dash_digits = {
            let parts: Vec<&str> = l.split(['-', '–']).map(str::trim).collect();
            parts.len() == 2
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|ch| ch.is_ascii_digit()))
        };
        let plus = l
            .strip_suffix('+')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|ch| ch.is_ascii_digit()));
        let under_over = (l.starts_with("under ") || l.starts_with("over ")) && l.chars().any(|ch| ch.is_ascii_digit());
        digits_dash_digits || plus || under_over
    };
    let gender = |l: &str| {
        matches!(
            l.trim().to_lowercase().as_str(),
            "male" | "female" | "man" | "woman" | "non-binary" | "nonbinary"
        )
    };
    let bands = levels.iter().filter(|l| age_band(l)).count();
    let genders = levels.iter().filter(|l| gender(l)).count();
    2 * bands > levels.len() || genders >= 2
}

/// Why a question cannot be synthesised, if it cannot.
fn unusable(ds: &Dataset, idx: usize, min_leaf: usize) -> Option<String> {
    let q = &ds.questions()[idx];
    let answered = q.answered();
    if answered == 0 {
        return Some("no respondent answered it, so there is nothing to synthesise".into());
    }
    if answered < min_leaf.max(2) {
        return Some(format!(
            "only {answered} respondent{} answered it, fewer than a leaf's minimum of {min_leaf}",
            if answered == 1 { "" } else { "s" }
        ));
    }
    let distinct = distinct_answers(&q.column);
    if distinct == 1 && !matches!(q.column, Column::Multi(_)) {
        return Some("everyone who answered gave the same answer, so it tells nothing".into());
    }
    // Free text is expected to differ from one respondent to the next: its role says so.
    if distinct == answered && answered > min_leaf && matches!(q.column, Column::Categorical(_)) {
        return Some("every answer is different, so each one would point at a respondent".into());
    }
    None
}

/// A numeric column whose answers are all different whole numbers is a key (an SPSS or
/// Stata file's `id`, a row number), not a measurement: ages, counts and scales repeat
/// long before `min_leaf` respondents.
fn numbers_every_respondent(column: &Column, min_leaf: usize) -> bool {
    let Column::Numeric(n) = column else {
        return false;
    };
    let mut seen = HashSet::new();
    for cell in n.cells() {
        match cell {
            NumericCell::Value(v) if v.fract() == 0.0 => {
                if !seen.insert(v.to_bits()) {
                    return false;
                }
            }
            NumericCell::Missing(_) => {}
            _ => return false,
        }
    }
    seen.len() > min_leaf
}

fn distinct_answers(column: &Column) -> usize {
    match column {
        Column::Categorical(c) => {
            let mut seen = HashSet::new();
            for &code in c.codes() {
                if let canvass_core::dataset::CategoricalCell::Level(l) =
                    canvass_core::dataset::Categorical::decode(code)
                {
                    seen.insert(l);
                }
            }
            seen.len()
        }
        Column::Multi(m) => m.options().len(),
        Column::Numeric(n) => {
            let mut seen = HashSet::new();
            for cell in n.cells() {
                match cell {
                    NumericCell::Value(v) => {
                        seen.insert(v.to_bits());
                    }
                    NumericCell::Coded(i) => {
                        seen.insert(u64::MAX - *i as u64);
                    }
                    NumericCell::Missing(_) => {}
                }
            }
            seen.len()
        }
        Column::Text(t) => {
            let mut seen = HashSet::new();
            for r in 0..t.len() {
                let v = t.get(r).trim();
                if !v.is_empty() {
                    seen.insert(v);
                }
            }
            seen.len()
        }
    }
}

/// The team's changes to the suggested roles, by question id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Quasi-identifiers; when given, replaces the suggested ones.
    pub quasi: Option<Vec<String>>,
    pub withhold: Vec<String>,
    pub curated: Vec<String>,
}

/// Applies the team's overrides; an id that names no question, or asks for something
/// that cannot be, is an error in a sentence.
pub fn apply(mut roles: Vec<ColumnRole>, overrides: &Overrides) -> Result<Vec<ColumnRole>, String> {
    let find = |roles: &[ColumnRole], id: &str, option: &str| -> Result<usize, String> {
        roles.iter().position(|r| r.question == id).ok_or_else(|| {
            let known: Vec<&str> = roles.iter().take(8).map(|r| r.question.as_str()).collect();
            format!(
                "{option} names {id:?}, which is no question of the file; the questions begin {}",
                known.join(", ")
            )
        })
    };
    if let Some(quasi) = &overrides.quasi {
        let mut chosen = Vec::new();
        for id in quasi {
            let at = find(&roles, id, "--quasi")?;
            match roles[at].role {
                Role::Identifying | Role::FreeText => {
                    return Err(format!(
                        "--quasi names {id:?}, which is {} and cannot be synthesised as a quasi-identifier; name a demographic question instead",
                        roles[at].role.as_str()
                    ))
                }
                Role::Withheld => {
                    return Err(format!(
                        "--quasi names {id:?}, which cannot be synthesised: {}",
                        roles[at].reason
                    ))
                }
                _ => chosen.push(at),
            }
        }
        for (i, r) in roles.iter_mut().enumerate() {
            if r.role == Role::Quasi && !chosen.contains(&i) {
                r.role = Role::Answer;
                r.reason = "an answer, synthesised (not named with --quasi)".into();
            }
        }
        for at in chosen {
            roles[at].role = Role::Quasi;
            roles[at].released = true;
            roles[at].reason = "a quasi-identifier named with --quasi".into();
        }
    }
    for id in &overrides.curated {
        let at = find(&roles, id, "--curated")?;
        let r = &mut roles[at];
        if r.write_ins > 0 && matches!(r.role, Role::Quasi | Role::Answer) {
            r.write_ins_curated = true;
            continue;
        }
        if r.role != Role::FreeText {
            return Err(format!(
                "--curated names {id:?}, which is not free text but {} and has no write-in answers; \
                 --curated is for free-text answers the team has checked",
                r.role.as_str()
            ));
        }
        r.released = true;
        r.reason = "free text the team has curated (--curated)".into();
    }
    for id in &overrides.withhold {
        let at = find(&roles, id, "--withhold")?;
        roles[at].role = Role::Withheld;
        roles[at].released = false;
        roles[at].reason = "withheld by the team (--withhold)".into();
    }
    for r in roles.iter_mut().filter(|r| r.released && r.write_ins > 0) {
        let n = r.write_ins;
        let s = if n == 1 { "" } else { "s" };
        r.reason = if r.write_ins_curated {
            format!(
                "{}; its {n} write-in answer{s} curated (--curated) and released",
                r.reason
            )
        } else {
            format!(
                "{}; {n} write-in answer{s} of {} withheld as free text (name it with --curated once checked)",
                r.reason, r.question
            )
        };
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use canvass_core::{load, LoadOptions};

    fn roles_of(csv: &str) -> Vec<(String, Role)> {
        let loaded = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
        suggest(&loaded, None, 5)
            .into_iter()
            .map(|r| (r.question, r.role))
            .collect()
    }

    #[test]
    fn demographics_are_found_by_words_and_by_answers() {
        let mut csv = String::from("Q1,Q2,What is your job title?,How often do you code?,email\n");
        let bands = ["18-24", "25-34", "35-44", "65+"];
        let genders = ["Male", "Female", "Non-binary"];
        let jobs = ["Engineer", "Student", "Scientist"];
        let often = ["Daily", "Weekly", "Monthly", "Never"];
        for i in 0..60 {
            csv.push_str(&format!(
                "{},{},{},{},p{i}@example.org\n",
                bands[i % 4],
                genders[i % 3],
                jobs[(i / 2) % 3],
                often[(i / 3) % 4]
            ));
        }
        let roles = roles_of(&csv);
        let role = |id: &str| roles.iter().find(|(q, _)| q == id).unwrap().1;
        assert_eq!(role("Q1"), Role::Quasi, "age bands");
        assert_eq!(role("Q2"), Role::Quasi, "genders");
        assert_eq!(role("What is your job title?"), Role::Quasi, "by its words");
        assert_eq!(role("How often do you code?"), Role::Answer);
        assert_eq!(role("email"), Role::Identifying);
    }

    #[test]
    fn overrides_change_roles_and_refuse_what_cannot_be() {
        let mut csv = String::from("colour,comment\n");
        for i in 0..60 {
            csv.push_str(&format!("{},note {i}\n", ["red", "blue", "green"][i % 3]));
        }
        let loaded = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
        let roles = suggest(&loaded, None, 5);
        let changed = apply(
            roles.clone(),
            &Overrides {
                quasi: Some(vec!["colour".into()]),
                curated: vec!["comment".into()],
                withhold: Vec::new(),
            },
        )
        .unwrap();
        assert_eq!(changed[0].role, Role::Quasi);
        assert!(changed[1].released && changed[1].role == Role::FreeText);
        let withheld = apply(
            roles.clone(),
            &Overrides {
                withhold: vec!["colour".into()],
                ..Overrides::default()
            },
        )
        .unwrap();
        assert!(!withheld[0].released && withheld[0].reason.contains("--withhold"));
        let err = apply(
            roles,
            &Overrides {
                withhold: vec!["size".into()],
                ..Overrides::default()
            },
        )
        .unwrap_err();
        assert!(err.contains("--withhold names \"size\", which is no question"), "{err}");
    }
}

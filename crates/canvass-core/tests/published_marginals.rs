//! What the NumPy team published stays visible. `data/numpy-survey-2020-marginals.tsv`
//! lists the options of the 2020 survey's published report and web pages; every
//! option of a single-choice question that the release gives 10 or more respondents
//! must be shown in the release's one-question view at k = 10, unless protecting a
//! smaller option of the same table needs it withheld. Then it must be the cheapest
//! such complement: no shown option with fewer respondents protects the small ones
//! alone in its place, as the exact attacker of `audit/mod.rs` judges.

mod audit;

use audit::{freq_pair, numpy, publish_freq, Audit, Forced, FreqIds, K};

/// (question id, option) of every published option of a single-choice question.
fn published_options() -> Vec<(String, String)> {
    let text = include_str!("data/numpy-survey-2020-marginals.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (id, kind, option) = (col("question_id"), col("question_type"), col("option"));
    let (pdf, web) = (col("published_percent"), col("web_percent"));
    lines
        .map(|l| l.split('\t').collect::<Vec<&str>>())
        .filter(|f| f[kind].starts_with("single choice") || f[kind].starts_with("ordinal"))
        .filter(|f| !f[pdf].is_empty() || !f[web].is_empty())
        .map(|f| (f[id].to_string(), f[option].to_string()))
        .collect()
}

#[test]
fn published_options_of_ten_or_more_are_shown_or_the_cheapest_complement() {
    let ds = numpy();
    let (mut checked, mut unmatched) = (0, Vec::new());
    let mut withheld_report = Vec::new();
    let mut failures = Vec::new();
    let mut last_question = String::new();
    let mut table: Option<(Audit, FreqIds, Vec<String>)> = None;
    for (question, option) in published_options() {
        if ds.find(&question).is_none() {
            unmatched.push(format!("{question} (no such question)"));
            continue;
        }
        if question != last_question {
            last_question = question.clone();
            let (shown, raw) = freq_pair(&ds, &question, &[], K);
            let shown = shown.unwrap_or_else(|| panic!("{question}: the one-question view is refused"));
            let mut a = Audit::new(K);
            let ids = publish_freq(&mut a, &question, &raw, Some(&shown), &Forced::default());
            assert!(a.leaks().is_empty(), "{question}: {:?}", a.leaks());
            let labels = raw.rows.iter().map(|r| r.option.clone()).collect();
            table = Some((a, ids, labels));
        }
        let (a, ids, labels) = table.as_ref().unwrap();
        let Some(i) = labels.iter().position(|l| *l == option) else {
            unmatched.push(format!("{question}: {option}"));
            continue;
        };
        let e = ids.options[i];
        if a.n(e) < K {
            continue;
        }
        checked += 1;
        if !a.is_withheld(e) {
            continue;
        }
        // Withheld although 10 or more: a complement. It must be needed (the table
        // leaks without it) and no smaller shown option may do instead alone.
        let mut without = a.clone();
        without.show(e);
        let needed = !without.leaks().is_empty();
        let cheaper: Vec<String> = ids
            .options
            .iter()
            .filter(|&&s| !a.is_withheld(s) && a.n(s) < a.n(e))
            .filter(|&&s| {
                let mut instead = without.clone();
                instead.withhold(s);
                instead.leaks().is_empty()
            })
            .map(|&s| a.names[s].clone())
            .collect();
        withheld_report.push(format!("{question}: {option} = {}", a.n(e)));
        if !needed {
            failures.push(format!(
                "{question}: {option} = {} is withheld but nothing needs it",
                a.n(e)
            ));
        }
        if !cheaper.is_empty() {
            failures.push(format!(
                "{question}: {option} = {} is withheld where {cheaper:?} would do",
                a.n(e)
            ));
        }
    }
    eprintln!(
        "published options: {checked} of 10 or more checked; withheld: {withheld_report:?}; not in the release: {unmatched:?}"
    );
    assert!(checked >= 60, "only {checked} published options checked");
    assert!(failures.is_empty(), "{failures:#?}");
}

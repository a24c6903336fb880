//! The generator: quota allocation of published counts to synthetic
//! respondents, guided by the codebook's dependency model.
//!
//! Every closed question is filled in three steps:
//! 1. *counts*: integer counts per option that reproduce every published
//!    percentage at its base (controlled rounding, [`super::alloc`]), split
//!    over the model's quota subgroups;
//! 2. *who answers*: the exact number of answering respondents is drawn among
//!    those the skip logic shows the question to, favouring engaged ones;
//! 3. *who gets what*: values are dealt out without replacement, each
//!    respondent drawing from what is left with odds set by the model's
//!    affinities and hard rules; rule violations left at the end are
//!    repaired by swapping values between respondents, which keeps counts.
//!
//! It does not audit what it made: [`crate::check_release`] recomputes the published
//! numbers from the written file, independently.

use super::alloc::{count_range, solve_sum, Target};
use super::rng::Rng;
use super::SynthError;
use crate::calendar::{civil_from_days, parse_date};
use crate::model::{entry, Model, Quota, Rule};
use canvass_core::codebook::{Base, Codebook, Kind, Question, Source};
use std::collections::BTreeSet;

/// Generate `rows` synthetic respondents; returns the cells, row-major, in
/// codebook column order.
pub fn generate(cb: &Codebook, model: &Model, seed: u64, rows: usize) -> Result<Vec<Vec<String>>, SynthError> {
    if rows == 0 {
        return Err(SynthError::new("--rows must be at least 1"));
    }
    let mut g = Gen::new(cb, model, seed, rows);
    for id in g.plan()? {
        g.question(&id)?;
    }
    g.check_all_rules()?;
    g.metadata()?;
    Ok(g.cells)
}

struct Gen<'a> {
    cb: &'a Codebook,
    model: &'a Model,
    rng: Rng,
    n: usize,
    /// rows / model.rows
    scale: f64,
    /// Generating at the published size: every published number is binding.
    exact: bool,
    cells: Vec<Vec<String>>,
    engagement: Vec<f64>,
    done: Vec<bool>,
}

/// A set of respondents sharing quota counts.
struct Group {
    members: Vec<usize>,
    answered: u64,
    counts: Vec<Option<u64>>,
}

impl<'a> Gen<'a> {
    fn new(cb: &'a Codebook, model: &'a Model, seed: u64, rows: usize) -> Gen<'a> {
        let mut rng = Rng::new(seed);
        let engagement = (0..rows).map(|_| rng.f64()).collect();
        Gen {
            cb,
            model,
            rng,
            n: rows,
            scale: rows as f64 / model.rows as f64,
            exact: rows == model.rows,
            cells: vec![vec![String::new(); cb.questions.len()]; rows],
            engagement,
            done: vec![false; cb.questions.len()],
        }
    }

    fn pos(&self, id: &str) -> usize {
        self.cb.position(id).expect("validated question id")
    }

    fn sc(&self, x: u64) -> u64 {
        if self.exact {
            x
        } else {
            (x as f64 * self.scale).round() as u64
        }
    }

    /// Questions to generate, in order: the model's order first, then file order.
    fn plan(&self) -> Result<Vec<String>, SynthError> {
        let mut out: Vec<String> = Vec::new();
        let mut seen = BTreeSet::new();
        let generated = |q: &Question| !(q.kind.is_platform() || q.always_blank() || q.kind == Kind::Text);
        for id in self.model.order.iter().chain(self.cb.questions.iter().map(|q| &q.id)) {
            let q = self.cb.question(id).expect("validated");
            if !generated(q) {
                continue;
            }
            // A ranking is generated as a whole, at its first member.
            let key = q
                .rank_group
                .clone()
                .map(|g| format!("rank:{g}"))
                .unwrap_or_else(|| id.clone());
            if seen.insert(key) {
                out.push(id.clone());
            }
        }
        Ok(out)
    }

    fn require_done(&self, what: &str, q: &Question, ids: &[&str]) -> Result<(), SynthError> {
        for id in ids {
            let p = self.pos(id);
            let dep = &self.cb.questions[p];
            let generated = !(dep.kind.is_platform() || dep.always_blank());
            if generated && !self.done[p] && dep.id != q.id {
                return Err(SynthError::new(format!(
                    "{what} of '{}' reads '{id}', which is generated later; list '{id}' earlier in model.order",
                    q.id
                )));
            }
        }
        Ok(())
    }

    fn eligible(&self, q: &Question) -> Result<Vec<usize>, SynthError> {
        match &q.asked_if {
            None => Ok((0..self.n).collect()),
            Some(c) => {
                self.require_done("the skip logic", q, &c.questions())?;
                Ok((0..self.n).filter(|&i| self.cb.eval(c, &self.cells[i])).collect())
            }
        }
    }

    fn answer_weights(&self, members: &[usize]) -> Vec<f64> {
        let s = self.model.nonresponse.as_ref().map(|n| n.strength).unwrap_or(0.0);
        members.iter().map(|&i| (s * self.engagement[i]).exp()).collect()
    }

    fn pick_answering(&mut self, members: &[usize], k: u64) -> Vec<usize> {
        let w = self.answer_weights(members);
        let mut chosen = self.rng.sample_weighted(members, &w, k as usize);
        chosen.sort_unstable();
        chosen
    }

    fn affinity(&self, q: &Question, row: usize, option: &str) -> f64 {
        self.model
            .affinities
            .iter()
            .filter(|a| a.question == q.id && self.cb.eval(&a.when, &self.cells[row]))
            .map(|a| entry(&a.weights, option).copied().unwrap_or(1.0))
            .product()
    }

    fn rules_for(&self, q: &Question) -> Vec<&'a Rule> {
        self.model
            .rules
            .iter()
            .filter(|r| r.if_.questions().contains(&q.id.as_str()) || r.then.questions().contains(&q.id.as_str()))
            .collect()
    }

    fn row_ok(&self, rules: &[&Rule], row: usize) -> bool {
        let cells = &self.cells[row];
        rules
            .iter()
            .all(|r| !self.cb.eval(&r.if_, cells) || self.cb.eval(&r.then, cells))
    }

    fn first_broken(&self, row: usize) -> Option<&'a Rule> {
        let cells = &self.cells[row];
        self.model
            .rules
            .iter()
            .find(|r| self.cb.eval(&r.if_, cells) && !self.cb.eval(&r.then, cells))
    }

    fn question(&mut self, id: &str) -> Result<(), SynthError> {
        let p = self.pos(id);
        let q = &self.cb.questions[p];
        match q.kind {
            Kind::Rank => self.rank_group(q)?,
            Kind::Numeric => self.numeric(q)?,
            Kind::Multi => self.multi(q)?,
            Kind::Single | Kind::Ordinal | Kind::Country => self.single(q)?,
            _ => {}
        }
        if let Some(g) = &q.rank_group {
            for (i, other) in self.cb.questions.iter().enumerate() {
                if other.rank_group.as_ref() == Some(g) {
                    self.done[i] = true;
                }
            }
        }
        self.done[p] = true;
        Ok(())
    }

    // ------------------------------------------------------------ counts

    /// Number of non-blank answers the question gets.
    fn answered_total(&self, q: &Question, eligible: usize, strata_cover: Option<u64>) -> Result<u64, SynthError> {
        let n = if let Some(a) = self.model.answered.iter().find(|a| a.question == q.id) {
            self.sc(a.answered)
        } else if let Some(b) = q
            .published
            .iter()
            .find(|p| p.base == Base::Answered && p.among.is_none() && p.exclude.is_empty() && p.base_n.is_some())
            .and_then(|p| p.base_n)
        {
            self.sc(b)
        } else if let Some(s) = strata_cover {
            s
        } else {
            return Err(SynthError::new(format!(
                "no answered count for '{}': publish a base_n with base \"answered\" or add it to model.answered",
                q.id
            )));
        };
        if n as usize > eligible {
            if self.exact {
                return Err(SynthError::new(format!(
                    "'{}' needs {n} answers but only {eligible} respondents are asked it",
                    q.id
                )));
            }
            return Ok(eligible as u64);
        }
        Ok(n)
    }

    /// Integer targets per option (or bin) from the published percentages.
    fn targets(
        &self,
        q: &Question,
        labels: &[String],
        answered: u64,
        eligible: usize,
    ) -> Result<Vec<Target>, SynthError> {
        let mut out = Vec::new();
        for label in labels {
            let mut lo = 0u64;
            let mut hi = answered;
            let mut pref_measured = Vec::new();
            let mut pref_other = Vec::new();
            let mut exact_count = None;
            for p in q
                .published
                .iter()
                .filter(|p| &p.option == label && p.among.is_none() && p.verifiable != Some(false))
            {
                if p.base == Base::Mentions {
                    continue;
                }
                // A number known not to hold still hints at where to sit inside the others' ranges.
                let binding = p.deviation.is_none();
                let base = match (p.base_n, p.base) {
                    (Some(b), _) => self.sc(b),
                    (None, Base::Answered) => answered,
                    (None, Base::Asked) => eligible as u64,
                    (None, _) => self.n as u64,
                };
                // Whatever the base, the percentage stands for this many selecting respondents.
                let share = p.percent * base as f64 / 100.0;
                if p.source == Source::WebMeasured {
                    pref_measured.push(share);
                    continue;
                }
                if !binding {
                    pref_other.push(share);
                    continue;
                }
                if let Some(c) = p.count {
                    exact_count = Some(self.sc(c));
                }
                pref_other.push(share);
                if self.exact {
                    // Bases other than "answered" still bound the same count.
                    let (a, b) = count_range(p.percent, p.allowed_error(), base).ok_or_else(|| {
                        SynthError::new(format!(
                            "{}: no count of {base} rounds to the published {}% for '{label}'",
                            q.id, p.percent
                        ))
                    })?;
                    lo = lo.max(a);
                    hi = hi.min(b);
                }
            }
            if let Some(c) = exact_count {
                if self.exact {
                    lo = lo.max(c);
                    hi = hi.min(c);
                }
            }
            if lo > hi {
                return Err(SynthError::new(format!(
                    "{}: the published numbers for '{label}' cannot all hold at once (allowed {lo}..{hi}); mark one with a 'deviation'",
                    q.id
                )));
            }
            let preferred = if let Some(c) = exact_count {
                c as f64
            } else if !pref_measured.is_empty() {
                pref_measured.iter().sum::<f64>() / pref_measured.len() as f64
            } else if !pref_other.is_empty() {
                pref_other.iter().sum::<f64>() / pref_other.len() as f64
            } else {
                0.0
            };
            out.push(Target { lo, hi, preferred });
        }
        Ok(out)
    }

    /// The answered count implied by quota subgroups that cover everyone asked
    /// (or, at a scaled size, extrapolated from the subgroups to everyone asked).
    fn strata_cover(&self, groups: &[Group], eligible: usize) -> Option<u64> {
        let (rem, strata) = groups.split_last()?;
        let answered: u64 = strata.iter().map(|g| g.answered).sum();
        let members: usize = strata.iter().map(|g| g.members.len()).sum();
        if rem.members.is_empty() {
            Some(answered)
        } else if !self.exact && members > 0 {
            Some((answered as f64 * eligible as f64 / members as f64).round() as u64)
        } else {
            None
        }
    }

    /// Split the eligible respondents into the model's quota subgroups plus a remainder.
    fn groups(&self, q: &Question, eligible: &[usize]) -> Result<(Vec<Group>, Option<&'a Quota>), SynthError> {
        let quotas: Vec<&'a Quota> = self.model.quotas.iter().filter(|x| x.question == q.id).collect();
        let whole = quotas.iter().copied().find(|x| x.when.is_none());
        let strata: Vec<&'a Quota> = quotas.iter().copied().filter(|x| x.when.is_some()).collect();
        let mut groups: Vec<Group> = Vec::new();
        let mut remainder = Vec::new();
        for s in &strata {
            self.require_done("a quota subgroup", q, &s.when.as_ref().expect("stratum").questions())?;
        }
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); strata.len()];
        for &i in eligible {
            let hits: Vec<usize> = strata
                .iter()
                .enumerate()
                .filter(|(_, s)| self.cb.eval(s.when.as_ref().expect("stratum"), &self.cells[i]))
                .map(|(k, _)| k)
                .collect();
            match hits.len() {
                0 => remainder.push(i),
                1 => members[hits[0]].push(i),
                _ => {
                    return Err(SynthError::new(format!(
                        "quota subgroups {:?} of '{}' overlap; make their 'when' conditions disjoint",
                        hits, q.id
                    )))
                }
            }
        }
        for (s, m) in strata.iter().zip(members) {
            let mut counts: Vec<Option<u64>> = q
                .options
                .iter()
                .map(|o| entry(&s.counts, o).map(|&c| self.sc(c)))
                .collect();
            if !self.exact && q.kind != Kind::Multi {
                // Rounding at a scaled size may ask for more answers than the subgroup has.
                while counts.iter().flatten().sum::<u64>() as usize > m.len() {
                    let big = (0..counts.len())
                        .max_by_key(|&o| counts[o].unwrap_or(0))
                        .expect("options");
                    counts[big] = counts[big].map(|c| c - 1);
                }
            }
            let answered = match s.answered {
                Some(a) => self.sc(a),
                None if q.kind == Kind::Multi => {
                    return Err(SynthError::new(format!(
                        "a quota subgroup of multi question '{}' needs 'answered'",
                        q.id
                    )))
                }
                None => counts.iter().flatten().sum(),
            };
            let answered = if self.exact {
                answered
            } else {
                answered.min(m.len() as u64)
            };
            if answered as usize > m.len() {
                return Err(SynthError::new(format!(
                    "a quota subgroup of '{}' needs {answered} answers but has {} respondents ({})",
                    q.id,
                    m.len(),
                    s.why
                )));
            }
            groups.push(Group {
                members: m,
                answered,
                counts,
            });
        }
        groups.push(Group {
            members: remainder,
            answered: 0,
            counts: vec![None; q.options.len()],
        });
        Ok((groups, whole))
    }

    /// Total counts per option for a question whose options are single values.
    fn totals(
        &self,
        q: &Question,
        answered: u64,
        eligible: usize,
        whole: Option<&Quota>,
        sum_to: Option<u64>,
    ) -> Result<Vec<u64>, SynthError> {
        if let Some(w) = whole {
            return Ok(q
                .options
                .iter()
                .map(|o| self.sc(entry(&w.counts, o).copied().unwrap_or(0)))
                .collect());
        }
        let targets = self.targets(q, &q.options, answered, eligible)?;
        match sum_to {
            Some(total) => {
                let relaxed: Vec<Target> = if self.exact {
                    targets
                } else {
                    targets
                        .into_iter()
                        .map(|t| Target {
                            lo: 0,
                            hi: total,
                            preferred: t.preferred * 1.0,
                        })
                        .collect()
                };
                solve_sum(&relaxed, total).map_err(|e| SynthError::new(format!("{}: {e}", q.id)))
            }
            None => Ok(targets
                .iter()
                .map(|t| {
                    let c = t.preferred.round().max(0.0) as u64;
                    if self.exact {
                        c.clamp(t.lo, t.hi)
                    } else {
                        c.min(answered)
                    }
                })
                .collect()),
        }
    }

    // ------------------------------------------------------------ single choice

    fn single(&mut self, q: &'a Question) -> Result<(), SynthError> {
        let p = self.pos(&q.id);
        let eligible = self.eligible(q)?;
        let (mut groups, whole) = self.groups(q, &eligible)?;
        let rem = groups.len() - 1;
        let cover = self.strata_cover(&groups, eligible.len());
        let answered = self.answered_total(q, eligible.len(), cover)?;
        let totals = if groups[rem].members.is_empty() && whole.is_none() {
            (0..q.options.len())
                .map(|o| groups[..rem].iter().map(|g| g.counts[o].unwrap_or(0)).sum())
                .collect()
        } else {
            self.totals(q, answered, eligible.len(), whole, Some(answered))?
        };
        // The remainder gets what the subgroups leave.
        let mut rest = Vec::new();
        for (o, &t) in totals.iter().enumerate() {
            let used: u64 = groups[..rem].iter().map(|g| g.counts[o].unwrap_or(0)).sum();
            if used > t {
                if self.exact {
                    return Err(SynthError::new(format!(
                        "{}: quota subgroups use {used} '{}' answers but the total is {t}",
                        q.id, q.options[o]
                    )));
                }
                rest.push(0);
            } else {
                rest.push(t - used);
            }
        }
        if !self.exact {
            // At a scaled size rounding can leave more answers than people: trim the largest counts.
            while rest.iter().sum::<u64>() as usize > groups[rem].members.len() {
                let big = (0..rest.len())
                    .max_by_key(|&o| (rest[o], std::cmp::Reverse(o)))
                    .expect("options");
                rest[big] -= 1;
            }
        }
        let rest_answered: u64 = rest.iter().sum();
        if rest_answered as usize > groups[rem].members.len() {
            return Err(SynthError::new(format!(
                "{}: {rest_answered} answers are left for {} respondents outside the quota subgroups",
                q.id,
                groups[rem].members.len()
            )));
        }
        groups[rem].answered = rest_answered;
        groups[rem].counts = rest.into_iter().map(Some).collect();
        let rules = self.rules_for(q);
        for g in &groups {
            let answering = self.pick_answering(&g.members, g.answered);
            let mut pool: Vec<u64> = g.counts.iter().map(|c| c.unwrap_or(0)).collect();
            if pool.iter().sum::<u64>() != answering.len() as u64 {
                return Err(SynthError::new(format!(
                    "{}: subgroup counts do not add up to its answers",
                    q.id
                )));
            }
            let mut order = answering.clone();
            self.rng.shuffle(&mut order);
            for &i in &order {
                let mut w = vec![0.0; pool.len()];
                for (o, weight) in w.iter_mut().enumerate() {
                    if pool[o] == 0 {
                        continue;
                    }
                    self.cells[i][p] = q.options[o].clone();
                    let ok = self.row_ok(&rules, i);
                    *weight = if ok {
                        pool[o] as f64 * self.affinity(q, i, &q.options[o])
                    } else {
                        0.0
                    };
                }
                let pick = match self.rng.weighted(&w) {
                    Some(k) => k,
                    // Nothing fits: take any remaining value and repair below.
                    None => {
                        let fallback: Vec<f64> = pool.iter().map(|&c| c as f64).collect();
                        self.rng.weighted(&fallback).expect("pool matches the answering count")
                    }
                };
                self.cells[i][p] = q.options[pick].clone();
                pool[pick] -= 1;
            }
            self.repair_by_swaps(q, p, &answering, &rules)?;
        }
        Ok(())
    }

    /// Swap values between respondents of one group until no rule is broken.
    fn repair_by_swaps(
        &mut self,
        q: &Question,
        p: usize,
        members: &[usize],
        rules: &[&Rule],
    ) -> Result<(), SynthError> {
        if rules.is_empty() {
            return Ok(());
        }
        for &i in members {
            if self.row_ok(rules, i) {
                continue;
            }
            let mut others: Vec<usize> = members.iter().copied().filter(|&j| j != i).collect();
            self.rng.shuffle(&mut others);
            let mut fixed = false;
            for j in others {
                if self.cells[i][p] == self.cells[j][p] {
                    continue;
                }
                let (a, b) = (self.cells[i][p].clone(), self.cells[j][p].clone());
                self.cells[i][p] = b.clone();
                self.cells[j][p] = a.clone();
                if self.row_ok(rules, i) && self.row_ok(rules, j) {
                    fixed = true;
                    break;
                }
                self.cells[i][p] = a;
                self.cells[j][p] = b;
            }
            if !fixed && !self.exact {
                // Scaled sizes do not promise exact counts: move to the nearest value that fits, or blank.
                let original = self.cells[i][p].clone();
                let at = q.option_index(&original).unwrap_or(0);
                let mut by_distance: Vec<usize> = (0..q.options.len()).collect();
                by_distance.sort_by_key(|&o| (o as i64 - at as i64).abs());
                self.cells[i][p].clear();
                for o in by_distance {
                    self.cells[i][p] = q.options[o].clone();
                    if self.row_ok(rules, i) {
                        break;
                    }
                    self.cells[i][p].clear();
                }
                continue;
            }
            if !fixed {
                let broken = self.first_broken(i).map(|r| r.id.clone()).unwrap_or_default();
                return Err(SynthError::new(format!(
                    "{}: cannot place the value '{}' without breaking rule '{broken}'; the model's counts and rules conflict",
                    q.id, self.cells[i][p]
                )));
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------ numeric

    fn numeric(&mut self, q: &'a Question) -> Result<(), SynthError> {
        let p = self.pos(&q.id);
        let spec = q.numeric.as_ref().expect("validated numeric spec");
        let eligible = self.eligible(q)?;
        let answered = self.answered_total(q, eligible.len(), None)?;
        let mut tokens: Vec<(String, u64)> = Vec::new();
        let mut top_total = 0;
        for t in self.model.top_codes.iter().filter(|t| t.question == q.id) {
            let c = self.sc(t.count);
            top_total += c;
            tokens.push((t.code.clone(), c));
        }
        let values_n = answered
            .checked_sub(top_total)
            .ok_or_else(|| SynthError::new(format!("{}: more top-coded answers than answers", q.id)))?;
        let labels: Vec<String> = spec.bins.iter().map(|b| b.label.clone()).collect();
        let counts = if labels.is_empty() {
            Vec::new()
        } else {
            let targets = self.targets(q, &labels, values_n, eligible.len())?;
            let targets: Vec<Target> = if self.exact {
                targets
            } else {
                targets
                    .into_iter()
                    .map(|t| Target {
                        lo: 0,
                        hi: values_n,
                        ..t
                    })
                    .collect()
            };
            solve_sum(&targets, values_n).map_err(|e| SynthError::new(format!("{}: {e}", q.id)))?
        };
        let mut pool: Vec<Option<usize>> = Vec::new();
        for (b, &c) in counts.iter().enumerate() {
            pool.extend(std::iter::repeat_n(Some(b), c as usize));
        }
        let mut top_cells: Vec<String> = Vec::new();
        for (code, c) in &tokens {
            top_cells.extend(std::iter::repeat_n(code.clone(), *c as usize));
        }
        pool.extend(std::iter::repeat_n(None, top_cells.len()));
        let mut answering = self.pick_answering(&eligible, answered);
        self.rng.shuffle(&mut answering);
        let shape = self.model.numeric.iter().find(|m| m.question == q.id);
        let mut tops = top_cells.into_iter();
        for (k, &i) in answering.iter().enumerate() {
            let cell = match pool.get(k).copied().flatten() {
                Some(b) => {
                    let bin = &spec.bins[b];
                    let lo = bin.min.max(spec.min.unwrap_or(f64::MIN)).ceil() as i64;
                    let hi = bin.max.min(spec.max.unwrap_or(f64::MAX)).floor() as i64;
                    if lo > hi {
                        return Err(SynthError::new(format!(
                            "{}: bin '{}' holds no allowed value",
                            q.id, bin.label
                        )));
                    }
                    let vals: Vec<i64> = (lo..=hi).collect();
                    let w: Vec<f64> = vals
                        .iter()
                        .map(|&v| match shape {
                            Some(m) => {
                                let z = ((v as f64 + 0.5) / m.median).ln() / m.sigma;
                                (-0.5 * z * z).exp() / (v as f64 + 0.5)
                            }
                            None => 1.0,
                        })
                        .collect();
                    let pick = self.rng.weighted(&w).unwrap_or(0);
                    vals[pick].to_string()
                }
                None => tops.next().unwrap_or_default(),
            };
            self.cells[i][p] = cell;
        }
        Ok(())
    }

    // ------------------------------------------------------------ multi-select

    fn multi(&mut self, q: &'a Question) -> Result<(), SynthError> {
        let p = self.pos(&q.id);
        let sep = q.separator.clone().expect("validated separator");
        let eligible = self.eligible(q)?;
        let (mut groups, whole) = self.groups(q, &eligible)?;
        let rem = groups.len() - 1;
        let strata_answered: u64 = groups[..rem].iter().map(|g| g.answered).sum();
        let cover = self.strata_cover(&groups, eligible.len());
        let answered = self.answered_total(q, eligible.len(), cover)?;
        let totals = self.totals(q, answered, eligible.len(), whole, None)?;
        let rest_answered = answered.checked_sub(strata_answered).ok_or_else(|| {
            SynthError::new(format!(
                "{}: quota subgroups take {strata_answered} answers of {answered}",
                q.id
            ))
        })?;
        let rest_answered = if self.exact {
            rest_answered
        } else {
            rest_answered.min(groups[rem].members.len() as u64)
        };
        if rest_answered as usize > groups[rem].members.len() {
            return Err(SynthError::new(format!(
                "{}: {rest_answered} answers are left for {} respondents outside the quota subgroups",
                q.id,
                groups[rem].members.len()
            )));
        }
        groups[rem].answered = rest_answered;
        // Who answers, per group; `class[o][k]` is the group whose fixed count governs option o for row k.
        let mut rows: Vec<usize> = Vec::new();
        let mut group_of: Vec<usize> = Vec::new();
        for (gi, g) in groups.iter().enumerate() {
            let chosen = self.pick_answering(&g.members, g.answered);
            group_of.extend(std::iter::repeat_n(gi, chosen.len()));
            rows.extend(chosen);
        }
        let k_opts = q.options.len();
        let mut sel = vec![vec![false; k_opts]; rows.len()];
        let pairs: Vec<(usize, usize, u64)> = self
            .model
            .pairs
            .iter()
            .filter(|x| x.question == q.id)
            .map(|x| {
                let a = q.option_index(&x.options[0]).expect("validated");
                let b = q.option_index(&x.options[1]).expect("validated");
                (a, b, self.sc(x.both))
            })
            .collect();
        for &(a, b, _) in &pairs {
            if groups[..rem]
                .iter()
                .any(|g| g.counts[a].is_some() || g.counts[b].is_some())
            {
                return Err(SynthError::new(format!(
                    "{}: a pair option cannot also have subgroup quotas",
                    q.id
                )));
            }
        }
        // Big options first, so small ones can top up respondents still without a selection.
        let mut order: Vec<usize> = (0..k_opts).collect();
        order.sort_by(|&a, &b| totals[b].cmp(&totals[a]).then(a.cmp(&b)));
        // A pair's second option is dealt right after its first.
        for &(a, b, _) in &pairs {
            order.retain(|&o| o != b);
            let at = order.iter().position(|&o| o == a).expect("option present");
            order.insert(at + 1, b);
        }
        for &o in &order {
            // Fixed counts inside subgroups.
            let mut used = 0u64;
            for (gi, g) in groups.iter().enumerate().take(rem) {
                if let Some(c) = g.counts[o] {
                    let idx: Vec<usize> = (0..rows.len()).filter(|&k| group_of[k] == gi).collect();
                    let c = if self.exact { c } else { c.min(idx.len() as u64) };
                    if c as usize > idx.len() {
                        return Err(SynthError::new(format!(
                            "{}: a subgroup needs {c} selections of '{}' but has {} answers",
                            q.id,
                            q.options[o],
                            idx.len()
                        )));
                    }
                    self.select(q, o, &rows, &idx, &mut sel, c as usize);
                    used += c;
                }
            }
            let free: Vec<usize> = (0..rows.len())
                .filter(|&k| group_of[k] == rem || groups[group_of[k]].counts[o].is_none())
                .collect();
            let total = if self.exact { totals[o] } else { totals[o].max(used) };
            let left = total.checked_sub(used).ok_or_else(|| {
                SynthError::new(format!(
                    "{}: subgroups use more '{}' than its total {}",
                    q.id, q.options[o], totals[o]
                ))
            })? as usize;
            if let Some(&(a, _, both)) = pairs.iter().find(|x| x.1 == o) {
                let with_a: Vec<usize> = free.iter().copied().filter(|&k| sel[k][a]).collect();
                let without: Vec<usize> = free.iter().copied().filter(|&k| !sel[k][a]).collect();
                let both = both as usize;
                let both = if self.exact {
                    both
                } else {
                    both.min(with_a.len()).min(left)
                };
                let left = if self.exact {
                    left
                } else {
                    left.min(both + without.len())
                };
                if both > with_a.len() || both > left || left - both > without.len() {
                    return Err(SynthError::new(format!(
                        "{}: the pair count {both} does not fit the option totals",
                        q.id
                    )));
                }
                self.select(q, o, &rows, &with_a, &mut sel, both);
                self.select(q, o, &rows, &without, &mut sel, left - both);
            } else {
                let left = if self.exact { left } else { left.min(free.len()) };
                if left > free.len() {
                    return Err(SynthError::new(format!(
                        "{}: {left} selections of '{}' for {} answering respondents",
                        q.id,
                        q.options[o],
                        free.len()
                    )));
                }
                self.select(q, o, &rows, &free, &mut sel, left);
            }
        }
        // Everyone who answered selected something: move selections from
        // respondents with several to those with none, within the same quota class.
        for k in 0..rows.len() {
            if sel[k].iter().any(|&s| s) {
                continue;
            }
            let mut donors: Vec<(usize, usize)> = Vec::new();
            for (j, s) in sel.iter().enumerate() {
                if s.iter().filter(|&&x| x).count() < 2 {
                    continue;
                }
                for o in 0..k_opts {
                    if !s[o] {
                        continue;
                    }
                    let same_class = match groups[group_of[j]].counts[o] {
                        Some(_) => group_of[j] == group_of[k],
                        None => groups[group_of[k]].counts[o].is_none() || group_of[k] == rem,
                    };
                    let pair_safe = pairs.iter().all(|&(a, b, _)| (o != a || !s[b]) && (o != b || !s[a]));
                    if same_class && pair_safe {
                        donors.push((j, o));
                    }
                }
            }
            if donors.is_empty() && !self.exact {
                // Scaled sizes: add a selection of the most chosen option that is in no pair.
                if let Some(&o) = order.iter().find(|&&o| pairs.iter().all(|&(a, b, _)| o != a && o != b)) {
                    sel[k][o] = true;
                    continue;
                }
            }
            if donors.is_empty() {
                return Err(SynthError::new(format!(
                    "{}: the option counts are too small for every answering respondent to select one",
                    q.id
                )));
            }
            let (j, o) = donors[self.rng.below(donors.len())];
            sel[j][o] = false;
            sel[k][o] = true;
        }
        for (k, &i) in rows.iter().enumerate() {
            let chosen: Vec<&str> = (0..k_opts)
                .filter(|&o| sel[k][o])
                .map(|o| q.options[o].as_str())
                .collect();
            self.cells[i][p] = chosen.join(&sep);
        }
        Ok(())
    }

    /// Select option `o` for `count` of the candidate rows (indices into `rows`).
    fn select(&mut self, q: &Question, o: usize, rows: &[usize], cand: &[usize], sel: &mut [Vec<bool>], count: usize) {
        let avail: Vec<usize> = cand.iter().copied().filter(|&k| !sel[k][o]).collect();
        let w: Vec<f64> = avail
            .iter()
            .map(|&k| {
                let boost = if sel[k].iter().any(|&s| s) { 1.0 } else { 3.0 };
                boost * self.affinity(q, rows[k], &q.options[o])
            })
            .collect();
        for k in self.rng.sample_weighted(&avail, &w, count.min(avail.len())) {
            sel[k][o] = true;
        }
    }

    // ------------------------------------------------------------ rankings

    fn rank_group(&mut self, first: &'a Question) -> Result<(), SynthError> {
        let group = first.rank_group.clone().expect("rank question");
        let members: Vec<usize> = (0..self.cb.questions.len())
            .filter(|&i| self.cb.questions[i].rank_group.as_ref() == Some(&group))
            .collect();
        let k = members.len();
        let ranks: Vec<String> = (1..=k).map(|r| r.to_string()).collect();
        for &m in &members {
            let q = &self.cb.questions[m];
            if q.options != ranks || q.asked_if != first.asked_if {
                return Err(SynthError::new(format!(
                    "rank group '{group}': every member needs the options \"1\"..\"{k}\" and the same skip logic ('{}' differs)",
                    q.id
                )));
            }
        }
        let eligible = self.eligible(first)?;
        let answered = self.answered_total(first, eligible.len(), None)?;
        // Category x rank count matrix, built rank by rank; the last rank takes what is left.
        let mut m = vec![vec![0u64; k]; k];
        let mut cap = vec![answered; k];
        for r in 0..k {
            let mut targets = Vec::new();
            for (c, &qi) in members.iter().enumerate() {
                let q = &self.cb.questions[qi];
                let t = self.targets(q, &ranks[r..=r], answered, eligible.len())?.remove(0);
                targets.push(Target {
                    lo: t.lo.min(cap[c]),
                    hi: t.hi.min(cap[c]),
                    preferred: t.preferred,
                });
            }
            let col = if r + 1 == k {
                cap.clone()
            } else {
                let relaxed: Vec<Target> = if self.exact {
                    targets
                } else {
                    targets.into_iter().map(|t| Target { lo: 0, ..t }).collect()
                };
                solve_sum(&relaxed, answered)
                    .map_err(|e| SynthError::new(format!("rank group '{group}', rank {}: {e}", r + 1)))?
            };
            for c in 0..k {
                m[c][r] = col[c];
                cap[c] -= col[c];
            }
        }
        let mut answering = self.pick_answering(&eligible, answered);
        self.rng.shuffle(&mut answering);
        for &i in &answering {
            let perm = self
                .random_matching(&m)
                .ok_or_else(|| SynthError::new(format!("rank group '{group}': no complete ranking left")))?;
            for (c, &r) in perm.iter().enumerate() {
                m[c][r] -= 1;
                self.cells[i][members[c]] = ranks[r].clone();
            }
        }
        Ok(())
    }

    /// A random perfect matching category -> rank among cells with count left.
    /// The matrix has equal row and column sums, so one always exists (Hall).
    fn random_matching(&mut self, m: &[Vec<u64>]) -> Option<Vec<usize>> {
        let k = m.len();
        let mut rank_owner: Vec<Option<usize>> = vec![None; k];
        let mut cats: Vec<usize> = (0..k).collect();
        self.rng.shuffle(&mut cats);
        // Candidate ranks per category, in a random order weighted by the counts left.
        let mut prefs: Vec<Vec<usize>> = vec![Vec::new(); k];
        for c in 0..k {
            let cand: Vec<usize> = (0..k).filter(|&r| m[c][r] > 0).collect();
            let w: Vec<f64> = cand.iter().map(|&r| m[c][r] as f64).collect();
            prefs[c] = self.rng.sample_weighted(&cand, &w, cand.len());
        }
        fn augment(c: usize, prefs: &[Vec<usize>], owner: &mut [Option<usize>], seen: &mut [bool]) -> bool {
            for &r in &prefs[c] {
                if seen[r] {
                    continue;
                }
                seen[r] = true;
                if owner[r].is_none() || augment(owner[r].expect("owner"), prefs, owner, seen) {
                    owner[r] = Some(c);
                    return true;
                }
            }
            false
        }
        for &c in &cats {
            let mut seen = vec![false; k];
            if !augment(c, &prefs, &mut rank_owner, &mut seen) {
                return None;
            }
        }
        let mut perm = vec![0; k];
        for (r, o) in rank_owner.iter().enumerate() {
            perm[o.expect("perfect matching")] = r;
        }
        Some(perm)
    }

    // ------------------------------------------------------------ checks and metadata

    fn check_all_rules(&self) -> Result<(), SynthError> {
        for i in 0..self.n {
            if let Some(r) = self.first_broken(i) {
                return Err(SynthError::new(format!(
                    "generated row {} breaks rule '{}'; the model is inconsistent",
                    i + 1,
                    r.id
                )));
            }
        }
        Ok(())
    }

    fn metadata(&mut self) -> Result<(), SynthError> {
        let Some(md) = self.model.metadata.as_ref() else {
            return Ok(());
        };
        let start = parse_date(&md.field_start).expect("validated date");
        let end = parse_date(&md.field_end).expect("validated date");
        if end < start {
            return Err(SynthError::new("model.metadata: field_end is before field_start"));
        }
        let substantive: Vec<usize> = (0..self.cb.questions.len())
            .filter(|&i| {
                let q = &self.cb.questions[i];
                !(q.kind.is_platform() || q.always_blank())
            })
            .collect();
        let (Some(&first), Some(&last)) = (substantive.first(), substantive.last()) else {
            return Ok(());
        };
        let final_section = &self.cb.questions[last].section;
        let final_start = substantive
            .iter()
            .copied()
            .find(|&i| &self.cb.questions[i].section == final_section)
            .unwrap_or(last);
        let days = (end - start + 1) as usize;
        // Responses arrive in waves after announcements: front-loaded, with a long tail.
        let day_w: Vec<f64> = (0..days).map(|d| (-(d as f64) / 12.0).exp() + 0.15).collect();
        let mut ids = BTreeSet::new();
        for i in 0..self.n {
            let row = &self.cells[i];
            let answered: Vec<usize> = substantive.iter().copied().filter(|&c| !row[c].is_empty()).collect();
            let last_answered = answered.last().copied();
            let finished = last_answered.is_some_and(|c| c >= final_start);
            let progress = if finished {
                100
            } else {
                match last_answered {
                    Some(c) => ((c - first + 1) as f64 * 100.0 / (last - first + 1) as f64).round() as u64,
                    None => 0,
                }
            };
            let day = self.rng.weighted(&day_w).unwrap_or(0) as i64;
            let duration = (60.0 + answered.len() as f64 * 14.0 * (0.35 * self.rng.normal()).exp()).round() as i64;
            let last_second = (end - start + 1) * 86_400 - 1;
            let begin = (day * 86_400 + self.rng.below(86_400) as i64)
                .min(last_second - duration)
                .max(0);
            let stamp = |s: i64| {
                let (y, mo, d) = civil_from_days(start + s.div_euclid(86_400));
                let t = s.rem_euclid(86_400);
                format!("{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
            };
            let id = loop {
                const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
                let s: String = (0..15)
                    .map(|_| ALPHABET[self.rng.below(ALPHABET.len())] as char)
                    .collect();
                let id = format!("R_{s}");
                if ids.insert(id.clone()) {
                    break id;
                }
            };
            let mut out: Vec<(usize, String)> = Vec::new();
            for (col, spec) in &md.columns {
                let c = self.pos(col);
                let value = if let Some(v) = &spec.constant {
                    v.clone()
                } else {
                    match spec.role.as_deref().unwrap_or("") {
                        "start" => stamp(begin),
                        "end" => stamp(begin + duration),
                        "progress" => progress.to_string(),
                        "duration" => duration.to_string(),
                        "finished" => if finished { "True" } else { "False" }.to_string(),
                        "response_id" => id.clone(),
                        "language" => {
                            let from = spec
                                .from
                                .as_ref()
                                .map(|f| self.cells[i][self.pos(f)].clone())
                                .unwrap_or_default();
                            entry(&spec.map, &from)
                                .or(spec.default.as_ref())
                                .cloned()
                                .unwrap_or_default()
                        }
                        other => return Err(SynthError::new(format!("unknown metadata role '{other}'"))),
                    }
                };
                out.push((c, value));
            }
            for (c, v) in out {
                self.cells[i][c] = v;
            }
        }
        Ok(())
    }
}

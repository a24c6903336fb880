//! Controlled rounding: turn published percentages into integer counts that
//! reproduce every one of them after rounding, for a given base.
//!
//! It knows nothing of questions or respondents: percentages and bases in, counts out.

/// Allowed integer counts for one option, and the count we would like.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub lo: u64,
    pub hi: u64,
    pub preferred: f64,
}

/// Counts `c` with |100 c / base - percent| <= err, as an inclusive range.
/// Returns None when no integer qualifies.
pub fn count_range(percent: f64, err: f64, base: u64) -> Option<(u64, u64)> {
    if base == 0 {
        return None;
    }
    let b = base as f64;
    // A small slack absorbs binary floating-point error at exact boundaries.
    let lo = ((percent - err) * b / 100.0 - 1e-9).ceil().max(0.0) as u64;
    let hi = ((percent + err) * b / 100.0 + 1e-9).floor().min(b) as u64;
    (lo <= hi).then_some((lo, hi))
}

/// Choose integers inside each target's range, summing to `total`, as close
/// as possible (squared distance) to the preferred values.
pub fn solve_sum(targets: &[Target], total: u64) -> Result<Vec<u64>, String> {
    let lo: u64 = targets.iter().map(|t| t.lo).sum();
    let hi: u64 = targets.iter().map(|t| t.hi).sum();
    if total < lo || total > hi {
        return Err(format!(
            "the allowed counts sum to {lo}..{hi}, which cannot make {total}"
        ));
    }
    let mut c: Vec<u64> = targets
        .iter()
        .map(|t| (t.preferred.round().max(0.0) as u64).clamp(t.lo, t.hi))
        .collect();
    let mut sum: u64 = c.iter().sum();
    // Greedy unit steps on a convex cost are optimal for this separable problem.
    while sum < total {
        let i = (0..c.len())
            .filter(|&i| c[i] < targets[i].hi)
            .min_by(|&a, &b| {
                let ca = 2.0 * (c[a] as f64 - targets[a].preferred) + 1.0;
                let cb = 2.0 * (c[b] as f64 - targets[b].preferred) + 1.0;
                ca.partial_cmp(&cb).unwrap_or(std::cmp::Ordering::Equal)
            })
            .expect("room below the upper bounds");
        c[i] += 1;
        sum += 1;
    }
    while sum > total {
        let i = (0..c.len())
            .filter(|&i| c[i] > targets[i].lo)
            .min_by(|&a, &b| {
                let ca = -2.0 * (c[a] as f64 - targets[a].preferred) + 1.0;
                let cb = -2.0 * (c[b] as f64 - targets[b].preferred) + 1.0;
                ca.partial_cmp(&cb).unwrap_or(std::cmp::Ordering::Equal)
            })
            .expect("room above the lower bounds");
        c[i] -= 1;
        sum -= 1;
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rounding() {
        // 72% of 1132 needs 71.5% <= c/1132 <= 72.5%: 810..820.
        assert_eq!(count_range(72.0, 0.5, 1132), Some((810, 820)));
        // One decimal: 46.0% of 1073 -> 45.95%..46.05% -> 494 only.
        assert_eq!(count_range(46.0, 0.05, 1073), Some((494, 494)));
        assert_eq!(count_range(50.0, 0.05, 3), None);
    }

    #[test]
    fn solve_hits_total_inside_ranges() {
        let t = vec![
            Target {
                lo: 10,
                hi: 12,
                preferred: 11.0,
            },
            Target {
                lo: 0,
                hi: 5,
                preferred: 0.0,
            },
            Target {
                lo: 80,
                hi: 90,
                preferred: 85.0,
            },
        ];
        let c = solve_sum(&t, 100).unwrap();
        assert_eq!(c.iter().sum::<u64>(), 100);
        for (x, t) in c.iter().zip(&t) {
            assert!(*x >= t.lo && *x <= t.hi);
        }
        assert!(solve_sum(&t, 200).is_err());
    }
}

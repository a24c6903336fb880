//! Axis ticks at round values: 0, 20, 40… rather than 0, 17.3, 34.6.

/// Ticks from `lo` to at least `hi`, at a step of 1, 2, 2.5 or 5 times a power of ten,
/// with at most `max_ticks` ticks (never fewer than two). The last tick is the first
/// round value at or past `hi`, so it is where the axis should end.
pub fn nice_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    let max_ticks = max_ticks.max(2);
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    let span = if hi - lo > 0.0 { hi - lo } else { lo.abs().max(1.0) };
    let hi = lo + span;
    let raw = span / (max_ticks - 1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    // Starting the axis at a round value below `lo` can cost a tick, so the search
    // runs on to steps a hundred times larger.
    let step = [1.0, 10.0, 100.0]
        .iter()
        .flat_map(|decade| [1.0, 2.0, 2.5, 5.0].map(|m| m * decade * magnitude))
        .find(|s| {
            let first = (lo / s).floor() * s;
            let n = ((hi - first) / s - 1e-9).ceil() as usize + 1;
            n <= max_ticks
        })
        .unwrap_or(1000.0 * magnitude);
    let first = (lo / step).floor() * step;
    let n = (((hi - first) / step - 1e-9).ceil() as usize + 1).max(2);
    (0..n).map(|i| first + i as f64 * step).collect()
}

/// How many ticks fit along `length_px` when each label needs `label_px` plus a gap.
pub fn ticks_that_fit(length_px: f64, label_px: f64) -> usize {
    if !(length_px.is_finite() && label_px.is_finite()) || label_px <= 0.0 {
        return 2;
    }
    ((length_px / (label_px * 1.8)).floor() as usize + 1).clamp(2, 11)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_land_on_round_values_and_cover_the_range() {
        assert_eq!(nice_ticks(0.0, 54.5, 6), [0.0, 20.0, 40.0, 60.0]);
        assert_eq!(nice_ticks(0.0, 100.0, 6), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(0.0, 100.0, 11).len(), 11);
        assert_eq!(nice_ticks(0.0, 7.0, 8), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        assert_eq!(nice_ticks(0.0, 9.0, 5), [0.0, 2.5, 5.0, 7.5, 10.0]);
        let t = nice_ticks(18.0, 62.0, 6);
        assert!(t[0] <= 18.0 && *t.last().unwrap() >= 62.0 && t.len() <= 6, "{t:?}");
    }

    #[test]
    fn degenerate_ranges_still_give_an_axis() {
        assert_eq!(nice_ticks(0.0, 0.0, 5), [0.0, 0.25, 0.5, 0.75, 1.0]);
        assert!(nice_ticks(f64::NAN, 3.0, 5).len() >= 2);
        assert!(nice_ticks(5.0, 5.0, 5).len() >= 2);
        assert_eq!(nice_ticks(0.0, 1e9, 1).len(), 2);
    }

    #[test]
    fn fewer_ticks_fit_on_a_shorter_axis() {
        assert!(ticks_that_fit(600.0, 30.0) > ticks_that_fit(150.0, 30.0));
        assert_eq!(ticks_that_fit(10.0, 30.0), 2);
        assert_eq!(ticks_that_fit(100.0, 0.0), 2);
    }
}

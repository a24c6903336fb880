//! The cell-key method, a release option beside suppression: every count is shown,
//! moved by a small bounded amount that depends only on who is in it.
//!
//! Each respondent gets a fixed key from the release's secret and their row; a cell's
//! key is the sum of its respondents' keys, modulo [`KEY_RANGE`], so it depends on the
//! set of respondents alone, and the same cell reached by a filter or as a crosstab cell
//! gets the same perturbation. The perturbation is looked up in [`P_TABLE`] from the
//! count and the cell key. Tables count keys as weights (see `View::keyed`), so no
//! table kind needs code of its own. The design and its measurements are in
//! `docs/disclosure.md`.

use crate::weights::Tally;

/// Keys are whole numbers below this (20 bits): a weighted tally of them sums exactly
/// in an `f64` for any number of rows a dataset may hold.
pub const KEY_RANGE: u64 = 1 << 20;

/// The largest change the method makes to a count.
pub const MAX_PERTURBATION: i64 = 2;

/// The published p-table: for a count of 1, of 2 and of 3 or more, each perturbation
/// with its probability. A count never falls to 0 or below and never moves by more than
/// [`MAX_PERTURBATION`]; from 2 on the change has mean 0. A count of 1 can only rise,
/// since neither 0 nor a negative count may be shown.
pub const P_TABLE: [&[(i64, f64)]; 3] = [
    &[(0, 0.4), (1, 0.4), (2, 0.2)],
    &[(-1, 0.3), (0, 0.4), (1, 0.3)],
    &[(-2, 0.1), (-1, 0.2), (0, 0.4), (1, 0.2), (2, 0.1)],
];

/// A number from a release's secret text, fixing every respondent's key.
pub fn seed_from_secret(secret: &str) -> u64 {
    // FNV-1a: stable across platforms and versions, unlike the standard hasher.
    secret.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

fn mix(mut z: u64) -> u64 {
    // splitmix64's finaliser: every input bit reaches every output bit.
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Respondent `row_idx`'s key, below [`KEY_RANGE`].
pub fn row_key(seed: u64, row_idx: usize) -> u64 {
    mix(seed ^ mix(row_idx as u64 ^ 0x9e37_79b9_7f4a_7c15)) >> (64 - 20)
}

/// The change to a count of `n` respondents whose keys sum to `key_sum`.
pub fn perturbation(n: usize, key_sum: u64) -> i64 {
    if n == 0 {
        return 0;
    }
    let row = P_TABLE[n.min(3) - 1];
    let u = (key_sum % KEY_RANGE) as f64 / KEY_RANGE as f64;
    let mut below = 0.0;
    for &(d, p) in row {
        below += p;
        if u < below {
            return d;
        }
    }
    row[row.len() - 1].0
}

/// `tally` as shown under the cell-key method, given the same cell counted with keys as
/// weights. A weighted count moves in proportion to its respondents.
pub fn perturb(tally: &Tally, keys: &Tally) -> Tally {
    if tally.n == 0 {
        return *tally;
    }
    let d = perturbation(tally.n, keys.weight.round() as u64);
    let n = (tally.n as i64 + d) as usize;
    if tally.weight == tally.n as f64 && tally.weight_sq == tally.n as f64 {
        // Unweighted: exact, without the rounding of a scale.
        return Tally::unit(n);
    }
    let scale = n as f64 / tally.n as f64;
    Tally {
        n,
        weight: tally.weight * scale,
        weight_sq: tally.weight_sq * scale,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_p_table_is_bounded_never_reaches_zero_and_is_unbiased_from_two() {
        for (i, row) in P_TABLE.iter().enumerate() {
            let n = i as i64 + 1;
            let total: f64 = row.iter().map(|(_, p)| p).sum();
            assert!((total - 1.0).abs() < 1e-12, "row {n} sums to {total}");
            for &(d, p) in row.iter() {
                assert!(d.abs() <= MAX_PERTURBATION && n + d >= 1 && p > 0.0, "row {n}: {d}");
            }
            let mean: f64 = row.iter().map(|&(d, p)| d as f64 * p).sum();
            if n >= 2 {
                assert!(mean.abs() < 1e-12, "row {n} has mean {mean}");
            }
        }
    }

    #[test]
    fn lookups_follow_the_p_table_over_every_key() {
        // The share of keys giving each change is its probability.
        for n in [1usize, 2, 3, 40] {
            let row = P_TABLE[n.min(3) - 1];
            let step = 97;
            let total = KEY_RANGE / step;
            for &(d, p) in row {
                let hits = (0..total).filter(|i| perturbation(n, i * step) == d).count();
                assert!((hits as f64 / total as f64 - p).abs() < 0.001, "n {n}, change {d}");
            }
            for key in (0..KEY_RANGE).step_by(1013) {
                let shown = n as i64 + perturbation(n, key);
                assert!(shown >= 1 && (shown - n as i64).abs() <= MAX_PERTURBATION);
            }
        }
        assert!((0..KEY_RANGE).step_by(101).all(|key| perturbation(0, key) == 0));
    }

    #[test]
    fn keys_are_spread_and_depend_on_the_secret() {
        let seed = seed_from_secret("release secret");
        let keys: Vec<u64> = (0..20_000).map(|r| row_key(seed, r)).collect();
        assert!(keys.iter().all(|&k| k < KEY_RANGE));
        let low = keys.iter().filter(|&&k| k < KEY_RANGE / 2).count();
        assert!((9_500..10_500).contains(&low), "{low} of 20000 keys below half");
        let other = seed_from_secret("another secret");
        let same = (0..20_000).filter(|&r| row_key(other, r) == keys[r]).count();
        assert!(same < 5, "{same} keys unchanged by the secret");
    }
}

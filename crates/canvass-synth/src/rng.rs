//! Seeded randomness for the generator: ChaCha8, so a seed gives the same
//! stream on every platform.
//!
//! Only the drawing primitives live here; what to draw, and in which order, is the
//! generator's.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub struct Rng(ChaCha8Rng);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// The next 64 bits of the stream.
    pub fn u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1].
    pub fn open01(&mut self) -> f64 {
        1.0 - self.f64()
    }

    /// Uniform integer in [0, n); n must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        // Rejection sampling keeps the draw exactly uniform.
        let n64 = n as u64;
        let zone = u64::MAX - (u64::MAX % n64);
        loop {
            let x = self.0.next_u64();
            if x < zone {
                return (x % n64) as usize;
            }
        }
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.open01();
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Index drawn with probability proportional to `weights`; None if all are zero.
    pub fn weighted(&mut self, weights: &[f64]) -> Option<usize> {
        let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
        if total <= 0.0 {
            return None;
        }
        let mut x = self.f64() * total;
        let mut last = None;
        for (i, &w) in weights.iter().enumerate() {
            if w > 0.0 {
                if x < w {
                    return Some(i);
                }
                x -= w;
                last = Some(i);
            }
        }
        last
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }

    /// `k` distinct items of `items`, drawn without replacement with
    /// probability proportional to their weights (Efraimidis-Spirakis keys).
    /// Items of weight zero are taken only when the others run out.
    pub fn sample_weighted(&mut self, items: &[usize], weights: &[f64], k: usize) -> Vec<usize> {
        let mut keyed: Vec<(f64, usize)> = items
            .iter()
            .zip(weights)
            .map(|(&it, &w)| {
                let u = self.open01();
                let key = if w > 0.0 { u.ln() / w } else { f64::NEG_INFINITY };
                (key, it)
            })
            .collect();
        // Descending key; ties (zero weights) keep a random but seeded order.
        keyed.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        let zero: Vec<usize> = keyed.iter().filter(|k| k.0 == f64::NEG_INFINITY).map(|k| k.1).collect();
        let mut out: Vec<usize> = keyed
            .iter()
            .filter(|k| k.0 > f64::NEG_INFINITY)
            .map(|k| k.1)
            .take(k)
            .collect();
        if out.len() < k {
            let mut z = zero;
            self.shuffle(&mut z);
            out.extend(z.into_iter().take(k - out.len()));
        }
        out
    }
}

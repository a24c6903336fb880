//! The per-column dictionary: each distinct answer stored once, found by its text.
//!
//! This lookup runs once per cell, so it is the loader's hottest code. A general
//! `HashMap<Box<str>, u16>` spends its time on a keyed hash, two allocations per new
//! answer and a library `memcmp` per hit. Here the answers live in one arena string,
//! the table is open addressing over slots that hold, in one load, a hash tag that
//! rejects most mismatches, the code and the answer's place in the arena, and short
//! answers are compared with two word loads. Hostile input cannot make probing quadratic beyond
//! the category cap, because the table never holds more entries than that.

use super::words::{load_u32, load_u64};

/// Distinct answers in first-appearance order, with their codes.
#[derive(Debug, Default)]
pub(crate) struct Dictionary {
    /// Open addressing; the length is a power of two.
    slots: Vec<Slot>,
    /// `(start, end)` of each answer in `arena`, by code.
    spans: Vec<(u32, u32)>,
    arena: String,
}

/// One table entry, everything a lookup needs in one load: the upper half of the
/// answer's hash to reject most mismatches, its code, and where its text is.
#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    tag: u32,
    /// `code + 1`; 0 marks an empty slot.
    code: u32,
    start: u32,
    end: u32,
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// The bytes of an answer shorter than eight bytes as one word, from at most three
/// loads rather than a loop: two overlapping 4-byte loads for 4 to 7 bytes, the
/// first, middle and last byte for 1 to 3. Equal lengths and equal words mean equal
/// bytes, so the word serves both to hash and to compare.
#[inline(always)]
fn short_word(b: &[u8]) -> u64 {
    let n = b.len();
    let u32_at = |at: usize| load_u32(b, at) as u64;
    match n {
        0 => 0,
        1..=3 => b[0] as u64 | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16,
        _ => u32_at(0) | u32_at(n - 4) << 32,
    }
}

/// A fast hash over every byte: two overlapping word loads cover up to 16 bytes.
#[inline(always)]
fn hash(b: &[u8]) -> u64 {
    let n = b.len();
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let h = if n >= 8 {
        let mut h = mix(n as u64, load_u64(b, 0));
        let mut at = 8;
        while at + 8 < n {
            h = mix(h, load_u64(b, at));
            at += 8;
        }
        mix(h, load_u64(b, n - 8))
    } else {
        mix(n as u64, short_word(b))
    };
    h ^ (h >> 32)
}

/// Byte equality a word at a time, without a library call.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0..=7 => short_word(a) == short_word(b),
        _ => {
            // Word by word, the last word overlapping the one before: the browser
            // build's `memcmp` goes a byte at a time, and multi-select answers are long.
            let mut at = 0;
            while at + 8 < n {
                if load_u64(a, at) != load_u64(b, at) {
                    return false;
                }
                at += 8;
            }
            load_u64(a, n - 8) == load_u64(b, n - 8)
        }
    }
}

impl Dictionary {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn get(&self, code: u16) -> &str {
        let (start, end) = self.spans[code as usize];
        &self.arena[start as usize..end as usize]
    }

    /// The code of `value`, adding it if there is room for fewer than `limit`
    /// answers; `None` when it is new and the dictionary is full.
    #[inline(always)]
    pub fn code_of(&mut self, value: &str, limit: usize) -> Option<u16> {
        let h = hash(value.as_bytes());
        let tag = (h >> 32) as u32;
        if !self.slots.is_empty() {
            let mask = self.slots.len() - 1;
            let mut idx = (h as usize) & mask;
            // A slice, not the `Vec`: indexing a `Vec` is a call in the size-optimised build.
            let slots = self.slots.as_slice();
            loop {
                let slot = slots[idx];
                if slot.code == 0 {
                    break;
                }
                if slot.tag == tag
                    && same(
                        &self.arena.as_bytes()[slot.start as usize..slot.end as usize],
                        value.as_bytes(),
                    )
                {
                    return Some((slot.code - 1) as u16);
                }
                idx = (idx + 1) & mask;
            }
        }
        if self.len() >= limit {
            return None;
        }
        self.insert(value)
    }

    fn insert(&mut self, value: &str) -> Option<u16> {
        // Keep the table at most half full so probes stay short.
        if (self.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let start = u32::try_from(self.arena.len()).ok()?;
        self.arena.push_str(value);
        let end = u32::try_from(self.arena.len()).ok()?;
        let code = self.spans.len();
        self.spans.push((start, end));
        self.place(code);
        Some(code as u16)
    }

    fn place(&mut self, code: usize) {
        let (start, end) = self.spans[code];
        let h = hash(&self.arena.as_bytes()[start as usize..end as usize]);
        let mask = self.slots.len() - 1;
        let mut idx = (h as usize) & mask;
        while self.slots[idx].code != 0 {
            idx = (idx + 1) & mask;
        }
        self.slots[idx] = Slot {
            tag: (h >> 32) as u32,
            code: code as u32 + 1,
            start,
            end,
        };
    }

    fn grow(&mut self) {
        let capacity = (self.slots.len() * 2).max(16);
        self.slots = vec![Slot::default(); capacity];
        for code in 0..self.spans.len() {
            self.place(code);
        }
    }

    pub fn into_values(self) -> Vec<Box<str>> {
        self.spans
            .iter()
            .map(|&(start, end)| Box::from(&self.arena[start as usize..end as usize]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_first_appearance_and_respect_the_limit() {
        let mut d = Dictionary::default();
        let answers = ["Daily", "Weekly", "Daily", "", "Less than once a month", "Weekly"];
        let codes: Vec<Option<u16>> = answers.iter().map(|a| d.code_of(a, 10)).collect();
        assert_eq!(codes, [Some(0), Some(1), Some(0), Some(2), Some(3), Some(1)]);
        assert_eq!(d.get(3), "Less than once a month");
        assert_eq!(d.code_of("Monthly", 4), None);
        assert_eq!(d.code_of("Weekly", 4), Some(1));
    }

    #[test]
    fn many_answers_sharing_prefix_and_suffix_stay_distinct() {
        let mut d = Dictionary::default();
        let answers: Vec<String> = (0..5000).map(|i| format!("Option {i:05} of the list")).collect();
        for (i, a) in answers.iter().enumerate() {
            assert_eq!(d.code_of(a, 10_000), Some(i as u16));
        }
        for (i, a) in answers.iter().enumerate().rev() {
            assert_eq!(d.code_of(a, 10_000), Some(i as u16));
        }
        let values = d.into_values();
        assert_eq!(&*values[1234], "Option 01234 of the list");
    }

    /// `same` against slice equality for every length up to five words, with one byte
    /// changed at every position: the word loads must cover every byte.
    #[test]
    fn same_sees_a_difference_in_any_byte() {
        for n in 0..40 {
            let a: Vec<u8> = (0..n as u8).map(|i| b'a' + i % 26).collect();
            assert!(same(&a, &a.clone()), "length {n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same(&a, &b), "length {n}, byte {at}");
            }
            assert!(!same(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }

    #[test]
    fn short_answers_differing_in_any_one_byte_stay_distinct() {
        // Every string of length 1 to 7 over "ab": 254 answers, many of which share
        // their first, middle and last bytes or their first and last four.
        let mut answers = Vec::new();
        for len in 1..=7u32 {
            for bits in 0..(1u32 << len) {
                answers.push(
                    (0..len)
                        .map(|i| if bits >> i & 1 == 1 { 'b' } else { 'a' })
                        .collect::<String>(),
                );
            }
        }
        assert_eq!(answers.len(), 254);
        let mut d = Dictionary::default();
        for (i, a) in answers.iter().enumerate() {
            assert_eq!(d.code_of(a, 10_000), Some(i as u16), "{a}");
        }
        for (i, a) in answers.iter().enumerate() {
            assert_eq!(d.code_of(a, 10_000), Some(i as u16), "{a}");
        }
    }
}

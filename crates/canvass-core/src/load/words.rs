//! Byte tests eight bytes at a time, for the loader's scans over the whole text.
//!
//! Plain integer arithmetic on 64-bit words needs no vector instructions (the browser
//! build has none) and every helper here is forced inline: the browser build is
//! optimised for size, and there a call per word (or an array copy through the
//! library's `copy_from_slice`) cost more than the test itself. This module only
//! answers "is there such a byte, and where is the first"; what a byte means is for
//! the callers.

/// `0x01` in every byte of a word; `ONES * b` puts `b` in every byte.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `bytes` from `at` as a little-endian word.
///
/// Panics when fewer than eight bytes remain; callers loop while `at + 8 <= len`.
#[inline(always)]
pub(crate) fn load_u64(bytes: &[u8], at: usize) -> u64 {
    assert!(at <= bytes.len() && bytes.len() - at >= 8);
    // SAFETY: the assertion keeps the eight bytes read inside `bytes`, and any bit
    // pattern is a valid `u64`; the read may be unaligned.
    u64::from_le(unsafe { bytes.as_ptr().add(at).cast::<u64>().read_unaligned() })
}

/// The four bytes of `bytes` from `at` as a little-endian word.
///
/// Panics when fewer than four bytes remain.
#[inline(always)]
pub(crate) fn load_u32(bytes: &[u8], at: usize) -> u32 {
    assert!(at <= bytes.len() && bytes.len() - at >= 4);
    // SAFETY: as in `load_u64`, for four bytes.
    u32::from_le(unsafe { bytes.as_ptr().add(at).cast::<u32>().read_unaligned() })
}

/// The high bit of the lowest zero byte of `x` is set, and no bit below it; bits
/// above may be set spuriously, since a borrow only runs upwards. Zero when `x` has
/// no zero byte.
#[inline(always)]
pub(crate) fn zero_in(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Nonzero when some byte of `x` is below `n` (`n` at most 0x80); exact about
/// whether, not where.
#[inline(always)]
pub(crate) fn below_in(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * n as u64) & !x & HIGHS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every position and value of a single odd byte among ordinary ones, checked
    /// against a plain byte-by-byte search.
    #[test]
    fn word_tests_agree_with_a_byte_search() {
        for at in 0..8 {
            for odd in 0..=255u8 {
                let mut bytes = [b'a'; 8];
                bytes[at] = odd;
                let x = load_u64(&bytes, 0);
                let first_zero = bytes.iter().position(|&b| b == 0);
                assert_eq!(
                    (zero_in(x) != 0).then(|| zero_in(x).trailing_zeros() as usize / 8),
                    first_zero
                );
                for n in [0x20u8, 0x80] {
                    assert_eq!(
                        below_in(x, n) != 0,
                        bytes.iter().any(|&b| b < n),
                        "{odd:#x} at {at}, n {n:#x}"
                    );
                }
            }
        }
        assert_eq!(
            load_u64(b"\x01\x02\x03\x04\x05\x06\x07\x08\x09", 1),
            0x0908_0706_0504_0302
        );
        assert_eq!(load_u32(b"\x01\x02\x03\x04\x05", 1), 0x0504_0302);
    }

    #[test]
    #[should_panic]
    fn a_word_past_the_end_is_refused() {
        load_u64(b"1234567", 0);
    }
}

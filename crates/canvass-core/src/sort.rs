//! Stable sorting of short lists through one shared copy of the standard library's sort.
//!
//! Every call of `sort_by` with its own element type or comparator puts another copy of
//! the sort, about 4.6 KB, into the browser module. The short lists sorted per column or
//! per view (levels, options, p-values, bars) go through [`sorted_positions`] instead:
//! the positions `0..n` sorted with one `&dyn Fn` comparator, one copy in all. Long
//! columns of numbers do not come here; they sort their values directly, where the
//! indirection would cost time.

use std::cmp::Ordering;

/// The positions `0..n` in the order `cmp` gives them, equal ones in their given order.
pub(crate) fn sorted_positions(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..n).collect();
    positions.sort_by(|&a, &b| cmp(a, b));
    positions
}

/// `items` in the order of `positions`, a permutation of `0..items.len()`.
pub(crate) fn reordered<T>(items: Vec<T>, positions: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    positions
        .iter()
        .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_keep_their_given_order() {
        let keys = [3, 1, 2, 1, 3, 0];
        assert_eq!(
            sorted_positions(keys.len(), &|a, b| keys[a].cmp(&keys[b])),
            [5, 1, 3, 2, 0, 4]
        );
        assert_eq!(sorted_positions(0, &|_, _| Ordering::Equal), Vec::<usize>::new());
    }

    #[test]
    fn reordering_moves_each_item_once() {
        let items = vec!["a".to_string(), "b".into(), "c".into()];
        assert_eq!(reordered(items, &[2, 0, 1]), ["c", "a", "b"]);
    }
}

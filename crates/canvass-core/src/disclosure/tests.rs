//! Unit tests of suppression on small hand-made tables.

use super::*;
use crate::filter::Filter;

/// A one-way table: options summing to a fixed total.
pub(crate) fn one_way(counts: &[usize]) -> Layout {
    let mut layout = Layout::default();
    let parts: Vec<usize> = counts
        .iter()
        .enumerate()
        .map(|(i, &n)| layout.push(n, Role::Cell, key1(0, i)))
        .collect();
    let total = layout.push(counts.iter().sum(), Role::Fixed, key1(0, usize::MAX));
    layout.sum(total, parts);
    layout
}

#[test]
fn a_lone_small_count_gets_the_smallest_other_as_complement() {
    // 3 is primary; 12 is the smallest other, so 3 and 12 share 15 and neither is known.
    let layout = one_way(&[40, 3, 12, 25]);
    let withheld = protect(&layout, 10).unwrap();
    assert_eq!(withheld, [false, true, true, false, false]);
    let b = attack(&layout, &withheld);
    assert_eq!(b[1], (0, 15));
    assert_eq!(b[2], (0, 15));
}

#[test]
fn two_small_counts_that_sum_below_k_take_a_third_and_a_lone_zero_needs_no_partner() {
    // 3 and 4 alone would share 7, itself a group of fewer than k: 25 joins them.
    let withheld = protect(&one_way(&[40, 3, 4, 25]), 10).unwrap();
    assert_eq!(withheld, [false, true, true, true, false]);
    // 6 and 9 share 15: each can lie 5 either side of its count.
    let withheld = protect(&one_way(&[40, 6, 9, 25]), 10).unwrap();
    assert_eq!(withheld, [false, true, true, false, false]);
    // A zero is withheld (it looks like any small count) but describes nobody, so
    // it needs no partner.
    let withheld = protect(&one_way(&[40, 0, 25]), 10).unwrap();
    assert_eq!(withheld, [false, true, false, false]);
}

#[test]
fn k_zero_shows_everything_and_small_fixed_totals_are_refused() {
    assert_eq!(protect(&one_way(&[1, 2]), 0).unwrap(), [false, false, false]);
    assert!(protect(&one_way(&[1, 2]), 10).is_err());
}

#[test]
fn groups_and_their_subset_sums_by_hand() {
    use crate::load::{load, LoadOptions};
    // Conditions a: x=1, b: y=1, c: z=1 over eight rows (x y z):
    // r0 111 in the view; r1 011 fails a; r2 101 fails b; r3 001 fails a, b;
    // r4 110 fails c; r5 000 fails a, b, c; r6 111 in; r7 011 fails a.
    let csv = "x,y,z\n1,1,1\n0,1,1\n1,0,1\n0,0,1\n1,1,0\n0,0,0\n1,1,1\n0,1,1\n";
    let ds = load(csv.as_bytes(), &LoadOptions::default()).unwrap().dataset;
    let filter = Filter::parse(&ds, &["x=1", "y=1", "z=1"]).unwrap();
    let lattice = Lattice::new(&ds, &filter, 1);
    let groups: Vec<(u32, Vec<u32>)> = lattice.groups.iter().map(|g| (g.failed, g.rows.to_list())).collect();
    assert_eq!(
        groups,
        [
            (0b001, vec![1, 7]),
            (0b010, vec![2]),
            (0b011, vec![3]),
            (0b100, vec![4]),
            (0b111, vec![5])
        ]
    );
    // Dropping exactly a group's conditions adds the groups inside it:
    // {a} 2, {b} 1, {a,b} 2+1+1, {c} 1, {a,b,c} all five groups, 6.
    let sizes: Vec<Vec<usize>> = lattice.groups.iter().map(|g| vec![g.n_respondents]).collect();
    let sums: Vec<usize> = lattice.subset_sums(&sizes).iter().map(|v| v[0]).collect();
    assert_eq!(sums, [2, 1, 4, 1, 6]);
    // With k = 2, dropping b alone adds one respondent: refused, naming b.
    assert_eq!(Lattice::new(&ds, &filter, 2).refusal(2), Ok(Some(0b010)));
}

#[test]
fn attacker_pins_a_cell_through_rows_and_columns() {
    // 2x2 table a b / c d with all margins shown: withholding only a and d leaves
    // each alone in its row, so the attacker pins both.
    let mut l = Layout::default();
    let cells: Vec<usize> = [5, 20, 30, 6]
        .iter()
        .enumerate()
        .map(|(i, &n)| l.push(n, Role::Cell, key2((0, i / 2), (1, i % 2))))
        .collect();
    let r0 = l.push(25, Role::Cell, key1(0, 0));
    let r1 = l.push(36, Role::Cell, key1(0, 1));
    let c0 = l.push(35, Role::Cell, key1(1, 0));
    let c1 = l.push(26, Role::Cell, key1(1, 1));
    let t = l.push(61, Role::Fixed, key1(usize::MAX, 0));
    l.sum(r0, vec![cells[0], cells[1]]);
    l.sum(r1, vec![cells[2], cells[3]]);
    l.sum(c0, vec![cells[0], cells[2]]);
    l.sum(c1, vec![cells[1], cells[3]]);
    l.sum(t, vec![r0, r1]);
    l.sum(t, vec![c0, c1]);
    let mut naive = vec![false; l.entries.len()];
    naive[0] = true;
    naive[3] = true;
    let b = attack(&l, &naive);
    assert_eq!((b[0], b[3]), ((5, 5), (6, 6)));
    // protect withholds the whole 2x2 interior; each cell then ranges over 0..=min(row, col).
    let withheld = protect(&l, 10).unwrap();
    assert_eq!(&withheld[..4], [true, true, true, true]);
    let b = attack(&l, &withheld);
    assert!(b[0].0 < b[0].1 && b[3].0 < b[3].1, "{b:?}");
}

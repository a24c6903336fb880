//! Classification and regression trees (CART) that keep the training rows of every
//! leaf, for drawing synthetic values from donors the way synthpop's `syn.cart` does.
//!
//! A tree is grown on binned predictors: each predictor is a [`Binned`] column of
//! small integer bins, ordered (numbers, by value; missing states before all values)
//! or unordered (categories, missing reasons among them). A split on an ordered
//! predictor is a threshold on its bins; a split on an unordered one sends a set of
//! categories left, found by ordering the node's categories by their response and
//! splitting that order as if it were a threshold: by mean for a numeric or two-class
//! response (Breiman's result makes this optimal), and for more classes by the share
//! of each of the node's three most frequent classes in turn, keeping the best. Splits
//! are scored by the fall in Gini impurity (classes) or in squared error (numbers).
//!
//! Growth stops, as rpart's does, when a node holds fewer than `3 * min_leaf` rows, a
//! split would leave a side with fewer than `min_leaf` rows, the best split improves
//! the fit by less than `cp` times the root's impurity, or the depth reaches 30.
//!
//! Bins are counted in histograms that touch only the bins present in a node, so a
//! node costs its rows times the predictors whatever the number of bins; numeric
//! predictors with many distinct values are cut into at most [`MAX_BINS`] quantile bins.
//!
//! Why not smartcore or linfa: their trees take a dense matrix of numbers (categories
//! must be one-hot or integer-coded, losing the ordering of categories by response),
//! neither returns the leaf a row falls in nor keeps its training rows (the donors),
//! neither has rpart's `cp`, and both bring linear-algebra crates the page's release
//! worker would have to carry. Growing the tree here is a few hundred lines.

/// Most bins of a numeric predictor (and most categories a predictor keeps apart).
pub const MAX_BINS: usize = 256;
/// Most response classes the split criterion tells apart; rarer ones are pooled.
pub const MAX_CLASSES: usize = 32;
/// Deepest tree grown, as rpart's `maxdepth`.
pub const MAX_DEPTH: usize = 30;
/// Largest set of a node's histograms kept for subtraction (cells), so that a level of
/// the tree holds at most a few megabytes.
const MAX_SET_CELLS: usize = 1 << 17;

/// A predictor column as bins, one per row.
#[derive(Debug, Clone, PartialEq)]
pub struct Binned {
    pub bins: Vec<u16>,
    pub n_bins: usize,
    /// Whether bin order means something (numbers) or not (categories).
    pub ordered: bool,
}

/// What a tree predicts.
#[derive(Debug, Clone, Copy)]
pub enum Response<'a> {
    /// A class per row, `< n_classes`.
    Classes { classes: &'a [u32], n_classes: usize },
    /// A number per row.
    Numbers(&'a [f64]),
}

/// How far a tree grows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    /// Fewest training rows in a leaf (rpart's `minbucket`).
    pub min_leaf: usize,
    /// Smallest improvement worth a split, as a share of the root's impurity.
    pub cp: f64,
}

impl Default for Growth {
    fn default() -> Self {
        Growth { min_leaf: 5, cp: 1e-8 }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Rule {
    /// Bins up to and including this one go left.
    AtMost(u16),
    /// Bins whose bit is set go left.
    In(Vec<u64>),
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// The leaf's training rows are `rows[start..end]`.
    Leaf { start: u32, end: u32 },
    Split {
        predictor: u32,
        rule: Rule,
        left: u32,
        right: u32,
    },
}

/// A grown tree and the training rows of each leaf.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    nodes: Vec<Node>,
    rows: Vec<u32>,
}

impl Tree {
    /// The training rows (donors) of the leaf that a row with these bins falls in;
    /// `bins[p]` is the row's bin of predictor `p`.
    pub fn donors(&self, bins: &dyn Fn(usize) -> u16) -> &[u32] {
        let mut node = 0usize;
        loop {
            match &self.nodes[node] {
                Node::Leaf { start, end } => return &self.rows[*start as usize..*end as usize],
                Node::Split {
                    predictor,
                    rule,
                    left,
                    right,
                } => {
                    let bin = bins(*predictor as usize);
                    let goes_left = match rule {
                        Rule::AtMost(t) => bin <= *t,
                        Rule::In(set) => set.get(bin as usize / 64).is_some_and(|w| w >> (bin % 64) & 1 == 1),
                    };
                    node = if goes_left { *left } else { *right } as usize;
                }
            }
        }
    }

    /// Each leaf's training rows.
    pub fn leaves(&self) -> impl Iterator<Item = &[u32]> {
        self.nodes.iter().filter_map(|n| match n {
            Node::Leaf { start, end } => Some(&self.rows[*start as usize..*end as usize]),
            Node::Split { .. } => None,
        })
    }

    pub fn n_leaves(&self) -> usize {
        self.leaves().count()
    }
}

/// Grows a tree on the training rows `rows` (indices into the predictors' and the
/// response's rows).
pub fn grow(predictors: &[&Binned], response: Response, rows: Vec<u32>, growth: &Growth) -> Tree {
    let response = Prepared::new(response, &rows);
    let max_bins = predictors.iter().map(|p| p.n_bins).max().unwrap_or(1).max(1);
    let width = response.width();
    let offsets: Vec<usize> = predictors
        .iter()
        .scan(0, |at, p| {
            let start = *at;
            *at += p.n_bins;
            Some(start)
        })
        .collect();
    let total_bins = predictors.iter().map(|p| p.n_bins).sum();
    let mut grower = Grower {
        predictors,
        response,
        growth: *growth,
        hist: Hist::new(max_bins, width),
        scratch: Vec::new(),
        touched: Vec::new(),
        offsets,
        total_bins,
        y_class: Vec::new(),
        y_value: Vec::new(),
        keyed: Vec::new(),
        order: Vec::new(),
        nodes: Vec::new(),
        root_impurity: 0.0,
    };
    let mut rows = rows;
    let n = rows.len();
    grower.root_impurity = grower.impurity(&rows);
    grower.nodes.push(Node::Leaf {
        start: 0,
        end: n as u32,
    });
    // A node big enough carries the histograms of every predictor: one child's are
    // counted from its rows and the other's are the parent's minus those, which
    // halves the counting where it costs most. Small nodes count per predictor.
    let root_set = grower.wants_set(n).then(|| grower.build_set(&rows));
    // Depth-first on an explicit stack: no recursion depth to worry about.
    let mut stack = vec![(0usize, 0usize, n, 0usize, root_set)];
    while let Some((node, start, end, depth, set)) = stack.pop() {
        let split = if depth < MAX_DEPTH {
            grower.best_split(&rows[start..end], set.as_ref())
        } else {
            None
        };
        let Some(split) = split else { continue };
        let mid = start
            + partition(&mut rows[start..end], &mut grower.scratch, |r| {
                split.goes_left(predictors, r)
            });
        let (left_set, right_set) = match set {
            Some(parent) if grower.wants_set(mid - start) || grower.wants_set(end - mid) => {
                let left_smaller = mid - start <= end - mid;
                let (small, large) = if left_smaller {
                    (start..mid, mid..end)
                } else {
                    (mid..end, start..mid)
                };
                let small_set = grower.build_set(&rows[small.clone()]);
                let large_set = parent.minus(&small_set);
                let small_set = grower.wants_set(small.len()).then_some(small_set);
                let large_set = grower.wants_set(large.len()).then_some(large_set);
                if left_smaller {
                    (small_set, large_set)
                } else {
                    (large_set, small_set)
                }
            }
            _ => (None, None),
        };
        let left = grower.nodes.len();
        grower.nodes.push(Node::Leaf {
            start: start as u32,
            end: mid as u32,
        });
        grower.nodes.push(Node::Leaf {
            start: mid as u32,
            end: end as u32,
        });
        grower.nodes[node] = Node::Split {
            predictor: split.predictor as u32,
            rule: split.rule,
            left: left as u32,
            right: left as u32 + 1,
        };
        stack.push((left + 1, mid, end, depth + 1, right_set));
        stack.push((left, start, mid, depth + 1, left_set));
    }
    Tree {
        nodes: grower.nodes,
        rows,
    }
}

/// Puts the rows for which `left` holds first, keeping order on each side; returns
/// how many went left.
fn partition(rows: &mut [u32], scratch: &mut Vec<u32>, left: impl Fn(u32) -> bool) -> usize {
    scratch.clear();
    let mut n_left = 0;
    for i in 0..rows.len() {
        let r = rows[i];
        if left(r) {
            rows[n_left] = r;
            n_left += 1;
        } else {
            scratch.push(r);
        }
    }
    rows[n_left..].copy_from_slice(scratch);
    n_left
}

/// The response with rare classes pooled so histograms stay small.
enum Prepared<'a> {
    Classes {
        classes: &'a [u32],
        /// Class → pooled class.
        pool: Vec<u32>,
        width: usize,
    },
    Numbers(&'a [f64]),
}

impl<'a> Prepared<'a> {
    fn new(response: Response<'a>, rows: &[u32]) -> Prepared<'a> {
        match response {
            Response::Numbers(values) => Prepared::Numbers(values),
            Response::Classes { classes, n_classes } => {
                let mut counts = vec![0usize; n_classes.max(1)];
                for &r in rows {
                    counts[classes[r as usize] as usize] += 1;
                }
                let mut order: Vec<usize> = (0..counts.len()).collect();
                order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
                let mut pool = vec![0u32; counts.len()];
                let kept = MAX_CLASSES - 1;
                for (rank, &class) in order.iter().enumerate() {
                    pool[class] = rank.min(kept) as u32;
                }
                let width = counts.len().min(MAX_CLASSES);
                Prepared::Classes { classes, pool, width }
            }
        }
    }

    fn width(&self) -> usize {
        match self {
            Prepared::Classes { width, .. } => *width,
            Prepared::Numbers(_) => 1,
        }
    }
}

struct Split {
    predictor: usize,
    rule: Rule,
}

impl Split {
    fn goes_left(&self, predictors: &[&Binned], row: u32) -> bool {
        let bin = predictors[self.predictor].bins[row as usize];
        match &self.rule {
            Rule::AtMost(t) => bin <= *t,
            Rule::In(set) => set[bin as usize / 64] >> (bin % 64) & 1 == 1,
        }
    }
}

/// Per-bin statistics of one node and predictor: row counts, and class counts or
/// sums of the response.
struct Hist {
    width: usize,
    n: Vec<u32>,
    classes: Vec<u32>,
    sums: Vec<f64>,
}

impl Hist {
    fn new(bins: usize, width: usize) -> Hist {
        Hist {
            width,
            n: vec![0; bins],
            classes: vec![0; bins * width],
            sums: vec![0.0; bins],
        }
    }

    /// The bins from `offset` on, as one predictor's histogram.
    fn view(&self, offset: usize, n_bins: usize) -> View<'_> {
        let w = self.width;
        View {
            width: w,
            n: &self.n[offset..offset + n_bins],
            classes: &self.classes[offset * w..(offset + n_bins) * w],
            sums: &self.sums[offset..offset + n_bins],
        }
    }

    /// Bin by bin, `self` minus `other` (a child's histograms from its parent's).
    fn minus(&self, other: &Hist) -> Hist {
        Hist {
            width: self.width,
            n: self.n.iter().zip(&other.n).map(|(a, b)| a - b).collect(),
            classes: self.classes.iter().zip(&other.classes).map(|(a, b)| a - b).collect(),
            sums: self.sums.iter().zip(&other.sums).map(|(a, b)| a - b).collect(),
        }
    }
}

/// One predictor's histogram in a node.
struct View<'a> {
    width: usize,
    n: &'a [u32],
    classes: &'a [u32],
    sums: &'a [f64],
}

struct Grower<'a> {
    predictors: &'a [&'a Binned],
    response: Prepared<'a>,
    growth: Growth,
    hist: Hist,
    scratch: Vec<u32>,
    touched: Vec<u16>,
    /// Where each predictor's bins start in a node's histogram set, and their total.
    offsets: Vec<usize>,
    total_bins: usize,
    /// Node-local buffers, reused: responses in row order, bins keyed for ordering.
    y_class: Vec<u32>,
    y_value: Vec<f64>,
    keyed: Vec<(f64, u16)>,
    order: Vec<u16>,
    nodes: Vec<Node>,
    root_impurity: f64,
}

impl Grower<'_> {
    /// n × Gini impurity for classes, the sum of squared deviations for numbers.
    fn impurity(&self, rows: &[u32]) -> f64 {
        match &self.response {
            Prepared::Classes { classes, pool, width } => {
                let mut counts = vec![0f64; *width];
                for &r in rows {
                    counts[pool[classes[r as usize] as usize] as usize] += 1.0;
                }
                let n = rows.len() as f64;
                if n == 0.0 {
                    return 0.0;
                }
                n - counts.iter().map(|c| c * c).sum::<f64>() / n
            }
            Prepared::Numbers(values) => {
                let n = rows.len() as f64;
                if n == 0.0 {
                    return 0.0;
                }
                let mean = rows.iter().map(|&r| values[r as usize]).sum::<f64>() / n;
                rows.iter().map(|&r| (values[r as usize] - mean).powi(2)).sum()
            }
        }
    }

    /// Whether a node of `n` rows is worth a full set of histograms: when counting its
    /// rows for every predictor costs more than the set's size, and the set is small
    /// enough to keep one per level of the tree.
    fn wants_set(&self, n: usize) -> bool {
        let size = self.total_bins * (self.hist.width + 1);
        size <= MAX_SET_CELLS && n.saturating_mul(self.predictors.len()) >= size
    }

    /// Every predictor's histogram over `rows`, one after another (see `offsets`).
    fn build_set(&mut self, rows: &[u32]) -> Hist {
        let width = self.hist.width;
        let mut set = Hist::new(self.total_bins, width);
        self.gather(rows);
        for (p, predictor) in self.predictors.iter().enumerate() {
            let offset = self.offsets[p];
            let bins = &predictor.bins;
            match &self.response {
                Prepared::Classes { .. } => {
                    for (&r, &k) in rows.iter().zip(&self.y_class) {
                        let b = offset + bins[r as usize] as usize;
                        set.n[b] += 1;
                        set.classes[b * width + k as usize] += 1;
                    }
                }
                Prepared::Numbers(_) => {
                    for (&r, &y) in rows.iter().zip(&self.y_value) {
                        let b = offset + bins[r as usize] as usize;
                        set.n[b] += 1;
                        set.sums[b] += y;
                    }
                }
            }
        }
        set
    }

    /// The node's responses in row order, for every predictor's pass.
    fn gather(&mut self, rows: &[u32]) {
        match &self.response {
            Prepared::Classes { classes, pool, .. } => {
                self.y_class.clear();
                self.y_class
                    .extend(rows.iter().map(|&r| pool[classes[r as usize] as usize]));
            }
            Prepared::Numbers(values) => {
                self.y_value.clear();
                self.y_value.extend(rows.iter().map(|&r| values[r as usize]));
            }
        }
    }

    fn best_split(&mut self, rows: &[u32], set: Option<&Hist>) -> Option<Split> {
        let min_leaf = self.growth.min_leaf.max(1);
        if rows.len() < 3 * min_leaf || rows.len() < 2 {
            return None;
        }
        let width = self.hist.width;
        let mut node_counts = vec![0f64; width];
        let mut node_sum = 0.0;
        self.gather(rows);
        match &self.response {
            Prepared::Classes { .. } => {
                for &k in &self.y_class {
                    node_counts[k as usize] += 1.0;
                }
                if node_counts.iter().filter(|&&c| c > 0.0).count() < 2 {
                    return None;
                }
            }
            Prepared::Numbers(_) => {
                let first = self.y_value[0];
                if self.y_value.iter().all(|&v| v == first) {
                    return None;
                }
                node_sum = self.y_value.iter().sum();
            }
        }
        let n = rows.len() as f64;
        // The part of the criterion that splits change: Σc²/n or S²/n.
        let node_score = match &self.response {
            Prepared::Classes { .. } => node_counts.iter().map(|c| c * c).sum::<f64>() / n,
            Prepared::Numbers(_) => node_sum * node_sum / n,
        };
        let node = NodeStats {
            counts: &node_counts,
            sum: node_sum,
            score: node_score,
            n: rows.len(),
            min_leaf,
        };
        let threshold = (self.growth.cp * self.root_impurity).max(1e-9 * self.root_impurity.max(1e-300));
        let mut best: Option<(f64, Split)> = None;
        for p in 0..self.predictors.len() {
            let found = match set {
                Some(set) => self.best_in_set(p, set, &node),
                None => self.best_on(p, rows, &node),
            };
            if let Some((gain, rule)) = found {
                if gain > threshold && best.as_ref().is_none_or(|(g, _)| gain > *g) {
                    best = Some((gain, Split { predictor: p, rule }));
                }
            }
        }
        best.map(|(_, split)| split)
    }

    /// The best split on predictor `p` from the node's histogram set.
    fn best_in_set(&mut self, p: usize, set: &Hist, node: &NodeStats) -> Option<(f64, Rule)> {
        let predictor = self.predictors[p];
        let view = set.view(self.offsets[p], predictor.n_bins);
        self.touched.clear();
        self.touched
            .extend((0..predictor.n_bins as u16).filter(|&b| view.n[b as usize] > 0));
        evaluate(
            predictor,
            &view,
            &self.touched,
            &self.response,
            node,
            &mut self.keyed,
            &mut self.order,
        )
    }

    /// The best split on predictor `p`, counting the node's rows into the scratch histogram.
    fn best_on(&mut self, p: usize, rows: &[u32], node: &NodeStats) -> Option<(f64, Rule)> {
        let predictor = self.predictors[p];
        let width = self.hist.width;
        let bins = &predictor.bins;
        let hist = &mut self.hist;
        match &self.response {
            Prepared::Classes { .. } => {
                for (&r, &k) in rows.iter().zip(&self.y_class) {
                    let b = bins[r as usize] as usize;
                    hist.n[b] += 1;
                    hist.classes[b * width + k as usize] += 1;
                }
            }
            Prepared::Numbers(_) => {
                for (&r, &y) in rows.iter().zip(&self.y_value) {
                    let b = bins[r as usize] as usize;
                    hist.n[b] += 1;
                    hist.sums[b] += y;
                }
            }
        }
        // The bins present, in bin order: by a scan of every bin when there are few,
        // else from the rows.
        self.touched.clear();
        if predictor.n_bins <= rows.len() {
            self.touched
                .extend((0..predictor.n_bins as u16).filter(|&b| self.hist.n[b as usize] > 0));
        } else {
            for &r in rows {
                let b = bins[r as usize];
                if !self.touched.contains(&b) {
                    self.touched.push(b);
                }
            }
            self.touched.sort_unstable();
        }
        let view = self.hist.view(0, predictor.n_bins);
        let result = evaluate(
            predictor,
            &view,
            &self.touched,
            &self.response,
            node,
            &mut self.keyed,
            &mut self.order,
        );
        for &bin in &self.touched {
            let bin = bin as usize;
            self.hist.n[bin] = 0;
            self.hist.sums[bin] = 0.0;
            self.hist.classes[bin * width..(bin + 1) * width].fill(0);
        }
        result
    }
}

/// The best split of one predictor's histogram over the bins present (`touched`, in
/// bin order).
fn evaluate(
    predictor: &Binned,
    view: &View,
    touched: &[u16],
    response: &Prepared,
    node: &NodeStats,
    keyed: &mut Vec<(f64, u16)>,
    order: &mut Vec<u16>,
) -> Option<(f64, Rule)> {
    if touched.len() < 2 {
        return None;
    }
    if predictor.ordered {
        return scan(view, touched, response, node).map(|(gain, at)| (gain, Rule::AtMost(touched[at])));
    }
    let width = view.width;
    // Orderings to try: by mean, or by the share of each of the three commonest classes.
    let tries: Vec<Option<usize>> = match response {
        Prepared::Numbers(_) => vec![None],
        Prepared::Classes { .. } => {
            let mut commonest: Vec<usize> = (0..width).filter(|&k| node.counts[k] > 0.0).collect();
            commonest.sort_by(|&a, &b| node.counts[b].total_cmp(&node.counts[a]).then(a.cmp(&b)));
            let tries = if commonest.len() <= 2 { 1 } else { 3 };
            commonest.into_iter().take(tries).map(Some).collect()
        }
    };
    let mut best: Option<(f64, Rule)> = None;
    for class in tries {
        keyed.clear();
        keyed.extend(touched.iter().map(|&b| {
            let bin = b as usize;
            let key = match class {
                None => view.sums[bin] / view.n[bin] as f64,
                Some(k) => view.classes[bin * width + k] as f64 / view.n[bin] as f64,
            };
            (key, b)
        }));
        keyed.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        order.clear();
        order.extend(keyed.iter().map(|&(_, b)| b));
        let Some((gain, at)) = scan(view, order, response, node) else {
            continue;
        };
        if best.as_ref().is_some_and(|(g, _)| gain <= *g) {
            continue;
        }
        let mut set = vec![0u64; predictor.n_bins.div_ceil(64).max(1)];
        let n_left: u32 = order[..=at].iter().map(|&b| view.n[b as usize]).sum();
        // Categories absent from the node follow the larger side.
        if 2 * n_left as usize >= node.n {
            set.fill(u64::MAX);
            for &b in &order[at + 1..] {
                set[b as usize / 64] &= !(1 << (b % 64));
            }
        } else {
            for &b in &order[..=at] {
                set[b as usize / 64] |= 1 << (b % 64);
            }
        }
        best = Some((gain, Rule::In(set)));
    }
    best
}

/// A node's own statistics, shared by every predictor's search.
struct NodeStats<'a> {
    counts: &'a [f64],
    sum: f64,
    /// Σc²/n for classes, S²/n for numbers.
    score: f64,
    n: usize,
    min_leaf: usize,
}

/// Scans the bins in `order`, splitting after each; returns the best gain and the
/// position in `order` of the last bin going left.
fn scan(hist: &View, order: &[u16], response: &Prepared, node: &NodeStats) -> Option<(f64, usize)> {
    let width = hist.width;
    let (n, min_leaf) = (node.n, node.min_leaf);
    let mut n_left = 0usize;
    let mut best: Option<(f64, usize)> = None;
    match response {
        Prepared::Classes { .. } => {
            let mut left = [0f64; MAX_CLASSES];
            let mut left_sq = 0.0;
            let mut right_sq: f64 = node.counts.iter().map(|c| c * c).sum();
            for (at, &bin) in order[..order.len() - 1].iter().enumerate() {
                let bin = bin as usize;
                n_left += hist.n[bin] as usize;
                for (k, &count) in hist.classes[bin * width..(bin + 1) * width].iter().enumerate() {
                    if count > 0 {
                        let x = count as f64;
                        let l = left[k];
                        let r = node.counts[k] - l;
                        left_sq += 2.0 * l * x + x * x;
                        right_sq += -2.0 * r * x + x * x;
                        left[k] = l + x;
                    }
                }
                let n_right = n - n_left;
                if n_left < min_leaf || n_right < min_leaf {
                    continue;
                }
                let gain = left_sq / n_left as f64 + right_sq / n_right as f64 - node.score;
                if best.is_none_or(|(g, _)| gain > g) {
                    best = Some((gain, at));
                }
            }
        }
        Prepared::Numbers(_) => {
            let mut sum_left = 0.0;
            for (at, &bin) in order[..order.len() - 1].iter().enumerate() {
                let bin = bin as usize;
                n_left += hist.n[bin] as usize;
                sum_left += hist.sums[bin];
                let n_right = n - n_left;
                if n_left < min_leaf || n_right < min_leaf {
                    continue;
                }
                let sum_right = node.sum - sum_left;
                let gain = sum_left * sum_left / n_left as f64 + sum_right * sum_right / n_right as f64 - node.score;
                if best.is_none_or(|(g, _)| gain > g) {
                    best = Some((gain, at));
                }
            }
        }
    }
    best
}

"""Computes expected-survey-200.json from survey-200.csv with scipy, numpy and pandas,
independently of canvass. The Rust test `tests/stats_vs_scipy.rs` compares canvass's
numbers with these. Run: python3 make_expected.py (needs scipy and pandas).
"""
import json
import math

import numpy as np
import pandas as pd
from scipy.stats import binomtest, chi2_contingency
from scipy.stats.contingency import association

Z = 1.959963984540054

df = pd.read_csv("survey-200.csv", keep_default_na=False, na_values=[""])
out = {}


def wilson(count, n):
    """Wilson score interval in percent (for weighted counts, where binomtest cannot go)."""
    p = count / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return [100 * max(centre - half, 0.0), 100 * min(centre + half, 1.0)]


def scipy_wilson(count, n):
    ci = binomtest(int(count), int(n)).proportion_ci(confidence_level=0.95, method="wilson")
    return [100 * ci.low, 100 * ci.high]


def adjusted_residuals(table):
    table = np.asarray(table, dtype=float)
    n = table.sum()
    rows = table.sum(axis=1, keepdims=True)
    cols = table.sum(axis=0, keepdims=True)
    expected = rows * cols / n
    return (table - expected) / np.sqrt(expected * (1 - rows / n) * (1 - cols / n))


def holm(p):
    order = sorted(range(len(p)), key=lambda i: p[i])
    m = len(p)
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


# Frequencies of region, answered base, with scipy's Wilson intervals.
counts = df["region"].value_counts()
n = int(counts.sum())
out["freq_region"] = {
    "n": n,
    "rows": {
        label: {"count": int(c), "percent": 100 * c / n, "ci": scipy_wilson(c, n)} for label, c in counts.items()
    },
}

# Plan has blanks: three bases.
plan = df["plan"]
out["freq_plan_bases"] = {"answered": int(plan.notna().sum()), "asked": len(df), "all": len(df)}
out["freq_plan_no_answer"] = int(plan.isna().sum())

# Crosstab region x plan over respondents who answered both.
both = df.dropna(subset=["region", "plan"])
table = pd.crosstab(both["region"], both["plan"])
chi2, p, dof, expected = chi2_contingency(table.values, correction=False)
res = adjusted_residuals(table.values)
out["crosstab_region_plan"] = {
    "counts": {r: {c: int(table.loc[r, c]) for c in table.columns} for r in table.index},
    "row_totals": {r: int(v) for r, v in table.sum(axis=1).items()},
    "col_totals": {c: int(v) for c, v in table.sum(axis=0).items()},
    "total": int(table.values.sum()),
    "chi2": chi2,
    "df": int(dof),
    "p": p,
    "cramers_v": association(table.values, method="cramer"),
    "low_expected_share": float((expected < 5).mean()),
    "residuals": {r: {c: res[i, j] for j, c in enumerate(table.columns)} for i, r in enumerate(table.index)},
    "row_percent": {
        r: {c: 100 * table.loc[r, c] / table.loc[r].sum() for c in table.columns} for r in table.index
    },
    "row_ci": {
        r: {c: scipy_wilson(table.loc[r, c], table.loc[r].sum()) for c in table.columns} for r in table.index
    },
    "col_percent": {
        r: {c: 100 * table.loc[r, c] / table[c].sum() for c in table.columns} for r in table.index
    },
}

# Weighted: sums of weights, Kish's effective n, chi-square on counts rescaled to it.
wtable = both.pivot_table(index="region", columns="plan", values="weight", aggfunc="sum", fill_value=0.0)
w = both["weight"]
n_eff = w.sum() ** 2 / (w**2).sum()
scaled = wtable.values * n_eff / w.sum()
wchi2, wp, wdof, _ = chi2_contingency(scaled, correction=False)
out["weighted_crosstab_region_plan"] = {
    "counts": {r: {c: float(wtable.loc[r, c]) for c in wtable.columns} for r in wtable.index},
    "total": float(w.sum()),
    "effective_n": n_eff,
    "chi2": wchi2,
    "df": int(wdof),
    "p": wp,
    "cramers_v": math.sqrt(wchi2 / (n_eff * (min(scaled.shape) - 1))),
}

# Weighted frequencies of region: percent of the weight, Wilson on the effective n.
wr = df.groupby("region")["weight"].sum()
W = df["weight"].sum()
n_eff_all = W**2 / (df["weight"] ** 2).sum()
out["weighted_freq_region"] = {
    "n": float(W),
    "effective_n": n_eff_all,
    "rows": {r: {"count": float(v), "percent": 100 * v / W, "ci": wilson(v / W * n_eff_all, n_eff_all)} for r, v in wr.items()},
}

# A filter: region North or South, and age 30 or more. Frequencies of plan.
view = df[df["region"].isin(["North", "South"]) & (df["age"] >= 30)]
out["filtered_plan"] = {
    "respondents": len(view),
    "counts": {k: int(v) for k, v in view["plan"].value_counts().items()},
    "no_answer": int(view["plan"].isna().sum()),
}

# Age in decades, income by Freedman-Diaconis rounded to a whole width (canvass's rule
# for whole numbers).
ages = df["age"].dropna().to_numpy()
lo = math.floor(ages.min() / 10) * 10
hi = math.floor(ages.max() / 10) * 10 + 10
age_edges = np.arange(lo, hi + 1, 10)
age_counts, _ = np.histogram(ages, bins=age_edges)
out["age_histogram"] = {"edges": age_edges.tolist(), "counts": age_counts.tolist()}
income = df["income"].to_numpy(dtype=float)


def round_width(raw):
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that is whole and >= raw."""
    magnitude = 1
    while True:
        for m in (1, 2, 2.5, 5):
            w = m * magnitude
            if w == int(w) and w >= raw:
                return w
        magnitude *= 10


# Income is whole numbers: the Freedman-Diaconis width (numpy's own, from the edges it
# would place) rounded up to a round whole number, edges at its multiples.
numpy_fd = np.histogram_bin_edges(income, bins="fd")
q75, q25 = np.percentile(income, [75, 25])
fd_width = 2 * (q75 - q25) * len(income) ** (-1 / 3)
assert len(numpy_fd) - 1 == math.ceil((income.max() - income.min()) / fd_width)
width = round_width(max(fd_width, 1))
lo = math.floor(income.min() / width) * width
fd_edges = np.arange(lo, income.max() + width, width)
fd_edges = fd_edges[: np.searchsorted(fd_edges, income.max(), side="right") + 1]
fd_counts, _ = np.histogram(income, bins=fd_edges)
out["income_histogram"] = {"edges": fd_edges.tolist(), "counts": fd_counts.tolist()}
out["age_summary"] = {
    "n": int(len(ages)),
    "mean": float(ages.mean()),
    "median": float(np.median(ages)),
    "q1": float(np.percentile(ages, 25)),
    "q3": float(np.percentile(ages, 75)),
}

# Satisfaction in scale order: top-2-box share of the answered.
sat = df["satisfaction"]
top2 = int(sat.isin(["Good", "Very good"]).sum())
out["satisfaction_top2"] = {"count": top2, "percent": 100 * top2 / len(sat), "ci": scipy_wilson(top2, len(sat))}

# Multi-select tools (git, docker, ci) by plan: respondent-based counts, and one
# chi-square per option (selected or not by plan), Holm-adjusted.
tools = ["git", "docker", "ci"]
counts = {t: {c: int(both.loc[both["plan"] == c, t].sum()) for c in table.columns} for t in tools}
tests = {}
ps = []
for t in tools:
    sub = pd.crosstab(both[t], both["plan"])
    s, pv, d, _ = chi2_contingency(sub.values, correction=False)
    tests[t] = {"statistic": s, "df": int(d), "p": pv}
    ps.append(pv)
for t, adj in zip(tools, holm(ps)):
    tests[t]["p_holm"] = adj
out["multi_tools_plan"] = {
    "counts": counts,
    "row_totals": {t: int(both[t].sum()) for t in tools},
    "col_totals": {c: int((both["plan"] == c).sum()) for c in table.columns},
    "tests": tests,
}



def binned(values, edges):
    """pd.cut into [lo, hi) bins, the last bin also holding its upper edge as
    numpy.histogram's does; labels as canvass writes them ("20–30")."""
    fmt = lambda v: f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")
    labels = [f"{fmt(a)}–{fmt(b)}" for a, b in zip(edges[:-1], edges[1:])]
    cut = pd.cut(values, bins=edges, right=False, labels=labels)
    cut[values == edges[-1]] = labels[-1]
    return cut, labels


def crosstab_json(rows, cols, row_labels):
    table = pd.crosstab(rows, cols, dropna=True).reindex(index=row_labels, fill_value=0)
    return {
        "row_labels": row_labels,
        "counts": {r: {c: int(table.loc[r, c]) for c in table.columns} for r in row_labels},
        "row_totals": {r: int(table.loc[r].sum()) for r in row_labels},
        "col_totals": {c: int(v) for c, v in table.sum(axis=0).items()},
        "total": int(table.values.sum()),
    }


# A numeric side of a crosstab is binned like its histogram: ages in decades by
# region, income (Freedman-Diaconis edges over the whole file) by plan.
has_age = df.dropna(subset=["age"])
age_bins, age_labels = binned(has_age["age"], age_edges)
out["crosstab_age_region"] = crosstab_json(age_bins, has_age["region"], age_labels)
has_plan = df.dropna(subset=["plan"])
income_bins, income_labels = binned(has_plan["income"].astype(float), fd_edges)
out["crosstab_income_plan"] = crosstab_json(income_bins, has_plan["plan"], income_labels)

# A filtered histogram keeps the whole file's edges: income of the North region.
north = df[df["region"] == "North"]["income"].to_numpy(dtype=float)
north_counts, _ = np.histogram(north, bins=fd_edges)
out["income_histogram_north"] = {"edges": fd_edges.tolist(), "counts": north_counts.tolist()}

with open("expected-survey-200.json", "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")

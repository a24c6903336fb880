#!/usr/bin/env python3
"""Scores a release against its raw file with independent tools, so that canvass's
release report can be checked against them:

- SDMetrics' QualityReport (Column Shapes; Column Pair Trends over every pair and, as
  SDMetrics does by default, over the pairs associated in the real data only),
  DCRBaselineProtection
  and DCROverfittingProtection;
- statsmodels' logistic regression for the pMSE and S_pMSE;
- scipy's Pearson chi-square for the conclusions kept;
- statsmodels' Wilson intervals for the confidence-interval overlap.

    python scripts/release/score_sdmetrics.py RAW.tsv CODEBOOK.json RELEASE.tsv \
        [--dcr-synthetic DCR.tsv] [--write-in-min 3] [--json OUT.json]

The files are read as canvass reads them for scoring: a multi-select named in the
codebook becomes one column per option (selected / not selected, blank when the
question has no answer); a column whose every answer is a number, with at least 15
distinct values, is numerical; every other column is categorical, with a blank cell
as a category of its own. With --write-in-min N, an answer fewer than N respondents
gave in a categorical column the codebook does not describe is blanked in the raw
file, and so is a multi-select cell with none of the codebook's options, as a
release withholds such write-ins (docs/release.md), so that both sides are the data
the release was made from. DCROverfittingProtection trains on the raw rows at even
0-based positions and validates on the odd ones, as scripts/release/synthpop_cart.R
splits them. Needs: pip install sdmetrics statsmodels scipy pandas.
"""

import argparse
import itertools
import json
import math
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import chi2_contingency
from sdmetrics.reports.single_table import QualityReport
from sdmetrics.single_table import DCRBaselineProtection, DCROverfittingProtection
from statsmodels.stats.proportion import proportion_confint

BLANK = "(blank)"


def read(path, header_rows=1):
    """A tab-separated file; header rows after the first (Qualtrics' question text and
    import ids) are skipped."""
    skip = list(range(1, header_rows))
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, na_values=[""], quoting=3, skiprows=skip)


def encode(df, multis, numerical=None):
    """The table as scored columns, and each column's sdtype. `numerical` names the
    numerical columns when they are already known (from the raw file)."""
    out, sdtypes = {}, {}
    for name in df.columns:
        cells = df[name]
        if name in multis:
            options, sep = multis[name]
            picked = cells.map(lambda x: None if pd.isna(x) else x.split(sep))
            for opt in options:
                col = f"{name}[{opt}]"
                out[col] = picked.map(lambda p: BLANK if p is None else ("selected" if opt in p else "not selected"))
                sdtypes[col] = "categorical"
            continue
        numbers = pd.to_numeric(cells, errors="coerce")
        if numerical is not None:
            is_numerical = name in numerical
        else:
            is_numerical = numbers.isna().equals(cells.isna()) and numbers.nunique() >= 15
        if is_numerical:
            out[name] = numbers
            sdtypes[name] = "numerical"
        else:
            out[name] = cells.fillna(BLANK)
            sdtypes[name] = "categorical"
    return pd.DataFrame(out), sdtypes


def metadata(sdtypes):
    return {"columns": {c: {"sdtype": t} for c, t in sdtypes.items()}}


def independent_columns(x):
    """Columns of x that are not linear combinations of the ones before them (modified
    Gram-Schmidt against an orthonormal basis of the kept columns)."""
    kept, basis = [], []
    for j in range(x.shape[1]):
        col = x[:, j].astype(float)
        rest = col.copy()
        for q in basis:
            rest -= (q @ rest) * q
        norm2 = rest @ rest
        if norm2 > 1e-7 * (col @ col):
            kept.append(j)
            basis.append(rest / np.sqrt(norm2))
    return kept


def pmse(raw, syn, sdtypes):
    stacked = pd.concat([raw, syn], ignore_index=True)
    y = np.r_[np.zeros(len(raw)), np.ones(len(syn))]
    parts = [np.ones((len(stacked), 1))]
    for col, kind in sdtypes.items():
        v = stacked[col]
        if kind == "numerical":
            present = v.notna()
            if v[present].nunique() > 1:
                z = (v - v[present].mean()) / v[present].std(ddof=0)
                parts.append(z.fillna(0.0).to_numpy()[:, None])
            if (~present).any():
                parts.append((~present).astype(float).to_numpy()[:, None])
        else:
            dummies = pd.get_dummies(v, dtype=float)
            parts.append(dummies.to_numpy()[:, 1:])
    x = np.hstack(parts)
    x = x[:, independent_columns(x)]
    # The same small ridge on the slopes as canvass (1e-4 on the log-likelihood, which
    # statsmodels scales by 1/n), so that a level seen on one side only stays finite.
    alpha = np.full(x.shape[1], 1e-4 / len(y))
    alpha[0] = 0.0
    fit = sm.GLM(y, x, family=sm.families.Binomial()).fit_regularized(alpha=alpha, L1_wt=0.0)
    p = 1.0 / (1.0 + np.exp(-(x @ fit.params)))
    n, k = len(y), x.shape[1]
    c = len(syn) / n
    value = float(np.mean((p - c) ** 2))
    expected = (k - 1) * (1 - c) ** 2 * c / n
    return {"pmse": value, "k": k, "expected": expected, "s_pmse": value / expected}


def conclusions(raw, syn, sdtypes):
    cats = [c for c, t in sdtypes.items() if t == "categorical"]
    tested = significant = kept = spurious = 0

    def p_value(df, a, b):
        answered = df[(df[a] != BLANK) & (df[b] != BLANK)]
        table = pd.crosstab(answered[a], answered[b])
        if table.shape[0] < 2 or table.shape[1] < 2:
            return None
        return chi2_contingency(table.to_numpy(), correction=False).pvalue

    for a, b in itertools.combinations(cats, 2):
        p_raw = p_value(raw, a, b)
        if p_raw is None:
            continue
        tested += 1
        p_syn = p_value(syn, a, b)
        syn_sig = p_syn is not None and p_syn < 0.05
        if p_raw < 0.05:
            significant += 1
            kept += int(syn_sig)
        elif syn_sig:
            spurious += 1
    return {"n_tested": tested, "n_significant_raw": significant, "n_kept": kept, "n_spurious": spurious}


def ci_overlap(raw, syn, sdtypes):
    overlaps = []
    for col, kind in sdtypes.items():
        if kind != "categorical":
            continue
        r = raw[col][raw[col] != BLANK]
        s = syn[col][syn[col] != BLANK]
        if len(r) == 0 or len(s) == 0:
            continue
        answers = ["selected"] if col.endswith("]") else sorted(set(r) | set(s))
        for answer in answers:
            lr, ur = proportion_confint((r == answer).sum(), len(r), alpha=0.05, method="wilson")
            ls, us = proportion_confint((s == answer).sum(), len(s), alpha=0.05, method="wilson")
            shared = min(ur, us) - max(lr, ls)
            overlaps.append(0.5 * (shared / (ur - lr) + shared / (us - ls)))
    return {"n_estimates": len(overlaps), "mean": float(np.mean(overlaps)) if overlaps else None}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("raw")
    ap.add_argument("codebook")
    ap.add_argument("release")
    ap.add_argument("--dcr-synthetic", help="a synthesis from the raw rows at even positions")
    ap.add_argument("--json", help="write the scores here as well as to stdout")
    ap.add_argument("--write-in-min", type=int, default=0, help="blank rarer answers of undescribed columns")
    args = ap.parse_args()

    with open(args.codebook, encoding="utf-8") as f:
        codebook = json.load(f)
    multis = {
        q["id"]: (q["options"], q["separator"]) for q in codebook.get("questions", []) if q.get("kind") == "multi"
    }
    header_rows = codebook.get("layout", {}).get("header_rows", 1)
    raw_df = read(args.raw, header_rows)
    released = read(args.release, header_rows)
    # canvass scores answers only: free text, identifiers and dates count for exact
    # copies alone.
    unscored = {q["id"] for q in codebook.get("questions", []) if q.get("kind") in ("text", "identifier", "datetime")}
    released = released[[c for c in released.columns if c in raw_df.columns and c not in unscored]]
    described = {q["id"] for q in codebook.get("questions", [])}
    if args.write_in_min:
        for name, (options, sep) in multis.items():
            if name in raw_df.columns:
                # A respondent who wrote in only gave no listed answer: blank.
                cells = raw_df[name]
                listed = cells.map(lambda x: pd.isna(x) or any(p in options for p in x.split(sep)))
                raw_df[name] = cells.where(listed)
        for name in released.columns:
            if name in described or name in multis:
                continue
            cells = raw_df[name]
            if pd.to_numeric(cells, errors="coerce").isna().equals(cells.isna()):
                continue  # every answer a number
            counts = cells.value_counts()
            rare = set(counts[counts < args.write_in_min].index)
            raw_df[name] = cells.where(~cells.isin(rare))
    raw, sdtypes = encode(raw_df[released.columns], multis)
    numerical = {c for c, t in sdtypes.items() if t == "numerical"}
    syn, _ = encode(released, multis, numerical)
    meta = metadata(sdtypes)

    # SDMetrics' default averages Column Pair Trends over the pairs associated in the
    # real data only (Cramér's V > 0.3, |r| > 0.5); with both thresholds at 0 it
    # averages every pair, which gives the per-pair scores.
    report = QualityReport()
    report.generate(raw, syn, meta, verbose=False)
    props_default = report.get_properties().set_index("Property")["Score"]
    report = QualityReport()
    report.real_correlation_threshold = 0
    report.real_association_threshold = 0
    report.generate(raw, syn, meta, verbose=False)
    shapes = report.get_details("Column Shapes")
    trends = report.get_details("Column Pair Trends")
    props = report.get_properties().set_index("Property")["Score"]

    baseline = DCRBaselineProtection.compute_breakdown(raw, syn, meta, None)
    out = {
        "sdmetrics_version": __import__("sdmetrics").__version__,
        "sdtypes": sdtypes,
        "column_shapes": float(props["Column Shapes"]),
        "column_pair_trends": float(props["Column Pair Trends"]),
        "column_pair_trends_default_thresholds": float(props_default["Column Pair Trends"]),
        "shapes": {r.Column: {"metric": r.Metric, "score": float(r.Score)} for r in shapes.itertuples()},
        "pairs": [
            {"a": r._1, "b": r._2, "metric": r.Metric, "score": None if math.isnan(r.Score) else float(r.Score)}
            for r in trends.rename(columns={"Column 1": "_1", "Column 2": "_2"}).itertuples()
        ],
        "dcr_baseline_protection": {
            "median_dcr_synthetic": float(baseline["median_DCR_to_real_data"]["synthetic_data"]),
        },
        "pmse": pmse(raw, syn, sdtypes),
        "conclusions": conclusions(raw, syn, sdtypes),
        "ci_overlap": ci_overlap(raw, syn, sdtypes),
    }
    if args.dcr_synthetic:
        dcr_syn, _ = encode(read(args.dcr_synthetic, header_rows)[released.columns], multis, numerical)
        fit, held = raw.iloc[0::2].reset_index(drop=True), raw.iloc[1::2].reset_index(drop=True)
        over = DCROverfittingProtection.compute_breakdown(fit, dcr_syn, held, meta, None)
        out["dcr_overfitting_protection"] = {
            "score": float(over["score"]),
            "closer_to_training": float(over["synthetic_data_percentages"]["closer_to_training"]),
        }
    text = json.dumps(out, indent=1, ensure_ascii=False, sort_keys=True, default=int)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())

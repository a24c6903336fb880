"""Expected chi-square of `canvass crosstab tests/data/one-header-row.csv @2 @3 --k 0`
(language by NumPy use), for tests/cli.rs. Run: python3 crosstab_one_header_row.py
"""
import pandas as pd
from scipy.stats import chi2_contingency
from scipy.stats.contingency import association

df = pd.read_csv("../../../../tests/data/one-header-row.csv").dropna(subset=["Which language do you use most?"])
table = pd.crosstab(df["Which language do you use most?"], df["How often do you use NumPy?"])
chi2, p, dof, expected = chi2_contingency(table.values, correction=False)
print(f"chi2 {chi2!r} df {dof} p {p!r} V {association(table.values, method='cramer')!r}")
print(f"share of expected counts below 5: {(expected < 5).mean()!r}")

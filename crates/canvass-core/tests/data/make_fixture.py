"""Writes survey-200.csv: a made-up survey of 200 respondents for checking canvass's
statistics against scipy, numpy and pandas (see make_expected.py).

Columns: region and plan (single choice, related so the chi-square test has something
to find), satisfaction (a five-point scale), age (some blank), income (skewed, for the
Freedman-Diaconis rule), weight, and three 0/1 columns that the Rust test turns into
one multi-select question ("tools"). Run: python3 make_fixture.py
"""
import csv
import random

rng = random.Random(20261127)
regions = ["North", "South", "East", "West"]
plans = ["Free", "Pro", "Team"]
scale = ["Very poor", "Poor", "Fair", "Good", "Very good"]

rows = []
for i in range(200):
    region = rng.choices(regions, weights=[5, 3, 2, 1])[0]
    plan_weights = {"North": [6, 3, 1], "South": [3, 4, 3], "East": [2, 3, 5], "West": [4, 4, 2]}[region]
    plan = rng.choices(plans, weights=plan_weights)[0] if rng.random() > 0.04 else ""
    satisfaction = rng.choices(scale, weights=[1, 2, 4, 6, 3])[0]
    age = "" if rng.random() < 0.05 else str(rng.randint(18, 74))
    income = f"{rng.lognormvariate(10.5, 0.6):.0f}"
    weight = f"{rng.choice([0.5, 0.8, 1.0, 1.0, 1.2, 1.5, 2.5])}"
    tools = [int(rng.random() < p) for p in (0.7, 0.4 if plan == "Free" else 0.6, 0.3)]
    rows.append([f"R{i + 1:03}", region, plan, satisfaction, age, income, weight, *tools])

with open("survey-200.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["Response ID", "region", "plan", "satisfaction", "age", "income", "weight", "git", "docker", "ci"])
    w.writerows(rows)

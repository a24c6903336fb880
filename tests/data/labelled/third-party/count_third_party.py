#!/usr/bin/env python3
"""Counts what each SPSS and Stata file in this folder holds, as pyreadstat reads it,
into `expected.json`; `crates/canvass-core/tests/labelled.rs` loads every file with
canvass and compares.

    pip install pyreadstat==1.3.8 pandas
    python3 tests/data/labelled/third-party/count_third_party.py

For every variable: its label; how many cells answered; the count of each missing
code by its label ("system" for system-missing, the code itself when it has no
label); for a variable with value labels, the count of each answered value by its
label (by the code when it has none); for an unlabelled number, the sum of its
answers. For every multiple-response set: its kind, members and how many rows chose
each option. Stata files are read a second time with pandas, and the row counts and
answered counts must agree.
"""

import json
import math
import os

import pandas as pd
import pyreadstat

HERE = os.path.dirname(os.path.abspath(__file__))


def is_blank(v):
    if v is None or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return False


def code_name(v):
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def counts(path):
    sav = path.endswith((".sav", ".zsav"))
    reader = pyreadstat.read_sav if sav else pyreadstat.read_dta
    df, meta = reader(path, user_missing=True)
    raw, _ = reader(path, user_missing=True, disable_datetime_conversion=True)
    out = {"n_rows": int(meta.number_rows), "variables": {}, "mr_sets": {}}
    user_missing = meta.missing_user_values or {}
    ranges = meta.missing_ranges or {}
    for name in meta.column_names:
        labels = meta.variable_value_labels.get(name, {})
        is_string = meta.readstat_variable_types[name] == "string"
        is_date = str(df[name].dtype).startswith("datetime") or any(
            not is_blank(v) and not isinstance(v, (str, int, float)) for v in df[name]
        )

        def is_user_missing(v):
            # Stata's .a-.z arrive as their letter; SPSS codes fall in a declared range.
            if not sav and isinstance(v, str) and not is_string:
                return v in user_missing.get(name, []) or len(v) == 1
            return any(r["lo"] <= v <= r["hi"] for r in ranges.get(name, []) if type(r["lo"]) is type(v))

        # Labels only of missing codes leave the answers unlabelled numbers.
        if not any(not is_user_missing(k) for k in labels):
            labels = {}
        missing_labels = meta.variable_value_labels.get(name, {})
        entry = {"label": meta.column_names_to_labels.get(name), "answered": 0, "missing": {}}
        values = {}
        total = 0.0
        for v, r in zip(df[name], raw[name]):
            if is_blank(v) or (is_string and v == ""):
                key = "system"
            elif is_user_missing(v):
                key = missing_labels.get(v, code_name(v))
            else:
                entry["answered"] += 1
                key = None
                if labels:
                    label = labels.get(v, code_name(v))
                    values[label] = values.get(label, 0) + 1
                elif not is_string and not is_date:
                    total += float(r)
            if key is not None:
                entry["missing"][key] = entry["missing"].get(key, 0) + 1
        if labels:
            entry["values"] = values
        elif not is_string and not is_date:
            entry["sum"] = total
        out["variables"][name] = entry
    for set_name, spec in (getattr(meta, "mr_sets", {}) or {}).items():
        members = spec["variable_list"]
        options = {}
        if spec["type"] == "D":
            for m in members:
                label = meta.column_names_to_labels.get(m) or m
                options[label] = int((df[m] == float(spec["counted_value"])).sum())
        else:
            labels = meta.variable_value_labels.get(members[0], {})
            for code, label in labels.items():
                options[label] = int((df[members] == code).any(axis=1).sum())
        out["mr_sets"][set_name.lstrip("$")] = {"kind": spec["type"], "members": members, "options": options}
    if not sav:
        frame = pd.read_stata(path, convert_categoricals=False, convert_dates=False)
        assert len(frame) == out["n_rows"], path
        for name, entry in out["variables"].items():
            answered = int((frame[name].notna() & (frame[name].astype(str) != "")).sum())
            assert answered == entry["answered"], (path, name, answered, entry["answered"])
    return out


def main():
    expected = {}
    for name in sorted(os.listdir(HERE)):
        if name.endswith((".sav", ".zsav", ".dta")):
            expected[name] = counts(os.path.join(HERE, name))
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

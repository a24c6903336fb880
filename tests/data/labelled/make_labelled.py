#!/usr/bin/env python3
"""Writes the SPSS and Stata fixtures in this folder and the counts they should load to.

    pip install pyreadstat pandas
    python3 tests/data/labelled/make_labelled.py

The files are written by pyreadstat (ReadStat) and pandas, tools independent of the
loader, and `expected.json` holds what pyreadstat reads back from each file: for every
variable, the count of each labelled value (by label) and of each missing code (by its
label, or "system" for system-missing), and each multiple-response set's counts. The
tests decide which missing reason a label means; this file only states what is there.

pyreadstat writes no multiple-response sets and no weight, so for `survey-mrsets.sav`
the script adds a record 7/7 and sets the header's weight index by hand, as the
system file format describes them, and reads the set back with pyreadstat to check.
Stata's binary releases 102 to 113 (`old-*.dta`), which neither tool writes, are laid
out here from Stata's description of each release, and `expected.json` holds what
pandas reads back from them.

The rows are a fixed pseudo-random sequence, so running this again writes the same
rows.
"""

import json
import os
import random
import struct

import numpy as np
import pandas as pd
import pyreadstat

HERE = os.path.dirname(os.path.abspath(__file__))
N = 60

SATISFACTION = {
    1: "Very dissatisfied",
    2: "Dissatisfied",
    3: "Neither satisfied nor dissatisfied",
    4: "Satisfied",
    5: "Very satisfied",
    77: "Don't know",
    99: "Refused",
}
REGION = {1: "Île-de-France", 2: "Provence-Alpes-Côte d’Azur", 3: "Bretagne", 98: "Not applicable"}
YESNO = {0: "No", 1: "Yes"}
RATING = {1: "Poor", 2: "Fair", 3: "Good"}
CARS = {1: "Ford", 2: "Toyota", 3: "Fiat"}
# Old releases hold value labels of at most 8 bytes.
RATING_OLD = {1: "V. poor", 2: "Poor", 3: "Fair", 4: "Good", 5: "V. good"}
APPS = ["Facebook", "Instagram", "TikTok", "Signal"]
NEWS = ["Newspapers", "Radio", "Television"]


def rows():
    rng = random.Random(21)
    data = {k: [] for k in ["id", "q1", "region", "age"]}
    data.update({f"apps_{i + 1}": [] for i in range(len(APPS))})
    data.update({f"news{i + 1}": [] for i in range(len(NEWS))})
    data.update({"car1": [], "car2": [], "rate_price": [], "rate_quality": [], "visit": [], "wt": [], "comment": []})
    for r in range(N):
        data["id"].append(float(r + 1))
        # Codes 1-5, user-missing 77 and 99, system-missing, and an unlabelled 6.
        data["q1"].append(float(rng.choice([1, 2, 3, 4, 5, 5, 4, 77, 99, 6])) if r % 11 else np.nan)
        data["region"].append(float(rng.choice([1, 2, 3, 3, 98])))
        data["age"].append(float(rng.randint(18, 90)) if r % 7 else np.nan)
        asked = r % 9 != 0
        for i in range(len(APPS)):
            data[f"apps_{i + 1}"].append(float(rng.random() < 0.4) if asked else np.nan)
        for i in range(len(NEWS)):
            data[f"news{i + 1}"].append(float(rng.random() < 0.5) if r % 13 else np.nan)
        data["car1"].append(float(rng.choice([1, 2, 3])))
        data["car2"].append(float(rng.choice([1, 2, 3])) if r % 3 else np.nan)
        data["rate_price"].append(float(rng.choice([1, 2, 3])))
        data["rate_quality"].append(float(rng.choice([1, 2, 3])))
        data["visit"].append(pd.Timestamp(2024, 1, 1) + pd.Timedelta(days=rng.randint(0, 365)))
        data["wt"].append(round(rng.uniform(0.5, 2.0), 3))
        word = rng.choice(["good", "très bien", "ok", ""])
        # Some answers longer than 255 bytes: SPSS's very long strings, Stata's strL.
        data["comment"].append("très bien " * 30 if r % 10 == 3 else word)
    return pd.DataFrame(data)


LABELS = {
    "id": "Respondent number",
    "q1": "How satisfied are you with the service?",
    "region": "Région de résidence",
    "age": "Age in years",
    **{f"apps_{i + 1}": f"Which apps do you use? - {a}" for i, a in enumerate(APPS)},
    **{f"news{i + 1}": n for i, n in enumerate(NEWS)},
    "car1": "First car",
    "car2": "Second car",
    "rate_price": "Rate us: Price",
    "rate_quality": "Rate us: Quality",
    "visit": "Date of visit",
    "wt": "Weight",
    "comment": "Any comments?",
}
VALUE_LABELS = {
    "q1": SATISFACTION,
    "region": REGION,
    **{f"apps_{i + 1}": YESNO for i in range(len(APPS))},
    "car1": CARS,
    "car2": CARS,
    "rate_price": RATING,
    "rate_quality": RATING,
}


def write_savs(df):
    common = dict(
        column_labels=LABELS,
        variable_value_labels=VALUE_LABELS,
        missing_ranges={"q1": [77, 99], "region": [{"lo": 90, "hi": 99}]},
        variable_measure={"q1": "ordinal", "region": "nominal", "age": "scale", "wt": "scale", "id": "scale"},
        variable_format={"visit": "DATE11"},
    )
    pyreadstat.write_sav(df, os.path.join(HERE, "survey.sav"), **common)
    pyreadstat.write_sav(df, os.path.join(HERE, "survey-compressed.sav"), row_compress=True, **common)
    pyreadstat.write_sav(df, os.path.join(HERE, "survey.zsav"), compress=True, **common)
    add_mrsets_and_weight(os.path.join(HERE, "survey.sav"), os.path.join(HERE, "survey-mrsets.sav"), df)
    write_long_string_missing()


def write_long_string_missing():
    """Missing codes of a string longer than 8 bytes, which SPSS keeps in record 7/22."""
    rng = random.Random(22)
    reasons = ["Too expensive", "Too far away", "No time", "DK", "REFUSED", ""]
    n = 40
    df = pd.DataFrame(
        {
            "reason": [rng.choice(reasons) for _ in range(n)],
            "q1": [float(rng.choice([1, 2, 3])) for _ in range(n)],
        }
    )
    pyreadstat.write_sav(
        df,
        os.path.join(HERE, "long-string-missing.sav"),
        column_labels={"reason": "Main reason for not visiting", "q1": "Rating"},
        variable_value_labels={
            "reason": {r: r for r in reasons[:3]} | {"DK": "Don't know", "REFUSED": "Refused"},
            "q1": RATING,
        },
        missing_ranges={"reason": ["DK", "REFUSED"]},
    )


def add_mrsets_and_weight(src, dst, df):
    with open(src, "rb") as f:
        raw = bytearray(f.read())
    assert raw[:4] == b"$FL2" and struct.unpack_from("<i", raw, 64)[0] == 2, "little-endian .sav expected"
    # The weight index counts 8-byte slots; every variable before "wt" is numeric.
    slot = list(df.columns).index("wt") + 1
    struct.pack_into("<i", raw, 76, slot)
    text = (
        "\n$news=D1 1 14 News consulted news1 news2 news3\n"
        "$cars=C 11 Cars driven car1 car2\n"
    ).encode()
    record = struct.pack("<iiii", 7, 7, 1, len(text)) + text
    # The dictionary ends with record type 999 and a zero filler.
    end = raw.index(struct.pack("<ii", 999, 0))
    raw[end:end] = record
    with open(dst, "wb") as f:
        f.write(bytes(raw))


def write_dtas(df):
    sdf = df.copy()
    labels = {k: v for k, v in LABELS.items()}
    value_labels = {k: {c: l for c, l in v.items()} for k, v in VALUE_LABELS.items()}
    for version in (114, 117, 118, 119):
        out = sdf.copy()
        vl = value_labels
        if version == 114:
            # Release 114 holds strings of at most 244 bytes.
            out["comment"] = out["comment"].str.slice(0, 200)
        if version < 118:
            # Before release 118 text is Latin-1, which has no typographic apostrophe.
            vl = {k: {c: l.replace("’", "'") for c, l in v.items()} for k, v in value_labels.items()}
        out.to_stata(
            os.path.join(HERE, f"survey-{version}.dta"),
            write_index=False,
            version=version,
            variable_labels=labels,
            value_labels=vl,
            convert_dates={"visit": "td"},
            convert_strl=["comment"] if version >= 117 else None,
        )
    # Stata's extended missing values .a and .b, through pyreadstat (release 118).
    ext = pd.DataFrame(
        {
            "q1": [1, 2, "a", 3, "b", 5, 3, 4, "a", 2] * 3,
            "cars": [1, 2, 3, 1, 2, 3, 1, 2, 3, 3] * 3,
        }
    )
    pyreadstat.write_dta(
        ext,
        os.path.join(HERE, "extended-missing.dta"),
        version=14,
        column_labels={"q1": "Satisfaction (Stata)", "cars": "Car"},
        variable_value_labels={"q1": {1: "Low", 2: "Lowish", 3: "Mid", 4: "Highish", 5: "High"}, "cars": CARS},
        missing_user_values={"q1": ["a", "b"]},
    )


# The binary releases before 114, which no writer here makes, written as Stata's
# description of each release lays them out: (release, nobs bytes, data label, time
# stamp, name, format, value-label name, variable label widths).
OLD_RELEASES = {
    102: (2, 32, 0, 9, 7, 9, 32),
    103: (4, 32, 0, 9, 7, 9, 32),
    104: (4, 32, 0, 9, 7, 9, 32),
    105: (4, 32, 18, 9, 12, 9, 32),
    108: (4, 81, 18, 9, 12, 9, 81),
    110: (4, 81, 18, 33, 12, 33, 81),
    111: (4, 81, 18, 33, 12, 33, 81),
    113: (4, 81, 18, 33, 12, 33, 81),
}


def write_old_dta(df, release, big):
    nobs_w, data_label_w, stamp_w, name_w, fmt_w, lbl_w, varlab_w = OLD_RELEASES[release]
    e = ">" if big else "<"
    # name, Stata type, format, value-label table, variable label
    variables = [
        ("id", "l", "%9.0g", "", "Respondent"),
        ("q1", "b", "%8.0g", "satis", "Satisfaction"),
        ("car1", "i", "%8.0g", "cars", "First car"),
        ("age", "f", "%9.0g", "", "Age in years"),
        ("wt", "d", "%10.0g", "", "Weight"),
        ("code", "s8", "%8s", "", "Postcode"),
    ]
    old_code = {"b": 98, "i": 105, "l": 108, "f": 102, "d": 100}
    new_code = {"b": 251, "i": 252, "l": 253, "f": 254, "d": 255}
    missing = {
        "b": struct.pack(e + "b", 101 if release >= 113 else 127),
        "i": struct.pack(e + "h", 32741 if release >= 113 else 32767),
        "l": struct.pack(e + "i", 2147483621 if release >= 113 else 2147483647),
        "f": struct.pack(e + "I", 0x7F000000),
        # Doubles were missing as 2^333 up to release 105.
        "d": struct.pack(e + "d", 2.0**333) if release <= 105 else struct.pack(e + "Q", 0x7FE0000000000000),
    }

    def fixed(text, width):
        raw = text.encode("latin-1")
        assert len(raw) < width
        return raw + b"\0" * (width - len(raw))

    out = bytearray()
    # Release 102 leaves the byte-order byte zero; it was always little-endian.
    order = 0 if release == 102 else (1 if big else 2)
    out += bytes([release, order, 1, 0])
    out += struct.pack(e + "H", len(variables))
    out += struct.pack(e + ("H" if nobs_w == 2 else "I"), len(df))
    out += fixed("Old release", data_label_w)
    if stamp_w:
        out += fixed("8 Dec 2026 09:00", stamp_w)
    for _, ty, _, _, _ in variables:
        if ty.startswith("s"):
            out.append(int(ty[1:]) + (127 if release < 111 else 0))
        else:
            out.append((old_code if release < 111 else new_code)[ty])
    for name, _, _, _, _ in variables:
        out += fixed(name, name_w)
    out += b"\0" * (2 * (len(variables) + 1))
    for _, _, fmt, _, _ in variables:
        out += fixed(fmt, fmt_w)
    for _, _, _, table, _ in variables:
        out += fixed(table, lbl_w)
    for _, _, _, _, label in variables:
        out += fixed(label, varlab_w)
    if release >= 105:
        out += b"\0" * (5 if release >= 110 else 3)
    for r in range(len(df)):
        row = df.iloc[r]
        q1 = row["q1"]
        cells = {
            "id": int(row["id"]),
            "q1": None if np.isnan(q1) or q1 not in RATING_OLD else int(q1),
            "car1": int(row["car1"]),
            "age": None if np.isnan(row["age"]) else row["age"],
            "wt": None if r % 13 == 5 else row["wt"],
            "code": f"{75000 + r * 37:05d}",
        }
        for name, ty, _, _, _ in variables:
            v = cells[name]
            if ty.startswith("s"):
                out += fixed(v, int(ty[1:]) + 1)[: int(ty[1:])]
            elif v is None:
                out += missing[ty]
            else:
                out += struct.pack(e + {"b": "b", "i": "h", "l": "i", "f": "f", "d": "d"}[ty], v)
    for table, labels in (("satis", RATING_OLD), ("cars", CARS)):
        if release < 108:
            out += struct.pack(e + "H", len(labels)) + fixed(table, 9) + b"\0"
            out += b"".join(struct.pack(e + "h", c) for c in labels)
            out += b"".join(fixed(l, 9)[:8] for l in labels.values())
        else:
            txt = b"".join(l.encode("latin-1") + b"\0" for l in labels.values())
            offs, at = [], 0
            for l in labels.values():
                offs.append(at)
                at += len(l.encode("latin-1")) + 1
            body = struct.pack(e + "II", len(labels), len(txt))
            body += b"".join(struct.pack(e + "i", o) for o in offs)
            body += b"".join(struct.pack(e + "i", c) for c in labels)
            body += txt
            out += struct.pack(e + "i", len(body)) + fixed(table, name_w) + b"\0\0\0" + body
    name = f"old-{release}{'-be' if big else ''}.dta"
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(bytes(out))


def counts_pandas(path):
    """What pandas reads from a Stata file, in the shape `counts` gives."""
    with pd.io.stata.StataReader(path) as reader:
        # Labelled variables come back as categoricals of their labels.
        df = reader.read(convert_categoricals=True, convert_dates=False)
        variable_labels = reader.variable_labels()
    out = {"n_rows": len(df), "variables": {}, "mr_sets": {}}
    for name in df.columns:
        col = df[name]
        labelled = isinstance(col.dtype, pd.CategoricalDtype)
        entry = {"label": variable_labels.get(name) or None, "values": {}, "missing": {}}
        for v in col:
            if pd.isna(v):
                entry["missing"]["system"] = entry["missing"].get("system", 0) + 1
            elif labelled:
                entry["values"][str(v)] = entry["values"].get(str(v), 0) + 1
        out["variables"][name] = entry
    return out


def counts(path, reader):
    df, meta = reader(path, user_missing=True)
    out = {"n_rows": int(meta.number_rows), "variables": {}, "mr_sets": {}}
    user_missing = getattr(meta, "missing_user_values", {}) or {}
    ranges = getattr(meta, "missing_ranges", {}) or {}
    for name in meta.column_names:
        col = df[name]
        labels = meta.variable_value_labels.get(name, {})
        entry = {"label": meta.column_names_to_labels.get(name), "values": {}, "missing": {}}

        def is_user_missing(v):
            if isinstance(v, str) and name in user_missing:
                return True
            for r in ranges.get(name, []):
                if isinstance(v, (int, float)) and r["lo"] <= v <= r["hi"]:
                    return True
                # A string's missing codes come as ranges of one value.
                if isinstance(v, str) and v == r["lo"]:
                    return True
            return False

        for v in col:
            if v is None or (isinstance(v, float) and np.isnan(v)) or (v == "" and labels):
                entry["missing"]["system"] = entry["missing"].get("system", 0) + 1
            elif is_user_missing(v):
                key = labels.get(v, str(v))
                entry["missing"][key] = entry["missing"].get(key, 0) + 1
            elif labels:
                key = labels[v] if v in labels else str(int(v)) if float(v).is_integer() else str(v)
                entry["values"][key] = entry["values"].get(key, 0) + 1
        out["variables"][name] = entry
    for set_name, spec in (getattr(meta, "mr_sets", {}) or {}).items():
        members = spec["variable_list"]
        counted = spec.get("counted_value")
        answered = int(df[members].notna().any(axis=1).sum())
        if spec["type"] == "D":
            options = {LABELS[m]: int((df[m] == float(counted)).sum()) for m in members}
        else:
            options = {}
            for code, label in CARS.items():
                options[label] = int((df[members] == code).any(axis=1).sum())
        out["mr_sets"][set_name.lstrip("$")] = {"answered": answered, "options": options}
    return out


def main():
    df = rows()
    write_savs(df)
    write_dtas(df)
    for release in OLD_RELEASES:
        write_old_dta(df, release, big=False)
    write_old_dta(df, 113, big=True)
    expected = {}
    for name in sorted(os.listdir(HERE)):
        path = os.path.join(HERE, name)
        if name.endswith((".sav", ".zsav")):
            expected[name] = counts(path, pyreadstat.read_sav)
        elif name.startswith("old-"):
            expected[name] = counts_pandas(path)
        elif name.endswith(".dta"):
            expected[name] = counts(path, pyreadstat.read_dta)
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()

"""Writes kinds-checkboxes-vs-free-text-lists.csv: a Google Forms export (2,400
respondents) in which punctuation alone cannot tell a checkbox question from a
typed-in list, so the loader must look at the structure of the parts.

Columns, and what the loader must make of each:

  Timestamp
      Google Forms' timestamp, in a zone half an hour off (GMT+5:30): datetime.
  Which operating systems do you use?
      Checkboxes of three options (Linux, MacOS, Windows) plus "Other", joined by
      ";" in form order. Exactly 15 distinct cells: the 7 combinations of the three
      options and 8 cells each carrying one typed "Other" answer given by one
      respondent (ChromeOS, WSL, FreeBSD...), so most distinct parts occur once. A
      multi-select whose options are the three plus the "Other" answers, never a
      single choice of 15 combinations.
  Which of these editors do you use?
      Checkboxes of six options plus "Other", joined by ", ". Exactly 110 distinct
      cells: 60 of the 63 combinations of the six, and 50 cells in which one "Other"
      answer follows a combination, drawn from 40 editors, most given once or twice.
      A multi-select.
  Which other libraries do you use?
      Typed in by hand, names separated by commas as each respondent saw fit
      ("numpy, scipy, matplotlib", "Numpy,seaborn", "NumPy; SciPy"), in whatever
      case, with a long tail of 560 niche names each given by two respondents: about
      800 distinct names after splitting on ", ", most of them in two cells or more.
      Free text: never a multi-select of 800 options.
  Overall satisfaction (1-5)
      Whole numbers 1 to 5: ordinal, points in numeric order.
  Satisfaction with the docs
      1.0 to 5.0 written with a decimal: ordinal.
  How old are you?
      Whole numbers 18 to 74: numeric, with whole bin edges.

Everything comes from one seeded generator, so the file is the same on every run.
Run from this folder: python3 make_checkboxes_and_lists.py
"""

import csv
import itertools
import random

N = 2400
rng = random.Random(19)


def spread(cells, n_rows, weights):
    """Rows for `cells`: each cell at least once, the rest drawn by `weights`."""
    rows = list(cells)
    rows += rng.choices(cells, weights=weights, k=n_rows - len(cells))
    rng.shuffle(rows)
    return rows


def operating_systems(n_rows):
    options = ["Linux", "MacOS", "Windows"]
    combos = [";".join(c) for k in (1, 2, 3) for c in itertools.combinations(options, k)]
    other = [
        "Linux;ChromeOS",
        "Windows;WSL",
        "Linux;FreeBSD",
        "MacOS;iPadOS",
        "Linux;MacOS;Haiku",
        "Windows;Android",
        "OpenBSD",
        "Linux;Windows;Solaris",
    ]
    cells = combos + other
    assert len(set(cells)) == 15
    weights = [30, 25, 40, 12, 15, 10, 6] + [0.2] * len(other)
    return spread(cells, n_rows, weights)


def editors(n_rows):
    options = ["Jupyter", "VS Code", "PyCharm", "Spyder", "Vim", "Emacs"]
    combos = [", ".join(c) for k in range(1, 7) for c in itertools.combinations(options, k)]
    # Every respondent picks from the same six, so the popular few recur most.
    popularity = {"Jupyter": 0.7, "VS Code": 0.6, "PyCharm": 0.3, "Spyder": 0.15, "Vim": 0.2, "Emacs": 0.08}
    weight = {}
    for c in combos:
        chosen = c.split(", ")
        w = 1.0
        for o in options:
            w *= popularity[o] if o in chosen else 1 - popularity[o]
        weight[c] = w
    kept = sorted(combos, key=lambda c: -weight[c])[:60]
    write_ins = ["Sublime Text", "Neovim", "Notepad++", "Atom", "nano", "IDLE", "Thonny", "Kate", "Geany",
                 "Helix", "Zed", "Visual Studio", "RStudio", "Positron", "Eclipse", "gedit", "Micro", "Kakoune",
                 "BBEdit", "TextMate", "Nova", "Cursor", "Mu", "Wing", "Komodo", "jEdit", "Brackets",
                 "Light Table", "Lapce", "Pulsar", "Xcode", "CLion", "DataSpell", "Rider", "Code::Blocks",
                 "Textadept", "Acme", "mg", "joe", "ed"]
    zipf = [1 / (r + 1) ** 0.3 for r in range(len(write_ins))]
    other = set()
    while len(other) < 50:
        base = rng.choices(kept[:20], weights=[weight[c] for c in kept[:20]])[0]
        other.add(base + ", " + rng.choices(write_ins, weights=zipf)[0])
    other = sorted(other)
    cells = kept + other
    assert len(set(cells)) == 110
    return spread(cells, n_rows, [weight[c] * 1000 for c in kept] + [0.05] * len(other))


POPULAR = [
    ("numpy", "NumPy"), ("scipy", "SciPy"), ("matplotlib", "Matplotlib"), ("pandas", "Pandas"),
    ("seaborn", "Seaborn"), ("scikit-learn", "sklearn"), ("sympy", "SymPy"), ("numba", "Numba"),
    ("cython", "Cython"), ("dask", "Dask"), ("xarray", "Xarray"), ("pytorch", "PyTorch"),
    ("tensorflow", "TensorFlow"), ("keras", "Keras"), ("jax", "JAX"), ("statsmodels", "Statsmodels"),
    ("plotly", "Plotly"), ("bokeh", "Bokeh"), ("altair", "Altair"), ("networkx", "NetworkX"),
    ("requests", "Requests"), ("flask", "Flask"), ("django", "Django"), ("fastapi", "FastAPI"),
    ("sqlalchemy", "SQLAlchemy"), ("pillow", "Pillow"), ("opencv", "OpenCV"), ("scikit-image", "skimage"),
    ("astropy", "Astropy"), ("biopython", "Biopython"), ("h5py", "H5py"), ("netcdf4", "netCDF4"),
    ("pyarrow", "PyArrow"), ("polars", "Polars"), ("jupyter", "Jupyter"), ("ipython", "IPython"),
    ("pytest", "Pytest"), ("hypothesis", "Hypothesis"), ("mypy", "Mypy"), ("numexpr", "NumExpr"),
    ("zarr", "Zarr"), ("shapely", "Shapely"), ("geopandas", "GeoPandas"), ("cartopy", "Cartopy"),
    ("rasterio", "Rasterio"), ("xgboost", "XGBoost"), ("lightgbm", "LightGBM"),
    ("transformers", "Transformers"), ("spacy", "spaCy"), ("nltk", "NLTK"), ("gensim", "Gensim"),
    ("pymc", "PyMC"), ("emcee", "Emcee"), ("lmfit", "LMFIT"), ("pint", "Pint"), ("tqdm", "TQDM"),
]
SYLLABLES = ["py", "fast", "geo", "astro", "bio", "quant", "tensor", "grid", "spec", "fit", "plot", "stat",
             "mesh", "flow", "sig", "wave", "chem", "neuro", "cloud", "vec", "lab", "kit", "tools", "lib"]


def tail_names(n):
    """Names given once or twice: a long tail of niche packages."""
    names = set()
    while len(names) < n:
        k = rng.choice([2, 2, 3])
        names.add("".join(rng.sample(SYLLABLES, k)) + rng.choice(["", "", "", "2", "-lite", "x", "py"]))
    return sorted(names)


def written(name, variant):
    """How one respondent writes a name: as typed in its docs, all lower case, or
    capitalised."""
    r = rng.random()
    if r < 0.55:
        return name
    if r < 0.8:
        return variant
    if r < 0.98:
        return name.capitalize()
    return name.upper()


def libraries(n_rows):
    tail = tail_names(560)
    tail_left = tail * 2
    rng.shuffle(tail_left)
    zipf = [1 / (r + 1) ** 0.9 for r in range(len(POPULAR))]
    cells = []
    for _ in range(n_rows):
        if rng.random() < 0.2:
            cells.append("")
            continue
        k = min(1 + int(rng.expovariate(1 / 2.5)), 12)
        picked = []
        for _ in range(k):
            if tail_left and rng.random() < 0.3:
                picked.append(tail_left.pop())
            else:
                name, variant = rng.choices(POPULAR, weights=zipf)[0]
                picked.append(written(name, variant))
        picked = list(dict.fromkeys(picked))
        sep = rng.choices([", ", ",", "; ", " "], weights=[96, 2, 1, 1])[0]
        cells.append(sep.join(picked))
    return cells


def main():
    os_cells = operating_systems(N - 60) + [""] * 60
    editor_cells = editors(N - 150) + [""] * 150
    lib_cells = libraries(N)
    rng.shuffle(os_cells)
    rng.shuffle(editor_cells)
    rows = [["Timestamp", "Which operating systems do you use?", "Which of these editors do you use?",
             "Which other libraries do you use?", "Overall satisfaction (1-5)", "Satisfaction with the docs",
             "How old are you?"]]
    for i in range(N):
        minute = i * 7
        stamp = f"2024/03/{1 + minute // 1440:02d} {(minute // 60) % 12 + 1}:{minute % 60:02d}:00 " \
                f"{'AM' if (minute // 720) % 2 == 0 else 'PM'} GMT+5:30"
        satisfaction = rng.choices(["1", "2", "3", "4", "5"], weights=[5, 10, 25, 40, 20])[0]
        docs = rng.choices(["1.0", "2.0", "3.0", "4.0", "5.0"], weights=[8, 15, 30, 30, 17])[0]
        age = str(min(74, max(18, int(rng.gauss(36, 11)))))
        rows.append([stamp, os_cells[i], editor_cells[i], lib_cells[i], satisfaction, docs, age])
    with open("kinds-checkboxes-vs-free-text-lists.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


if __name__ == "__main__":
    main()

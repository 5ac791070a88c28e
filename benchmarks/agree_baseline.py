"""What a competent user would write without labeltui: a plain loop of `json.loads` per line
(or pandas), then scikit-learn + statsmodels + krippendorff, for the four FORMAT section 5
statistics of one choice task.

    python benchmarks/agree_baseline.py --task label [--reader json|pandas] FILE... > out.json

`--reader json` (the default, issue 15's baseline): one `json.loads` per line in a Python loop,
keeping each (annotator, item)'s last value in a dict. `--reader pandas`: `pd.read_json(lines=
True)`, drop duplicates, pivot (it holds every line's object at once: gigabytes at 1M x 3).

Same rules as `labeltui agree`: the last line per (annotator, item) counts when it is `done`;
null is "not labelled"; kappa per pair on the items both labelled; Fleiss on the items every
annotator labelled; alpha (nominal) on the items with two labels or more. Prints the same
JSON layout (only these keys).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import warnings

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa


def read_json_loop(files: list[str], task: str) -> tuple[list[str], np.ndarray, int]:
    """(annotators, (items, annotators) codes with -1 for none, number of categories)."""
    last: dict[str, dict[str, object]] = {}
    for path in files:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                obj = json.loads(line)
                value = obj.get("labels", {}).get(task)
                if obj.get("_status", "done") != "done":
                    value = None
                last.setdefault(obj["_annotator"], {})[str(obj["_id"])] = value
    names = sorted(last)
    items = sorted({i for values in last.values() for i, v in values.items() if v is not None})
    categories = sorted({v for values in last.values() for v in values.values() if v is not None})
    code = {c: k for k, c in enumerate(categories)}
    codes = np.full((len(items), len(names)), -1, dtype=np.int64)
    for column, name in enumerate(names):
        values = last[name]
        codes[:, column] = [code.get(values.get(i), -1) for i in items]
    return names, codes, len(categories)


def read_pandas(files: list[str], task: str) -> tuple[list[str], np.ndarray, int]:
    import pandas as pd

    frames = [pd.read_json(f, lines=True) for f in files]
    df = pd.concat(frames, ignore_index=True)
    df["_id"] = df["_id"].astype(str)
    df = df.drop_duplicates(["_annotator", "_id"], keep="last")
    df = df[df["_status"] == "done"]
    df["value"] = df["labels"].map(lambda labels: labels.get(task))
    df = df.dropna(subset=["value"])
    wide = df.pivot(index="_id", columns="_annotator", values="value")
    wide = wide.reindex(sorted(wide.columns), axis=1)
    categories = sorted(df["value"].unique())
    codes = np.stack(
        [pd.Categorical(wide[c], categories=categories).codes for c in wide.columns], axis=1
    ).astype(np.int64)
    return list(wide.columns), codes, len(categories)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--task", required=True)
    parser.add_argument("--reader", choices=["json", "pandas"], default="json")
    args = parser.parse_args()
    read = read_json_loop if args.reader == "json" else read_pandas
    names, codes, k = read(args.files, args.task)

    labelled = (codes >= 0).sum(axis=1)
    items = codes[labelled >= 2]
    m = labelled[labelled >= 2]
    counts = np.stack([(items == c).sum(axis=1) for c in range(k)], axis=1)
    percent = float(((counts * (counts - 1)).sum(axis=1) / (m * (m - 1))).mean())

    cohen = {}
    for (i, a), (j, b) in itertools.combinations(enumerate(names), 2):
        both = (codes[:, i] >= 0) & (codes[:, j] >= 0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = cohen_kappa_score(codes[both, i], codes[both, j], labels=list(range(k)))
        cohen[f"{a}|{b}"] = None if math.isnan(value) else float(value)

    complete = codes[labelled == len(names)]
    table, _ = aggregate_raters(complete, n_cat=k)
    fleiss = float(fleiss_kappa(table))

    reliability = np.where(items >= 0, items, np.nan).T.astype(float)
    alpha = float(
        krippendorff.alpha(
            reliability_data=reliability,
            level_of_measurement="nominal",
            value_domain=list(range(k)),
        )
    )
    out = {
        "tasks": {
            args.task: {
                "annotators": names,
                "items": len(items),
                "items_complete": len(complete),
                "percent_agreement": percent,
                "cohen_kappa": cohen,
                "fleiss_kappa": fleiss,
                "krippendorff_alpha": alpha,
            }
        }
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

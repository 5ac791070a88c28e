"""What a competent user would write without labeltui: pandas + scikit-learn + statsmodels +
krippendorff, for the four FORMAT section 5 statistics of one choice task.

    python benchmarks/agree_baseline.py --task label FILE... > baseline.json

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
import pandas as pd
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--task", required=True)
    args = parser.parse_args()

    frames = [pd.read_json(f, lines=True) for f in args.files]
    df = pd.concat(frames, ignore_index=True)
    df["_id"] = df["_id"].astype(str)
    df = df.drop_duplicates(["_annotator", "_id"], keep="last")
    df = df[df["_status"] == "done"]
    df["value"] = df["labels"].map(lambda labels: labels.get(args.task))
    df = df.dropna(subset=["value"])
    wide = df.pivot(index="_id", columns="_annotator", values="value")
    wide = wide.reindex(sorted(wide.columns), axis=1)
    categories = sorted(df["value"].unique())
    codes = np.stack(
        [pd.Categorical(wide[c], categories=categories).codes for c in wide.columns], axis=1
    ).astype(np.int64)
    names = list(wide.columns)
    k = len(categories)

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

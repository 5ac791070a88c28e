"""Inter-annotator agreement (FORMAT section 5).

The package's parts, one hop each: `analyze.py` (the orchestration: read, build each task's
matrix, compute), `reading/` (the fast reader of annotation files), `matrix.py` (a task's
item x annotator matrix), `patterns.py`, `kappa.py`, `alpha.py`, `matching.py` (the
statistics), `bootstrap.py` (confidence intervals) and `report.py` (what the readable report
shows). This module only re-exports the public names.
"""

from labeltui.core.agree.analyze import (
    WEIGHTS,
    Agreement,
    TaskResult,
    agree_files,
    analyze,
    binary_patterns,
    membership,
    pair_key,
)

__all__ = [
    "WEIGHTS",
    "Agreement",
    "TaskResult",
    "agree_files",
    "analyze",
    "binary_patterns",
    "membership",
    "pair_key",
]

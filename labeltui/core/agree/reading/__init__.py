"""Reading annotation files fast into integer columns, for `agree` and `stats`.

- `read.py`: the reader (blocks of lines to codes, big inputs split over forked processes);
- `shape.py`, `shaped.py`, `integers.py`: lines of a known shape read with NumPy, a block at
  a time, without parsing them (the rest is parsed);
- `columns.py`: a piece's columns, filled block by block in place;
- `table.py`: the `AnnotationTable` it fills, item ids as integer keys, values as codes;
  `ordered.py`: ids that come in the same order in every file grouped without a sort;
- `lines.py`: one line judged in full (the careful path, a half-written last line);
- `merge.py`: the readers' results (`ReaderResult`, `ReadError`) merged in file order;
- `fork.py`: a function in a forked child, its arrays returned through an in-memory file;
- `extras.py`, `times.py`: what `stats` reads beyond `agree` (`_ms`, dataset and gold lines;
  the first and last `_ts`).
"""

from labeltui.core.agree.reading.read import read_annotation_files
from labeltui.core.agree.reading.table import AnnotationTable, TaskColumn

__all__ = ["AnnotationTable", "TaskColumn", "read_annotation_files"]

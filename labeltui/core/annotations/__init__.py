"""The annotation-file format, in one place: every command reads JSONL lines through here.

`annotate` (the dataset index and the store's replay), `agree`, `stats`, `review`, `export`
and the importers each read lines their own fast way, but every verdict on a line comes from
these modules, so the same line gets the same answer, in the same words, from every command:

- `parse.py`: one line's bytes to a JSON value (`parse_line`, `BadLine`), the optional orjson
  parser with its fallback (`fast_loads`, `parse_fast`), the wording of a JSON error (the
  reason and the column) and of a value's type.
- `lines.py`: the line iterators: `read_lines` (a file, line by line, with offsets) and
  `LineScanner` (chunked reads by offset, resumable, for the dataset index). A byte order mark
  on the first line, blank lines, a half-written last line (left out with a note) and the
  `FILE:LINE: ...` error are handled there and nowhere else.
- `line.py`: the line model (`AnnotationLine`) and its checks: `_annotator`, `_id`, the one
  `_status` rule (`line_done`: no `_status` counts as done), `labels`, gold lines (`_from`).
- `values.py`: the task kind a stored value shows (`value_kind`) and the kind of a task from
  its values (`task_kind`), for files read without a schema.
- `files.py`: regular files only (pipes and devices are refused before a byte is read).
- `notes.py`: one-line notes on standard error, and `printable` for lone surrogates.

Nothing is imported here, so that importing one module costs only that module.
"""

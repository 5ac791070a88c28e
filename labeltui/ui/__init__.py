"""The Textual app. Only `labeltui annotate` (and review) import this package."""

from labeltui.startup import set_frame_rate

set_frame_rate()  # before Textual reads its settings (see labeltui.startup)

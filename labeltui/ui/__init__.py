"""The Textual app. Only `labeltui annotate` (and review) import this package."""

import os

# Textual paints a change on its next frame tick, 1/TEXTUAL_FPS after the change: at its
# default 60 that alone is 16.7 ms from a key to the next item. 120 halves it; frames are only
# drawn when something changed, so an idle app costs nothing more. TEXTUAL_FPS still wins.
os.environ.setdefault("TEXTUAL_FPS", "120")

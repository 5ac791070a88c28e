"""The Textual app. Only `labeltui annotate` (and review) import this package."""

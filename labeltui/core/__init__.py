"""The pure core: dataset index, schema, store, session, agreement, formats, audio.

Nothing under `labeltui.core` imports textual, rich or typer (tests/test_import_hygiene.py).
"""

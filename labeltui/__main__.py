"""`python -m labeltui` is the `labeltui` command."""

from labeltui.cli import main

main()

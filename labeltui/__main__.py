"""`python -m labeltui` is the `labeltui` command."""

from labeltui.entry import main

main()

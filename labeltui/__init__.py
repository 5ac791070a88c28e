"""labeltui: keyboard-driven data annotation in the terminal.

Nothing is imported here on purpose: importing the core must never load the UI.
"""

__version__ = "0.1.0"

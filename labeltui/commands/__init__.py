"""The CLI's commands, one module each.

Each module declares its typer command at import time with light imports only (typer, pathlib,
typing); numpy, textual and the core are imported inside the command so start-up stays fast.
"""

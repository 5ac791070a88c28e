"""One error type for everything a user can get wrong.

A `LabeltuiError` carries the file and line it is about, so the CLI can print it as one plain
line (`file:line: message`) and exit non-zero, never a traceback.
"""

from __future__ import annotations

from os import PathLike

EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3


class LabeltuiError(Exception):
    """Bad input or an unusable file, explained in one line."""

    def __init__(
        self,
        message: str,
        path: str | PathLike[str] | None = None,
        line: int | None = None,
        exit_code: int = EXIT_BAD_INPUT,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.exit_code = exit_code

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        return f"{where}{self.message}"


def report(error: LabeltuiError) -> int:
    """Print `error` as the one line the user sees; return its exit code.

    The message may quote a file's name or text: it is printed inert and on one line
    (`visible_line`: an ESC shows as "␛", a newline as "⏎"), so nothing in it acts on the
    terminal. `core.display` imports only `re`, so this costs nothing at start-up.
    """
    import sys

    from labeltui.core.display import visible_line

    print(f"labeltui: {visible_line(str(error))}", file=sys.stderr)
    return error.exit_code

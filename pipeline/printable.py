"""What fengong prints on a terminal: data as plain text, never as Rich markup, with control
characters shown escaped.

Notices, file names and unit names come from outside. Printed through Rich as markup, a file
named ``x[/b].txt`` raised MarkupError and ESC sequences reached the terminal; a newline in a
file name printed as a line of its own could forge an output line (hostile.md case 2). Every
piece of data therefore goes through `printable` and is printed as a `rich.text.Text`.

    err.print(line("error", "red", f"{path}: empty file"))
"""

from __future__ import annotations

import sys
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich loads when something is printed through it (not for `parse`)
    from rich.console import Console
    from rich.text import Text

# Lines that are not a terminal (a pipe, a file) are never cut to Rich's default 80 columns:
# a table is as wide as its content.
PIPE_WIDTH = 100_000
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def printable(text: object) -> str:
    """`text` with every control character (C0, DEL, C1), line and paragraph separator and
    bidirectional control escaped as ``\\n``, ``\\x1b``, ``\\u202e``…, so one datum prints on
    one line and changes nothing about the terminal. A backslash is doubled only when the
    text holds something escaped, so ordinary Windows paths print as they are."""
    s = str(text)
    if not any(_unsafe(ch) for ch in s):
        return s
    return "".join(_escape(ch) for ch in s)


def printable_cell(text: object) -> str:
    """A table cell: control characters escaped, but a newline kept (a cell may wrap)."""
    return "\n".join(printable(part) for part in str(text).split("\n"))


def _unsafe(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat in ("Cc", "Zl", "Zp") or ch in _BIDI


# embedding, override and isolate controls, and the directional marks
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if not _unsafe(ch):
        return ch
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def console(stderr: bool = False) -> Console:
    """A Console for data: no markup, no highlighting, and no 80-column cut when the stream is
    not a terminal."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    return Console(
        file=stream,
        stderr=stderr,
        soft_wrap=True,
        markup=False,
        highlight=False,
        emoji=False,
        width=None if tty else PIPE_WIDTH,
    )


def line(label: str, style: str, message: object) -> Text:
    """``label message``: the label styled, the message printed as escaped plain text."""
    from rich.text import Text

    return Text.assemble((label, style), " ", printable(message))


def text(message: object, style: str = "") -> Text:
    """One datum as a Text (escaped, never markup)."""
    from rich.text import Text

    return Text(printable(message), style=style)

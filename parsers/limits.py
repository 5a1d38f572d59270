"""How much input a reader may take: what a real notice never exceeds, configurable because a
limit that refuses a real notice must be easy to lift (fengong ingest --max-text-mb …)."""

from __future__ import annotations

from dataclasses import dataclass

from parsers.errors import InputError

MiB = 2**20


@dataclass(frozen=True)
class Limits:
    """What one file may take; each reader enforces the limits that concern its format."""

    # A notice page or text is tens to hundreds of KiB; tens of MiB of text is a log, a dump
    # or a concatenation, and would cost minutes in the structure stage.
    max_text_bytes: int = 16 * MiB
    # How far a DOCX may inflate (all its parts): a zip bomb is a small file with huge XML.
    max_unpacked_bytes: int = 512 * MiB

    def check_text(self, size: int, fmt: str) -> None:
        """Refuse (InputError) a text or HTML file of `size` bytes over max_text_bytes."""
        if size > self.max_text_bytes:
            raise InputError(
                f"{fmt} file is {size_text(size)}, over the {size_text(self.max_text_bytes)} "
                "limit for text and HTML (a notice is far smaller)",
                "raise --max-text-mb if it really is one notice",
            )


DEFAULT_LIMITS = Limits()


def size_text(size: int) -> str:
    """A size for a message: 3 MiB, 512 KiB."""
    return f"{size / MiB:.0f} MiB" if size >= MiB else f"{size / 1024:.0f} KiB"

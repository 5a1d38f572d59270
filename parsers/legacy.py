"""Legacy Word (.doc) and WPS (.wps) notices: converted to DOCX by LibreOffice, then handed to
the dispatcher (parsers/readers.read), which reads them as any DOCX — the same numbering and
merged cells code, within the same limits (--max-unpacked-mb).

The binary formats have no well-kept Python reader; LibreOffice's import filters are the
reference outside Microsoft Office. Install it on Debian with
`apt-get install libreoffice-writer-nogui`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import regex

from parsers.blocks import Document
from parsers.errors import InputError
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.readers import Relabel, read

_SPACE = regex.compile(r"[\s\u3000]+")

TIMEOUT = 120.0  # seconds; a notice converts in a few, a hung import filter never finishes
INSTALL_HINT = (
    "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui) or save it as .docx"
)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def parse(
    data: bytes,
    *,
    limits: Limits = DEFAULT_LIMITS,
    relabel: Relabel | None = None,
    timeout: float = TIMEOUT,
) -> Document:
    """The notice's blocks (the `Reader` contract, parsers/readers.py): the file converted to
    DOCX by LibreOffice within `timeout` seconds, its list labels as LibreOffice draws them
    (they replace the ones counted from the DOCX, unless `relabel` is given), read within
    `limits`. Raises InputError when LibreOffice is missing, times out or cannot convert the
    file, and for whatever the DOCX read refuses."""
    program = soffice()
    if program is None:
        raise InputError(
            "a legacy Word/WPS file (.doc/.wps): reading it needs LibreOffice, which is not "
            "installed",
            INSTALL_HINT,
        )
    with tempfile.TemporaryDirectory(prefix="fengong-doc-") as tmp:
        folder = Path(tmp)
        source = folder / "notice.doc"
        source.write_bytes(data)
        converted = _convert(program, source, folder / "out", "docx:MS Word 2007 XML", timeout)
        rendered = _convert(program, source, folder / "out", "txt:Text (encoded):UTF8", timeout)
        labels = relabel or _RenderedLabels(
            rendered.read_text(encoding="utf-8-sig", errors="replace")
        )
        doc = read(converted.read_bytes(), limits, relabel=labels)
    return Document("doc", doc.blocks, doc.warnings)


class _RenderedLabels:
    """List labels as LibreOffice draws them, from its plain-text rendering of the file.

    Its DOCX export can split one list over several w:num that Word semantics count apart
    (the first item of a restarted list gets a list of its own), so a label counted from the
    DOCX alone may repeat (一) where LibreOffice and Word show (二). The text rendering has
    the label in front of each item; items are matched in order.
    """

    def __init__(self, rendered: str) -> None:
        self.lines: list[str] = [_SPACE.sub("", line) for line in rendered.splitlines()]
        self.at = 0

    def __call__(self, label: str, text: str) -> str:
        want = _SPACE.sub("", text)
        if not want:
            return label
        for j in range(self.at, min(self.at + 400, len(self.lines))):
            line = self.lines[j]
            if line.endswith(want) and len(line) - len(want) <= 16:
                self.at = j + 1
                return line[: len(line) - len(want)]
        return label


def _convert(program: str, source: Path, outdir: Path, target: str, timeout: float) -> Path:
    # A private profile: a LibreOffice the user has open, or another conversion running at
    # the same time, would otherwise take the request or lock the profile.
    profile = (source.parent / "profile").as_uri()
    command = [
        program,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        str(source),
    ]
    # its own process group, so that a timeout ends soffice.bin too, not only the wrapper
    proc = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise InputError(
            f"LibreOffice did not convert the .doc/.wps file within {timeout:.0f} s",
            "open it in Word/WPS and save it as .docx",
        ) from None
    out = outdir / f"notice.{target.split(':')[0]}"
    if proc.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        reason = f": {detail[-1]}" if detail else ""
        raise InputError(
            f"LibreOffice could not convert the .doc/.wps file (corrupt, encrypted or not a "
            f"Word file){reason}",
            "open it in Word/WPS and save it as .docx",
        )
    return out

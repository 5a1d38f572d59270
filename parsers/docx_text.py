"""The text of a Word paragraph as Word shows it with every tracked change accepted.

A .docx saved with Track Changes on keeps both sides of every change in the XML
(ECMA-376 Part 1, 17.13.5): deleted runs (`w:del`, their text in `w:delText`) and the old
place of moved text (`w:moveFrom`) sit beside inserted runs (`w:ins`) and the new place
(`w:moveTo`). Accepting the changes means: `w:ins` and `w:moveTo` are read once, where they
stand; `w:del` and `w:moveFrom` never. A paragraph whose mark was deleted or moved away
(`w:pPr/w:rPr/w:del|moveFrom`) runs on into the next paragraph, as Word joins them.

Hidden text (`w:vanish`, 17.3.2.41) is not shown in print or in Print Layout: a run is hidden
by its own `w:rPr`, else by its character style (`w:rStyle`, up its `w:basedOn` chain), else
by the paragraph's style (its `w:rPr`); direct formatting wins over the styles, and
`w:val="0"`/`false`/`off` switches it off.
"""

from __future__ import annotations

import regex
from lxml import etree

from parsers.docx_numbering import W, val

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_NO_BREAK_SPACE = regex.compile(r"[\u00a0\u3000]")
_GONE = frozenset((f"{W}del", f"{W}moveFrom", f"{MC}Fallback"))
_OFF = frozenset(("0", "false", "off"))


class Visible:
    """Reads runs as displayed; built once per document from its styles (styleId → w:style)."""

    def __init__(self, styles: dict[str, etree._Element]) -> None:
        self.styles = styles
        self._hidden_style: dict[str, bool | None] = {}
        self.default_paragraph_style = next(
            (
                sid
                for sid, style in styles.items()
                if style.get(f"{W}type") == "paragraph"
                and style.get(f"{W}default") in ("1", "true")
            ),
            None,
        )

    def text(self, p: etree._Element) -> str:
        """The paragraph's visible text: runs, tabs and line breaks; not deleted or moved-away
        text, hidden runs, field codes, or the fallback copy of a drawing's text."""
        ppr = p.find(f"{W}pPr")
        para_style = val(ppr.find(f"{W}pStyle")) if ppr is not None else None
        para_hidden = self.style_hidden(para_style or self.default_paragraph_style)
        out: list[str] = []
        for run in p.iter(f"{W}r"):
            if _removed(run, p) or self.run_hidden(run, para_hidden):
                continue
            for el in run:
                tag = el.tag
                if tag == f"{W}t":
                    out.append(el.text or "")
                elif tag == f"{W}tab":
                    out.append(" ")
                elif tag == f"{W}br":
                    if el.get(f"{W}type") in (None, "textWrapping"):
                        out.append("\n")
                elif tag == f"{W}cr":
                    out.append("\n")
                elif tag == f"{W}noBreakHyphen":
                    out.append("-")
        return str(_NO_BREAK_SPACE.sub(" ", "".join(out)))

    def run_hidden(self, run: etree._Element, para_hidden: bool | None) -> bool:
        rpr = run.find(f"{W}rPr")
        if rpr is not None:
            own = _vanish(rpr)
            if own is not None:
                return own
            by_style = self.style_hidden(val(rpr.find(f"{W}rStyle")))
            if by_style is not None:
                return by_style
        return bool(para_hidden)

    def style_hidden(self, style_id: str | None) -> bool | None:
        """w:vanish set by a style or the styles it is based on; None when none of them says."""
        if not style_id:
            return None
        if style_id in self._hidden_style:
            return self._hidden_style[style_id]
        found: bool | None = None
        seen: set[str] = set()
        sid: str | None = style_id
        while sid and sid not in seen and sid in self.styles:
            seen.add(sid)
            style = self.styles[sid]
            rpr = style.find(f"{W}rPr")
            found = _vanish(rpr) if rpr is not None else None
            if found is not None:
                break
            sid = val(style.find(f"{W}basedOn"))
        self._hidden_style[style_id] = found
        return found


def mark_removed(p: etree._Element) -> bool:
    """The paragraph mark was deleted or moved away: accepted, the paragraph joins the next."""
    rpr = p.find(f"{W}pPr/{W}rPr")
    return rpr is not None and (
        rpr.find(f"{W}del") is not None or rpr.find(f"{W}moveFrom") is not None
    )


def row_removed(tr: etree._Element) -> bool:
    """A table row deleted with tracked changes (`w:trPr/w:del`): gone once accepted."""
    trpr = tr.find(f"{W}trPr")
    return trpr is not None and trpr.find(f"{W}del") is not None


def _removed(run: etree._Element, p: etree._Element) -> bool:
    el = run.getparent()
    while el is not None and el is not p:
        if el.tag in _GONE:
            return True
        el = el.getparent()
    return False


def _vanish(rpr: etree._Element) -> bool | None:
    v = rpr.find(f"{W}vanish")
    if v is None:
        return None
    return (v.get(f"{W}val") or "true").lower() not in _OFF

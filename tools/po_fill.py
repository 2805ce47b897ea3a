"""Fill or correct zh_Hans translations from a small JSON map, clearing fuzzy flags on those entries.

Usage: python tools/po_fill.py translations.json   (keys: msgid, values: msgstr)
The catalogue itself is the source of truth; this only saves hand-editing multi-line .po entries.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "xinfang" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _unquote(block: str, key: str) -> str | None:
    m = re.search(rf'^{key} ((?:".*"\n?)+)', block, re.M)
    if not m:
        return None
    return "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', m.group(1)))


def read_mapping(path: str) -> dict[str, str]:
    """A JSON object, or another .po file whose translated entries are taken (e.g. a helper's snippet)."""
    text = Path(path).read_text(encoding="utf-8")
    if not path.endswith(".po"):
        loaded: dict[str, str] = json.loads(text)
        return loaded
    mapping: dict[str, str] = {}
    for block in text.split("\n\n"):
        msgid = _unquote(block, "msgid")
        msgstr = _unquote(block, "msgstr") or _unquote(block, r"msgstr\[0\]")
        if msgid and msgstr and "#, fuzzy" not in block:
            mapping[msgid] = msgstr
    return mapping


def main(path: str) -> None:
    mapping = read_mapping(path)
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    out = []
    for block in blocks:
        msgid = _unquote(block, "msgid")
        if msgid and msgid in mapping:
            lines = [ln for ln in block.split("\n") if not ln.startswith("#|")]
            lines = [
                re.sub(r"^#, fuzzy(, )?", "#, " if ", " in ln else "", ln) if ln.startswith("#, fuzzy") else ln
                for ln in lines
            ]
            lines = [ln for ln in lines if ln not in ("#, ", "#,")]
            head = "\n".join(lines)
            head = re.sub(r'^msgstr(?:\[\d+\])? (?:".*"\n?)+', "", head + "\n", flags=re.M).rstrip("\n")
            key = "msgstr[0]" if "\nmsgid_plural " in block else "msgstr"  # zh has one plural form
            block = head + f"\n{key} " + json.dumps(mapping[msgid], ensure_ascii=False)
        out.append(block)
    PO.write_text("\n\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])

"""Keep personal numbers out of logs (个人信息保护法 Art. 51): mask what looks like a phone or a 身份证号."""

from __future__ import annotations

import re

# 7 or more digits, possibly split by dashes or spaces (landlines: 0731-84567890), or a 身份证号 ending in X.
_NUMBER = re.compile(r"\d(?:[\d\- ]{5,}\d)(?:[Xx](?!\w))?")


def _mask(match: re.Match[str]) -> str:
    digits = re.sub(r"[\- ]", "", match.group())
    if len(digits) < 7:
        return match.group()
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 11 else f"****{digits[-2:]}"


def redact(text: str) -> str:
    """``text`` with every run of 7+ digits masked: ``13812345678`` → ``138****5678``."""
    return _NUMBER.sub(_mask, text)

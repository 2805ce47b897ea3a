"""Petitioner identity: validation and masking, in one place (Art. 30; Zhejiang Art. 26).

Whoever does not need to contact the petitioner sees masked values; the accused never sees the petition at all.
"""

from __future__ import annotations

import datetime as dt

from xinfang.core.limits import is_id

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a 身份证号 (GB 11643-1999)."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_number_is_valid(value: str) -> bool:
    value = value.strip().upper()
    if len(value) != 18 or not is_id(value[:17]):  # "³".isdigit() is True but int("³") raises
        return False
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return id_check_char(value[:17]) == value[17]


def mask_id_number(value: str) -> str:
    return f"{value[:3]}{'*' * 11}{value[-4:]}" if len(value) == 18 else ("*" * len(value))


def mask_phone(value: str) -> str:
    digits = value.replace("-", "")
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 8 else "****"


def mask_name(value: str) -> str:
    """张三 → 张*; 欧阳娜娜 → 欧***: enough to recognise a case, not to identify a person."""
    return value[:1] + "*" * max(len(value) - 1, 1) if value else ""

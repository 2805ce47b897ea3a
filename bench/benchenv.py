"""What the benchmark scripts share: the environment they run Django in, and a valid online submission.

Nothing happens at import; each script calls ``setup_django()`` before importing the project's models.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bench-only keys (production needs them with DEBUG off); never used for data anyone needs.
BENCH_ENV = {
    "XINFANG_DEBUG": "0",  # DEBUG keeps every SQL statement in memory
    "XINFANG_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnop",
    "XINFANG_FIELD_KEYS": "YmVuY2gtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE=",
    "XINFANG_HASH_KEY": "bench-only-hash-key-0123456789abcdefghijklmnop",
    "XINFANG_SSL_REDIRECT": "0",
    "XINFANG_LOG_LEVEL": "ERROR",
}


def setup_django() -> None:
    """Settings from the environment (a key already set wins over the bench default), then ``django.setup()``."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    keep = {"XINFANG_SECRET_KEY", "XINFANG_FIELD_KEYS", "XINFANG_HASH_KEY"}
    os.environ.update({k: (os.environ.get(k) or v) if k in keep else v for k, v in BENCH_ENV.items()})
    import django

    django.setup()


def submission_payload(rng: random.Random, code: str) -> bytes:
    """A valid online submission (POST /api/v1/petitions/) for the 问题属地 ``code``, with a valid 身份证号."""
    from xinfang.petitions.identity import id_check_char

    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(55 * 365))
    first17 = f"{code[:6]}{born:%Y%m%d}{rng.randrange(1000):03d}"
    body = {
        "title": rng.choice(["小区旁搅拌站夜间施工噪音扰民", "拖欠农民工工资问题", "征地补偿款发放不到位"]),
        "request": "请求有关部门依法处理并答复。",
        "facts_and_reasons": "事情经过如下：" + "相关情况已多次反映，至今没有结果。" * rng.randint(1, 5),
        "problem_division_code": code,
        "problem_address": "幸福路12号",
        "petitioners": [
            {
                "name": rng.choice("王李张刘陈") + rng.choice(["伟", "芳", "强", "敏"]),
                "id_number": first17 + id_check_char(first17),
                "phone": f"13{rng.randint(0, 999_999_999):09d}",
                "address": "幸福路12号3栋",
            }
        ],
    }
    return json.dumps(body, ensure_ascii=False).encode()

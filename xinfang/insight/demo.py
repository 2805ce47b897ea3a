"""Demo data of text intelligence: fingerprints for the demo petitions and one hot-issue snapshot.

Idempotent: petitions already fingerprinted are skipped, and the snapshot of ``today`` replaces an earlier run of
the same day. Run after the demo petitions exist (``load_demo``).
"""

from __future__ import annotations

import datetime as dt

from xinfang.insight.services import HotIssueSettings, backfill_fingerprints, compute_hot_issues

DEMO_WINDOW_DAYS = 90  # the demo's petitions are spread over a few months; look at all of them


def build_demo_insight(today: dt.date) -> dict[str, int]:
    fingerprinted = backfill_fingerprints()
    config = HotIssueSettings.current()
    counts = compute_hot_issues(
        today,
        HotIssueSettings(
            window_days=max(config.window_days, DEMO_WINDOW_DAYS),
            top=config.top,
            levels=config.levels,
            min_petitions=config.min_petitions,
        ),
    )
    return {"fingerprinted": fingerprinted, **counts}

"""Writes of text intelligence: the hot-issue snapshots (the nightly job) and the fingerprint backfill.

Both are plain functions that the Celery tasks (``tasks.py``), the management commands and the tests call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from xinfang.insight import integration
from xinfang.insight.core import hot
from xinfang.insight.core.records import Message
from xinfang.insight.models import HotIssue, HotIssueMember, PetitionFingerprint
from xinfang.orgs.models import Unit, UnitType
from xinfang.petitions.models import Nature, Petition, PetitionAccess
from xinfang.petitions.services.repeats import identity_keys
from xinfang.supervision.assignments import path_range

# Settings (local practice, not law); defaults documented in docs/insight.md.
DEFAULT_WINDOW_DAYS = 30
DEFAULT_TOP = 20
DEFAULT_LEVELS = ("city", "county")
DEFAULT_MIN_PETITIONS = 2
MAX_PETITIONS_PER_REGION = 50_000


@dataclass(frozen=True)
class HotIssueSettings:
    window_days: int
    top: int
    levels: tuple[str, ...]
    min_petitions: int

    @classmethod
    def current(cls) -> HotIssueSettings:
        return cls(
            window_days=int(getattr(settings, "XINFANG_HOT_ISSUE_WINDOW_DAYS", DEFAULT_WINDOW_DAYS)),
            top=int(getattr(settings, "XINFANG_HOT_ISSUE_TOP", DEFAULT_TOP)),
            levels=tuple(getattr(settings, "XINFANG_HOT_ISSUE_LEVELS", DEFAULT_LEVELS)),
            min_petitions=int(getattr(settings, "XINFANG_HOT_ISSUE_MIN_PETITIONS", DEFAULT_MIN_PETITIONS)),
        )


def hot_regions(levels: Iterable[str]) -> list[Unit]:
    """The regions a snapshot covers: the active petition departments at the given levels."""
    return list(Unit.objects.active().filter(unit_type=UnitType.PETITION_DEPT, level__in=list(levels)).order_by("path"))


def region_petitions(region: Unit, since: dt.date, until: dt.date) -> list[Petition]:
    """The petitions of a region received in [since, until]: those with an access row under the department's scope
    (what its staff oversee), accusations excluded, newest first, at most ``MAX_PETITIONS_PER_REGION``."""
    access = PetitionAccess.objects.filter(path_range("unit_path", region.scope_path)).values("petition_id")
    return list(
        Petition.objects.filter(pk__in=access, received_on__gte=since, received_on__lte=until)
        .exclude(nature=Nature.ACCUSATION)
        .only("pk", "title", "request", "facts_and_reasons", "problem_address", "received_on", "head_count")
        .prefetch_related("petitioners")
        .order_by("-pk")[:MAX_PETITIONS_PER_REGION]
    )


def _message(petition: Petition) -> Message:
    """The petition as a record for clustering: who (an identity key, so one person's letters count once) and
    how many signed (联名: the further signatories count as votes in the heat)."""
    base = integration.petition_message(petition)
    keys = sorted(identity_keys(petition))
    return Message(
        id=base.id,
        title=base.title,
        text=base.text,
        time=base.time,
        user=keys[0] if keys else "",
        likes=max(petition.head_count - 1, 0),
    )


@transaction.atomic
def snapshot_region(region: Unit, today: dt.date, config: HotIssueSettings | None = None) -> list[HotIssue]:
    """Compute and store the hot issues of one region for ``today`` (replacing that day's earlier run)."""
    config = config or HotIssueSettings.current()
    since = today - dt.timedelta(days=config.window_days)
    petitions = region_petitions(region, since, today)
    messages = [_message(p) for p in petitions]
    # Singletons are dropped after ranking; asking for a few times ``top`` leaves enough issues to keep.
    issues = [
        i
        for i in hot.hot_issues(messages, top=config.top * 5, gazetteer=integration.gazetteer())
        if len(i.message_ids) >= config.min_petitions
    ][: config.top]
    HotIssue.objects.filter(unit=region, snapshot_on=today).delete()
    rows = [
        HotIssue(
            unit=region,
            unit_path=region.path,
            snapshot_on=today,
            since=since,
            until=today,
            rank=rank,
            heat=round(issue.heat, 3),
            place_code=issue.place_code,
            place_people=issue.place_people[:200],
            description=issue.description[:300],
            first_on=issue.first.date() if issue.first else None,
            last_on=issue.last.date() if issue.last else None,
            petition_count=len(issue.message_ids),
            petitioner_count=issue.petitioners,
            signatures=issue.votes,
            sudden_rise=issue.sudden_rise,
        )
        for rank, issue in enumerate(issues, start=1)
    ]
    created = HotIssue.objects.bulk_create(rows)
    HotIssueMember.objects.bulk_create(
        [
            HotIssueMember(hot_issue=row, petition_id=int(pid))
            for row, issue in zip(created, issues, strict=True)
            for pid in issue.message_ids
        ],
        batch_size=5000,
    )
    return created


def compute_hot_issues(today: dt.date, config: HotIssueSettings | None = None) -> dict[str, int]:
    """The nightly job: a snapshot for every region. Returns counts (regions, issues, member petitions)."""
    config = config or HotIssueSettings.current()
    regions = hot_regions(config.levels)
    issues = members = 0
    for region in regions:
        created = snapshot_region(region, today, config)
        issues += len(created)
        members += sum(h.petition_count for h in created)
    return {"regions": len(regions), "hot_issues": issues, "members": members}


def backfill_fingerprints(*, batch: int = 2000, everything: bool = False) -> int:
    """Fingerprint the petitions that have none (``everything``: all of them again). Returns how many petitions
    were indexed. Keyset batches in id order; each batch is one vectorised MinHash pass and one bulk insert."""
    done = 0
    last = 0
    while True:
        qs = Petition.objects.filter(pk__gt=last).order_by("pk")
        if not everything:
            qs = qs.exclude(pk__in=PetitionFingerprint.objects.values("petition_id"))
        chunk = list(qs.only("pk", "title", "request", "facts_and_reasons", "problem_address", "received_on")[:batch])
        if not chunk:
            return done
        if everything:
            PetitionFingerprint.objects.filter(petition_id__in=[p.pk for p in chunk]).delete()
        integration.fingerprint_many(chunk)
        done += len(chunk)
        last = chunk[-1].pk

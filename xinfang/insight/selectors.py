"""Reads of text intelligence that cross a permission boundary: the hot-issue snapshots and their drill-down.

Hot issues are for analysts, leaders, supervisors and unit heads. A viewer sees the regions (petition
departments) within their scope: with an oversight role (``user.oversees_below``) the units under their
``scope_path``, otherwise their own unit's subtree. The drill-down lists only the member petitions the viewer may
see (``petitions_visible_to``) — an issue's count may be larger than what one viewer is shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from xinfang.core.errors import NotPermitted
from xinfang.core.limits import parse_id
from xinfang.insight.models import HotIssue
from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision.assignments import path_range

HOT_ISSUE_ROLES = (Role.ANALYST, Role.LEADER, Role.SUPERVISOR, Role.HEAD)


def may_see_hot_issues(user: User | Any) -> bool:
    return bool(getattr(user, "is_unit_staff", False)) and user.has_role(*HOT_ISSUE_ROLES)


def require_hot_issue_role(user: User | Any) -> User:
    if not may_see_hot_issues(user):
        raise NotPermitted(_("Hot issues are for analysts, leaders, supervisors and unit heads."))
    assert isinstance(user, User)  # noqa: S101 - is_unit_staff implies a User
    return user


def hot_issues_in_scope(user: User) -> QuerySet[HotIssue]:
    """Every stored hot issue of the regions in the user's scope (all snapshots)."""
    unit = user.unit
    if unit is None or not may_see_hot_issues(user):
        return HotIssue.objects.none()
    scope = unit.scope_path if user.oversees_below else unit.path
    return HotIssue.objects.filter(path_range("unit_path", scope))


def latest_snapshot(user: User) -> dt.date | None:
    latest: dt.date | None = hot_issues_in_scope(user).aggregate(latest=Max("snapshot_on"))["latest"]
    return latest


def hot_issue_list(user: User, *, snapshot: dt.date | None = None, region: int | None = None) -> QuerySet[HotIssue]:
    """The hot issues of one snapshot (the latest by default), optionally of one region, region by region."""
    qs = hot_issues_in_scope(user)
    day = snapshot or latest_snapshot(user)
    if day is None:
        return HotIssue.objects.none()
    qs = qs.filter(snapshot_on=day)
    if region is not None:
        qs = qs.filter(unit_id=region)
    return qs.select_related("unit").order_by("unit_path", "rank", "id")


def hot_issue_get_visible(user: User, pk: int | str) -> HotIssue:
    """One hot issue of a region in the user's scope; 404 otherwise (no existence oracle)."""
    if parse_id(pk) is None:
        raise Http404
    issue = hot_issues_in_scope(user).select_related("unit").filter(pk=int(pk)).first()
    if issue is None:
        raise Http404
    return issue


def hot_issue_petitions(user: User, issue: HotIssue) -> QuerySet[Petition]:
    """The drill-down: the issue's petitions that the user may see, newest first."""
    members = issue.members.values("petition_id")
    return petitions_visible_to(user).filter(pk__in=members).select_related("current_unit").order_by("-id")

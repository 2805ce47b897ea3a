"""Demo data for notifications and the job-run log.

``build_demo_notify(today)`` runs every scheduled job once, now, in this process (as the embedded scheduler would
overnight), so the job-run log shows one real run per job and the jobs' own notifications appear in the demo
staff's inboxes; then it sends each demo staff member a short note pointing to the notifications page. Wire it
last in ``load_demo`` (after the other apps' demo data, which the jobs work on). Idempotent: once any job run is
logged it only returns the counts.
"""

from __future__ import annotations

import datetime as dt

from xinfang import jobs
from xinfang.notify.models import JobRun, Notification
from xinfang.notify.services import notify
from xinfang.orgs.models import User


def _counts() -> dict[str, int]:
    return {
        "job_runs": JobRun.objects.count(),
        "job_runs_failed": JobRun.objects.filter(outcome=JobRun.Outcome.ERROR).count(),
        "notifications": Notification.objects.count(),
    }


def build_demo_notify(today: dt.date) -> dict[str, int]:
    if JobRun.objects.exists():
        return _counts()
    for name in sorted(jobs.beat_schedule()):
        jobs.run_job(name)  # errors are logged on the JobRun, not raised
    staff = list(User.objects.filter(unit__isnull=False, is_active=True).order_by("pk")[:200])
    notify(
        kind="notify.welcome",
        subject="通知功能已启用",
        body=f"{today:%Y年%m月%d日}起，督办、临期超期提醒、约访确认等消息将在此处集中显示，也可按设置发送邮件或短信。",
        users=staff,
        link="/workbench/notify/",
    )
    return _counts()

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from xinfang.assessment.demo import build_demo_assessment
from xinfang.casework.demo import build_demo_casework
from xinfang.core import timeutil
from xinfang.insight.demo import build_demo_insight
from xinfang.instructions.demo import build_demo_instructions
from xinfang.joint.demo import build_demo_joint
from xinfang.notify.demo import build_demo_notify
from xinfang.orgs.demo import build_demo_tree, create_demo_staff
from xinfang.petitions.demo import build_demo_history, build_demo_petitions
from xinfang.proposals.demo import build_demo_proposals
from xinfang.reception.demo import build_demo_reception
from xinfang.reports.demo import build_demo_reports
from xinfang.supervision.demo import build_demo_supervision


class Command(BaseCommand):
    help = "Load the demo: 西地省 unit tree, one account per role, the taxonomy and a few hundred petitions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--petitions", type=int, default=300)
        parser.add_argument(
            "--history-per-month", type=int, default=12, help="petitions a month over the past year (0: none)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_taxonomy", "--if-present", stdout=self.stdout)
        tree = build_demo_tree()
        logins = create_demo_staff(tree)
        states, extra = build_demo_petitions(tree, count=options["petitions"])
        # A year of history (received 1–12 months ago) so that every chart has something to show; then the rollup
        # is recomputed from the raw rows (the figures of the dashboards, docs/stats.md).
        history = build_demo_history(tree, per_month=options["history_per_month"])
        if history:
            call_command("stats", "rebuild", stdout=self.stdout)
        # A realistic month at the leaders' and supervisors' desks, on top of the petitions (each is idempotent).
        today = timeutil.today()
        desks: dict[str, int] = {}
        # notify last: it runs every periodic job once over the demo, then greets the demo staff.
        for build in (
            build_demo_insight,
            build_demo_casework,
            build_demo_reception,
            build_demo_joint,
            build_demo_supervision,
            build_demo_proposals,  # an open call; proposals referred, adopted (public), not adopted
            build_demo_instructions,  # a 领导信箱 letter waiting and one 批示 with its assignment
            build_demo_reports,  # last month's 分析研判, last and this year's Art. 41 reports
            build_demo_assessment,  # reads the desks' figures: after casework, reception and supervision
            build_demo_notify,
        ):
            desks.update({f"{build.__module__.split('.')[1]}.{k}": v for k, v in build(today).items()})
        self.stdout.write("")
        self.stdout.write(
            "演示数据已就绪 / demo data ready: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items()))
        )
        self.stdout.write(f"history: {history} petitions over the past 12 months")
        self.stdout.write("desks: " + ", ".join(f"{k} {v}" for k, v in sorted(desks.items())))
        self.stdout.write("")
        self.stdout.write("演示账号 Demo logins (password 密码: %s)" % (logins[0].password if logins else ""))
        for login in [*logins, *extra]:
            self.stdout.write(f"  {login.username:<22} {login.role_label:<14} {login.unit_name}  {login.full_name}")

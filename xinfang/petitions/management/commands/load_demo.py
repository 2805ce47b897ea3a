from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from xinfang.orgs.demo import build_demo_tree, create_demo_staff
from xinfang.petitions.demo import build_demo_petitions


class Command(BaseCommand):
    help = "Load the demo: 西地省 unit tree, one account per role, the taxonomy and a few hundred petitions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--petitions", type=int, default=300)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_taxonomy", "--if-present", stdout=self.stdout)
        tree = build_demo_tree()
        logins = create_demo_staff(tree)
        states, extra = build_demo_petitions(tree, count=options["petitions"])
        self.stdout.write("")
        self.stdout.write(
            "演示数据已就绪 / demo data ready: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items()))
        )
        self.stdout.write("")
        self.stdout.write("演示账号 Demo logins (password 密码: %s)" % (logins[0].password if logins else ""))
        for login in [*logins, *extra]:
            self.stdout.write(f"  {login.username:<22} {login.role_label:<14} {login.unit_name}  {login.full_name}")

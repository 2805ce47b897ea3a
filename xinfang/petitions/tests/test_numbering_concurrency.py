"""编号 stay unique per unit and year when many registrations arrive at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from conftest import make_tree, make_user
from xinfang.orgs.models import Role
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_consecutive_numbers():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("in-memory SQLite cannot be shared between threads; PostgreSQL CI runs this test")
    tree = make_tree()
    registrar = make_user("registrar_c", tree.county_dept, Role.REGISTRAR)
    workers, per_worker = 6, 5
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(per_worker):
                register(registrar)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = list(Petition.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == workers * per_worker
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert serials == list(range(1, workers * per_worker + 1))

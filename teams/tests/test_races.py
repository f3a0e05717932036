"""Two managers acting at once on the same team: the row lock and the constraints decide once."""

import threading

from django.db import connection

from conftest import build_world
from jurisdictions.errors import PortalError
from teams import services
from tests import factories as f


def test_two_leaders_added_at_the_same_moment_leave_the_team_with_exactly_one(seeded_transactional_db, admin_of):
    w = build_world("ganzhou")
    admin = admin_of(w)
    cadres = [f.CadreFactory(jurisdiction=w.jurisdiction) for _ in range(2)]
    results, barrier = [], threading.Barrier(2)

    def add(cadre):
        try:
            barrier.wait()
            services.membership_add(actor=type(admin).objects.get(pk=admin.pk), team=w.team_a, cadre=cadre,
                                    role="leader", first_secretary=True, village=w.village_a,
                                    start_date=w.team_a.term_start, override_reason="并发测试")
            results.append("ok")
        except PortalError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(c,)) for c in cadres]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results)[0] == "ok" and len([r for r in results if r == "ok"]) == 1
    assert w.team_a.memberships.filter(role="leader", end_date__isnull=True).count() == 1

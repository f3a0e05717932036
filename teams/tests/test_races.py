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


def _fire(users, path, body=None):
    from rest_framework.test import APIClient

    barrier, codes = threading.Barrier(len(users)), []

    def click(user):
        client = APIClient()
        client.force_authenticate(user=user)
        barrier.wait()
        try:
            codes.append(client.post(path, body or {}, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(codes)


def test_two_county_group_deciders_at_once_decide_a_ganzhou_recall_once_art_22(seeded_transactional_db, settings):
    """The case row is locked: one 200, one 409; the membership ends once, one approval, one audit event."""
    from jurisdictions.models import AuditEvent, Role
    from teams.models import CaseApproval, PersonnelCase

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    w = build_world("ganzhou")
    m = f.MembershipFactory(team=w.team_a, cadre__dispatch_unit=w.dispatch_unit, cadre__dispatch_level="county")
    township = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=w.township_a)
    deciders = [f.user_with_role(Role.COUNTY_GROUP, jurisdiction=w.jurisdiction) for _ in range(2)]
    case = services.personnel_case_open(actor=township, cadre=m.cadre, kind="recall", ground="4")
    assert _fire(deciders, f"/api/v1/personnel-cases/{case.pk}/approve/") == [200, 409]
    assert PersonnelCase.objects.get(pk=case.pk).status == "approved"
    assert CaseApproval.objects.filter(case_id=case.pk, status="approved").count() == 1
    assert AuditEvent.objects.filter(action="membership.recall", object_id=m.pk).count() == 1


def test_two_rejections_at_once_leave_one_decision_and_one_409(seeded_transactional_db, settings):
    from jurisdictions.models import Role
    from teams.models import PersonnelCase

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    w = build_world("ganzhou")
    m = f.MembershipFactory(team=w.team_a, cadre__dispatch_unit=w.dispatch_unit, cadre__dispatch_level="county")
    township = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=w.township_a)
    deciders = [f.user_with_role(Role.COUNTY_GROUP, jurisdiction=w.jurisdiction) for _ in range(2)]
    case = services.personnel_case_open(actor=township, cadre=m.cadre, kind="recall", ground="4")
    assert _fire(deciders, f"/api/v1/personnel-cases/{case.pk}/reject/", {"comment": "不同意"}) == [200, 409]
    assert PersonnelCase.objects.get(pk=case.pk).status == "rejected"

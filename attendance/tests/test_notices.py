"""Issue 9, item 8: fengdu art.13 — after two unexcused absences in a year the notice (通报) goes to the cadre and the
dispatch unit, in the portal and by email; who is told comes from the policy row, not from code."""

import pytest

from jurisdictions.models import Notification, Role
from tests import factories as f

from ..tasks import send_notice_email
from .conftest import place, world_with_clerk
from .test_inspections import inspect, office

pytestmark = pytest.mark.django_db


def fengdu_cadre_with_logins():
    w, _, _ = world_with_clerk("fengdu")
    cadre = place(w.team_a, user=f.UserFactory(username="fd_cadre", email="cadre@example.cn",
                                               jurisdiction=w.jurisdiction), dispatch_unit=w.dispatch_unit)
    unit = f.user_with_role(Role.DISPATCH_UNIT, username="fd_unit", email="unit@example.cn",
                            dispatch_unit=w.dispatch_unit)
    other_unit = f.user_with_role(Role.DISPATCH_UNIT, username="fd_other_unit", email="other@example.cn",
                                  dispatch_unit=f.DispatchUnitFactory(jurisdiction=w.jurisdiction))
    county = office(w, Role.COUNTY_RR_BUREAU, "fd_rr")
    return w, cadre, unit, other_unit, county


def test_the_second_unexcused_absence_notifies_the_cadre_and_the_dispatch_unit_in_the_portal_fengdu_art_13(api):
    w, cadre, unit, other_unit, county = fengdu_cadre_with_logins()
    inspect(api, county, cadre, "2026-02-03", level="county")
    assert not Notification.objects.exists()  # one absence: nothing yet
    second = inspect(api, county, cadre, "2026-09-03", level="county")
    assert [(c["kind"], c["rule_ref"]) for c in second["consequences"]] == [("notice", "fengdu art.13")]
    told = {n.user_id: n.message for n in Notification.objects.all()}
    assert set(told) == {cadre.user_id, unit.id}  # not another dispatch unit, not the inspector
    assert all("通报" in m and cadre.name in m and "丰都" in m for m in told.values())


def test_the_notice_is_emailed_after_commit_to_the_cadre_and_the_dispatch_unit_fengdu_art_13(
        api, django_capture_on_commit_callbacks, mailoutbox):
    w, cadre, unit, other_unit, county = fengdu_cadre_with_logins()
    inspect(api, county, cadre, "2026-02-03", level="county")
    with django_capture_on_commit_callbacks() as callbacks:
        inspect(api, county, cadre, "2026-09-03", level="county")
    assert len(callbacks) == 2  # one email each, queued after the inspection commits
    for n in Notification.objects.all():
        assert send_notice_email.apply(args=(n.user_id, n.message, n.link)).get() == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["cadre@example.cn", "unit@example.cn"]
    assert all(m.subject.startswith("【驻村通】通报") for m in mailoutbox)


def test_a_ganzhou_notice_names_no_recipients_so_it_stays_a_flag_art_21(api, world, city_office):
    cadre = place(world.team_a, user=f.UserFactory(username="gz_cadre", email="gz@example.cn",
                                                   jurisdiction=world.jurisdiction))
    first = inspect(api, city_office, cadre, "2026-03-02")
    assert [c["kind"] for c in first["consequences"]] == ["notice"]
    assert not Notification.objects.exists()

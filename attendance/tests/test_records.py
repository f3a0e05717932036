"""POST attendance/ (upsert one day), who may record (POLICY.md §4), the lock, and refusals."""

from datetime import date

import pytest

from jurisdictions.models import Role
from teams.models import Membership
from tests import factories as f

from ..models import AttendanceSheet, DailyRecord
from .conftest import place, township_team, world_with_clerk

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/"


def test_the_township_clerk_records_a_day_and_a_second_post_updates_it_ganzhou_art_14(api, clerk, member, world):
    r = api(clerk).post(URL, {"cadre": member.id, "date": "2026-10-12", "status": "on_duty"}, format="json")
    assert r.status_code == 200, r.data
    assert r.data["status"] == "on_duty" and r.data["township"] == world.township_a.id
    r = api(clerk).post(URL, {"cadre": member.id, "date": "2026-10-12", "status": "rest",
                              "note": "调休"}, format="json")
    assert r.status_code == 200
    rec = DailyRecord.objects.get(cadre=member, date=date(2026, 10, 12))
    assert (rec.status, rec.note, DailyRecord.objects.filter(cadre=member).count()) == ("rest", "调休", 1)


def test_an_impossible_date_is_a_400_in_chinese(api, clerk, member):
    r = api(clerk).post(URL, {"cadre": member.id, "date": "2026-02-30", "status": "on_duty"}, format="json")
    assert r.status_code == 400 and r.data["code"] == "invalid" and "date" in r.data["errors"]


def test_an_unknown_status_is_a_400(api, clerk, member):
    r = api(clerk).post(URL, {"cadre": member.id, "date": "2026-10-12", "status": "fishing"}, format="json")
    assert r.status_code == 400 and "status" in r.data["errors"]


def test_a_future_day_is_refused(api, clerk, member):
    r = api(clerk).post(URL, {"cadre": member.id, "date": "2099-01-05", "status": "on_duty"}, format="json")
    assert r.status_code == 400 and r.data["code"] == "future_date"


def test_a_cadre_outside_the_clerks_scope_is_a_400_that_leaks_nothing(api, bob, member, charlie):
    for user in (bob, charlie):
        r = api(user).post(URL, {"cadre": member.id, "date": "2026-10-12", "status": "on_duty"}, format="json")
        assert r.status_code == 400 and r.data["code"] == "invalid_cadre"
    assert not DailyRecord.objects.exists()


def test_a_cadre_without_a_post_on_that_day_cannot_be_recorded(api, clerk, member):
    r = api(clerk).post(URL, {"cadre": member.id, "date": "2024-12-31", "status": "on_duty"}, format="json")
    assert r.status_code == 400 and r.data["code"] == "no_membership"


def test_the_county_office_sees_the_cadre_but_does_not_keep_attendance_ganzhou_art_14(api, county_office, member):
    r = api(county_office).post(URL, {"cadre": member.id, "date": "2026-10-12", "status": "on_duty"}, format="json")
    assert r.status_code == 403 and r.data["rule_ref"] == "ganzhou art.14"


def test_anonymous_callers_get_401(api, member):
    assert api().post(URL, {"cadre": member.id, "date": "2026-10-12", "status": "on_duty"},
                      format="json").status_code in (401, 403)


def test_a_confirmed_month_refuses_edits_with_409(api, clerk, member, world):
    AttendanceSheet.objects.create(jurisdiction=world.jurisdiction, township=world.township_a,
                                   month=date(2026, 10, 1), confirmed_by=clerk)
    r = api(clerk).post(URL, {"cadre": member.id, "date": "2026-10-12", "status": "absent"}, format="json")
    assert r.status_code == 409 and r.data["code"] == "month_confirmed"
    r = api(clerk).post(URL, {"cadre": member.id, "date": "2026-11-02", "status": "on_duty"}, format="json")
    assert r.status_code == 200


class TestFengduRecordersArt9:
    """fengdu art.9: township for leaders, first secretaries and instructors; team leader for township-team
    members; first secretary for village-team members."""

    def test_the_team_leader_records_a_township_team_member_and_the_clerk_may_not(self, api):
        w, clerk, _ = world_with_clerk("fengdu")
        team = township_team(w)
        leader_user = f.UserFactory(username="fd_leader", jurisdiction=w.jurisdiction)
        place(team, role=Membership.Role.LEADER, user=leader_user)
        member = place(team)
        body = {"cadre": member.id, "date": "2026-10-12", "status": "on_duty"}
        r = api(leader_user).post(URL, body, format="json")
        assert r.status_code == 200, r.data
        assert r.data["source"] == "team_leader"
        r = api(clerk).post(URL, body, format="json")
        assert r.status_code == 403 and r.data["rule_ref"] == "fengdu art.9"

    def test_the_township_records_the_team_leader(self, api):
        w, clerk, _ = world_with_clerk("fengdu")
        team = township_team(w)
        leader = place(team, role=Membership.Role.LEADER)
        r = api(clerk).post(URL, {"cadre": leader.id, "date": "2026-10-12", "status": "on_duty"}, format="json")
        assert r.status_code == 200 and r.data["source"] == "clerk"

    def test_the_first_secretary_records_a_village_team_member_and_a_plain_member_may_not(self, api):
        w, clerk, _ = world_with_clerk("fengdu")
        fs_user = f.UserFactory(username="fd_fs", jurisdiction=w.jurisdiction)
        place(w.team_a, role=Membership.Role.LEADER, first_secretary=True, village=w.village_a, user=fs_user)
        other_user = f.UserFactory(username="fd_member", jurisdiction=w.jurisdiction)
        place(w.team_a, user=other_user)
        member = place(w.team_a)
        body = {"cadre": member.id, "date": "2026-10-12", "status": "on_duty"}
        assert api(other_user).post(URL, body, format="json").status_code == 400  # not even in its scope
        r = api(fs_user).post(URL, body, format="json")
        assert r.status_code == 200 and r.data["source"] in ("first_secretary", "team_leader")
        assert api(clerk).post(URL, body, format="json").status_code == 403


def test_the_township_secretary_may_record_as_well_as_the_clerk(api, alice, member):
    r = api(alice).post(URL, {"cadre": member.id, "date": "2026-10-12", "status": "rest"}, format="json")
    assert r.status_code == 200


def test_a_clerk_of_another_township_is_refused(api, world, member):
    user = f.UserFactory(username="clerk_b", jurisdiction=world.jurisdiction)
    f.grant(user, Role.ATTENDANCE_CLERK, org_unit=world.township_b)
    r = api(user).post(URL, {"cadre": member.id, "date": "2026-10-12", "status": "rest"}, format="json")
    assert r.status_code == 400 and r.data["code"] == "invalid_cadre"

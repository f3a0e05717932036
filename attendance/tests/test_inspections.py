"""POST inspections/ and GET cadres/{id}/flags/: notices and recall flags exactly as POLICY.md §6 says."""

from datetime import date, timedelta

import pytest

from jurisdictions.models import Role
from tests import factories as f

from ..models import Flag
from .conftest import mark, world_with_clerk

pytestmark = pytest.mark.django_db
URL = "/api/v1/inspections/"


def inspect(api, user, cadre, day, level="city", result="absent_unexcused", **extra):
    r = api(user).post(URL, {"cadre": cadre.id, "date": day, "level": level, "result": result, **extra},
                       format="json")
    assert r.status_code == 201, r.data
    return r.data


def flags(api, user, cadre):
    r = api(user).get(f"/api/v1/cadres/{cadre.id}/flags/")
    assert r.status_code == 200, r.data
    return r.data["results"]


def office(w, role, name):
    user = f.UserFactory(username=name, jurisdiction=w.jurisdiction)
    f.grant(user, role, jurisdiction=w.jurisdiction)
    return user


class TestGanzhouArt21:
    def test_first_city_level_unexcused_absence_is_a_notice_and_the_second_a_recall_candidate(self, api, member,
                                                                                               city_office):
        first = inspect(api, city_office, member, "2026-03-02")
        assert first["consequences"] == [{"kind": "notice", "rule_ref": "ganzhou art.21",
                                          "detail": first["consequences"][0]["detail"]}]
        second = inspect(api, city_office, member, "2026-06-02", level="province")
        assert [(c["kind"], c["rule_ref"]) for c in second["consequences"]] == [("recall_candidate",
                                                                                  "ganzhou art.21")]
        listed = flags(api, city_office, member)
        assert [(x["kind"], x["rule_ref"], x["source"]) for x in listed] == [
            ("recall_candidate", "ganzhou art.21", "inspection"), ("notice", "ganzhou art.21", "inspection")]
        assert all(x["created_at"] for x in listed)

    def test_a_county_level_finding_is_below_the_city_level_rule_and_raises_nothing(self, api, member,
                                                                                   county_office):
        assert inspect(api, county_office, member, "2026-03-02", level="county")["consequences"] == []
        assert inspect(api, county_office, member, "2026-03-09", level="county")["consequences"] == []

    def test_present_and_excused_results_raise_nothing(self, api, member, city_office):
        assert inspect(api, city_office, member, "2026-03-02", result="present")["consequences"] == []
        assert inspect(api, city_office, member, "2026-03-03", result="absent_excused")["consequences"] == []

    def test_the_county_office_may_not_record_a_city_level_inspection(self, api, member, county_office):
        r = api(county_office).post(URL, {"cadre": member.id, "date": "2026-03-02", "level": "city",
                                          "result": "present"}, format="json")
        assert r.status_code == 403


class TestFengduArt13:
    def test_the_second_unexcused_spot_check_in_a_year_is_a_notice_and_the_first_is_not(self, api):
        w, _, cadre = world_with_clerk("fengdu")
        county = office(w, Role.COUNTY_RR_BUREAU, "fd_rr")
        assert inspect(api, county, cadre, "2026-02-03", level="county")["consequences"] == []
        second = inspect(api, county, cadre, "2026-09-03", level="county")
        assert [(c["kind"], c["rule_ref"]) for c in second["consequences"]] == [("notice", "fengdu art.13")]

    def test_one_in_each_of_two_years_raises_nothing(self, api):
        w, _, cadre = world_with_clerk("fengdu")
        county = office(w, Role.COUNTY_RR_BUREAU, "fd_rr")
        inspect(api, county, cadre, "2025-12-20", level="county")
        assert inspect(api, county, cadre, "2026-01-05", level="county")["consequences"] == []


class TestLinfenArt9:
    def test_two_reprimands_in_inspections_make_a_recall_candidate_one_does_not(self, api):
        w, _, cadre = world_with_clerk("linfen")
        county = office(w, Role.COUNTY_OFFICE, "lf_county")
        one = inspect(api, county, cadre, "2026-03-02", level="county", result="present", reprimand="self_criticism")
        assert one["consequences"] == []
        two = inspect(api, county, cadre, "2026-04-02", level="county", result="present", reprimand="admonition")
        assert [(c["kind"], c["rule_ref"]) for c in two["consequences"]] == [("recall_candidate", "linfen art.9")]

    def test_15_consecutive_absent_days_raise_nothing_and_the_16th_makes_a_recall_candidate(self, api):
        w, clerk, cadre = world_with_clerk("linfen")
        start = date(2026, 3, 1)
        mark(cadre, w.township_a, [start + timedelta(days=i) for i in range(14)], "absent")
        body = {"cadre": cadre.id, "status": "absent"}
        assert api(clerk).post("/api/v1/attendance/", body | {"date": "2026-03-15"}, format="json").status_code == 200
        assert not Flag.objects.filter(cadre=cadre).exists()
        assert api(clerk).post("/api/v1/attendance/", body | {"date": "2026-03-16"}, format="json").status_code == 200
        listed = flags(api, clerk, cadre)
        assert [(x["kind"], x["rule_ref"], x["source"]) for x in listed] == [("recall_candidate", "linfen art.9",
                                                                               "attendance")]
        assert "连续" in listed[0]["detail"]
        api(clerk).post("/api/v1/attendance/", body | {"date": "2026-03-17"}, format="json")
        assert Flag.objects.filter(cadre=cadre).count() == 1  # once per ground and year

    def test_30_absent_days_in_a_year_raise_nothing_and_the_31st_makes_a_recall_candidate(self, api):
        w, clerk, cadre = world_with_clerk("linfen")
        every_other = [date(2026, 1, 1) + timedelta(days=2 * i) for i in range(29)]
        mark(cadre, w.township_a, every_other, "absent")
        body = {"cadre": cadre.id, "status": "absent"}
        api(clerk).post("/api/v1/attendance/", body | {"date": "2026-06-01"}, format="json")
        assert not Flag.objects.filter(cadre=cadre).exists()
        api(clerk).post("/api/v1/attendance/", body | {"date": "2026-06-03"}, format="json")
        flag = Flag.objects.get(cadre=cadre)
        assert (flag.kind, flag.rule_ref, flag.source) == ("recall_candidate", "linfen art.9", "attendance")
        assert "31" in flag.detail

    def test_other_jurisdictions_raise_no_attendance_flag_for_long_absence(self, api, clerk, member, world):
        mark(member, world.township_a, [date(2026, 3, 1) + timedelta(days=i) for i in range(20)], "absent")
        api(clerk).post("/api/v1/attendance/", {"cadre": member.id, "status": "absent", "date": "2026-03-21"},
                        format="json")
        assert not Flag.objects.filter(cadre=member).exists()


def test_bad_inspection_input_is_a_400(api, member, city_office):
    for body in ({"date": "2026-02-30", "level": "city", "result": "present"},
                 {"date": "2026-03-02", "level": "galaxy", "result": "present"},
                 {"date": "2026-03-02", "level": "city", "result": "asleep"},
                 {"date": "2099-03-02", "level": "city", "result": "present"}):
        r = api(city_office).post(URL, {"cadre": member.id, **body}, format="json")
        assert r.status_code == 400 and r.data["detail"], body


def test_bob_and_charlie_cannot_inspect_or_read_flags_of_team_a(api, bob, charlie, member):
    for user in (bob, charlie):
        r = api(user).post(URL, {"cadre": member.id, "date": "2026-03-02", "level": "city", "result": "present"},
                           format="json")
        assert r.status_code == 400 and r.data["code"] == "invalid_cadre"
        assert api(user).get(f"/api/v1/cadres/{member.id}/flags/").status_code == 404


def test_the_inspection_list_is_scoped_and_takes_fixed_queries(api, member, city_office, bob,
                                                             django_assert_num_queries):
    for day in ("2026-03-02", "2026-03-09", "2026-03-16"):
        inspect(api, city_office, member, day)
    client = api(city_office)
    city_office._portal_scope = None
    # 1 grants, 1 user's cadre, 1 count, 1 page of inspections (+cadre, recorder), 1 prefetch flags
    with django_assert_num_queries(5):
        r = client.get(URL, {"month": "2026-03"})
    assert r.data["count"] == 3
    assert api(bob).get(URL).data["count"] == 0


def test_the_flag_list_takes_fixed_queries(api, member, city_office, django_assert_num_queries):
    for day in ("2026-03-02", "2026-03-09", "2026-03-16"):
        inspect(api, city_office, member, day)
    client = api(city_office)
    city_office._portal_scope = None
    # 1 grants, 1 user's cadre, 1 cadre in scope, 1 count, 1 page of flags
    with django_assert_num_queries(5):
        r = client.get(f"/api/v1/cadres/{member.id}/flags/")
    assert r.data["count"] == 2  # a notice and one recall candidate: the third finding raises no second (issue 11)

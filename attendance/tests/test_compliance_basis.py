"""Issue 9, items 4 and 5: compliance follows the policy's basis (ganzhou art.16: the year-to-date average), and
required days follow the posting and approved leave (qujiang art.14, fengdu art.9)."""

import math
from datetime import date

import pytest

from jurisdictions.models import Role
from tests import factories as f

from .. import services
from ..selectors import sheet_shortfalls
from .conftest import mark, place, world_with_clerk
from .test_monthly import days_of, get, working_days

pytestmark = pytest.mark.django_db


# ---- item 4: the basis of compliance is a policy field -------------------------------------------

def test_ganzhou_a_19_day_october_is_compliant_when_the_year_to_date_average_reaches_20_art_16(api, clerk, world):
    """ganzhou art.16 平均每月驻村时间不少于20天: judged on the average over the year to date, the month's own figure
    shown beside it."""
    cadre = place(world.team_a, since=date(2026, 9, 1))
    mark(cadre, world.township_a, list(days_of(2026, 9))[:22])
    mark(cadre, world.township_a, list(days_of(2026, 10))[:19])
    body = get(api, clerk, cadre, "2026-10")
    assert body["compliance_basis"] == "year_average" and body["rule_ref"] == "ganzhou art.16"
    assert (body["counted_days"], body["required_days"], body["month_compliant"]) == (19, 20, False)
    assert (body["yearly_average_days"], body["yearly_average_required_days"], body["yearly_average_months"]) == (
        20.5, 20.0, 2)
    assert body["compliant"] is True and body["shortfall_days"] == 0
    assert sheet_shortfalls(township=world.township_a, year=2026, month=10) == [
        {"cadre": cadre.id, "name": cadre.name, "counted_days": 19, "required_days": 20, "below_required": False,
         "unrecorded_working_days": 9, "rule_ref": "ganzhou art.16",
         "yearly_average_days": 20.5, "yearly_average_required_days": 20.0}]  # listed only for the unrecorded days


def test_ganzhou_a_full_october_does_not_make_up_for_an_empty_year_art_16(api, clerk, member, world):
    """ganzhou art.16: a cadre in post since January, recorded absent in January–September and in the village only
    in October, is below the average."""
    for m in range(1, 10):
        mark(member, world.township_a, list(days_of(2026, m))[:2], status="absent")
    mark(member, world.township_a, list(days_of(2026, 10)))
    body = get(api, clerk, member, "2026-10")
    assert body["month_compliant"] is True and body["compliant"] is False
    assert body["yearly_average_months"] == 10 and body["yearly_average_days"] == 3.1
    assert body["shortfall_days"] == 200 - 31
    listed = sheet_shortfalls(township=world.township_a, year=2026, month=10)
    assert [(s["cadre"], s["below_required"]) for s in listed] == [(member.id, True)]


def test_ganzhou_months_with_nothing_recorded_stay_out_of_the_year_average_art_16(api, clerk, member, world):
    """ganzhou art.16: a month the township kept no attendance for the cadre in the portal (e.g. before it was used) is
    unknown, not a month of zero days: the average runs over the months that were kept."""
    mark(member, world.township_a, list(days_of(2026, 9))[:21])
    mark(member, world.township_a, list(days_of(2026, 10))[:19])
    body = get(api, clerk, member, "2026-10")
    assert (body["yearly_average_months"], body["yearly_average_days"], body["compliant"]) == (2, 20.0, True)


@pytest.mark.parametrize("code,ref", [("qujiang", "qujiang art.13"), ("linfen", "linfen art.8"),
                                      ("xinfeng", "xinfeng default"), ("fengdu", "fengdu art.9")])
def test_qujiang_linfen_xinfeng_and_fengdu_judge_each_month_on_its_own(api, code, ref):
    """qujiang art.13 (与所在镇干部一同考勤), linfen art.8 (每月逐人作出综合评价), fengdu art.9 (每月2/3以上时间), xinfeng
    (silent: default): each month on its own; no year average is reported."""
    w, clerk, cadre = world_with_clerk(code)
    body = get(api, clerk, cadre, "2026-10")
    assert (body["compliance_basis"], body["rule_ref"]) == ("month", ref)
    assert body["compliant"] == body["month_compliant"] and "yearly_average_days" not in body


def test_the_grid_page_shows_the_month_and_the_year_to_date_average_side_by_side_ganzhou_art_16(client, clerk,
                                                                                                 world):
    cadre = place(world.team_a, since=date(2026, 9, 1))
    mark(cadre, world.township_a, list(days_of(2026, 9))[:22])
    mark(cadre, world.township_a, list(days_of(2026, 10))[:19])
    client.force_login(clerk)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert "19/20" in html and "本年月均20.5/20.0（2个月）" in html and "按年度月均判断" in html
    html = client.get("/attendance/sheet/print/", {"township": world.township_a.id, "month": "2026-10"}).content.decode()
    assert "本年月均20.5天" in html and "按年度月均" in html


# ---- item 5: required days follow the posting and approved leave ---------------------------------

def test_qujiang_a_cadre_arriving_on_19_october_owes_only_the_working_days_in_post_art_13_art_14(api):
    w, clerk, _ = world_with_clerk("qujiang")
    cadre = place(w.team_a, since=date(2026, 10, 19))
    in_post = [d for d in working_days(2026, 10) if d >= date(2026, 10, 19)]
    mark(cadre, w.township_a, in_post)
    body = get(api, clerk, cadre, "2026-10")
    assert (body["required_days"], body["full_month_required_days"], body["posted_days"]) == (len(in_post), 18, 13)
    assert body["compliant"] is True and body["unrecorded_days"] == 13 - len(in_post)
    assert cadre.id not in [s["cadre"] for s in sheet_shortfalls(township=w.township_a, year=2026, month=10)]


def test_fengdu_a_cadre_leaving_on_15_october_owes_two_thirds_of_15_days_art_9(api):
    w, clerk, _ = world_with_clerk("fengdu")
    cadre = place(w.team_a, since=date(2026, 1, 1), until=date(2026, 10, 15))
    mark(cadre, w.township_a, list(days_of(2026, 10))[:10])
    body = get(api, clerk, cadre, "2026-10")
    assert (body["required_days"], body["full_month_required_days"]) == (math.ceil(15 * 2 / 3), 21)
    assert body["compliant"] is True and body["warnings"] == []


def test_qujiang_approved_leave_is_shown_as_leave_not_as_a_breach_art_14(api):
    """qujiang art.14 (请假要履行审批手续): five working days of approved leave come out of the required days, so a
    cadre present on every other working day is compliant and is not listed as a hard shortfall."""
    w, clerk, cadre = world_with_clerk("qujiang")
    wd = working_days(2026, 10)
    away = wd[5:10]
    services.records_mark_leave(actor=clerk, cadre=cadre, township=w.township_a, start=away[0], end=away[-1],
                                leave_request_id=4242)
    mark(cadre, w.township_a, [d for d in wd if d not in away])
    leave_taken = sum(1 for d in days_of(2026, 10) if away[0] <= d <= away[-1])
    body = get(api, clerk, cadre, "2026-10")
    assert body["leave_days"] == leave_taken and body["approved_leave_days"] == leave_taken
    assert (body["counted_days"], body["required_days"], body["compliant"]) == (13, 13, True)
    assert sheet_shortfalls(township=w.township_a, year=2026, month=10) == []
    r = api(clerk).post("/api/v1/attendance-sheets/", {"org_unit": w.township_a.id, "month": "2026-10"},
                        format="json")
    assert r.status_code == 201 and r.data["acknowledged_shortfalls"] == []


def test_fengdu_approved_leave_comes_out_of_the_two_thirds_art_9(api):
    w, clerk, cadre = world_with_clerk("fengdu")
    services.records_mark_leave(actor=clerk, cadre=cadre, township=w.township_a, start=date(2026, 10, 20),
                                end=date(2026, 10, 22), leave_request_id=77)
    body = get(api, clerk, cadre, "2026-10")
    assert (body["required_days"], body["approved_leave_days"]) == (math.ceil(28 * 2 / 3), 3)


def test_ganzhou_approved_leave_is_not_part_of_the_20_days_art_16(api, clerk, world):
    """ganzhou art.16 counts 因公出差、开会和培训 in the 20 days and names no leave: our reading keeps leave days in the
    requirement (policy `approved_leave: counts_against`), while the days still show as leave."""
    cadre = place(world.team_a, since=date(2026, 10, 1))
    services.records_mark_leave(actor=clerk, cadre=cadre, township=world.township_a, start=date(2026, 10, 20),
                                end=date(2026, 10, 22), leave_request_id=78)
    body = get(api, clerk, cadre, "2026-10")
    assert (body["required_days"], body["approved_leave_days"], body["approved_leave_excused"]) == (20, 3, False)


def test_a_county_user_sees_the_prorated_figure_too(api):
    w, _, _ = world_with_clerk("fengdu")
    county = f.user_with_role(Role.COUNTY_RR_BUREAU, jurisdiction=w.jurisdiction)
    cadre = place(w.team_a, since=date(2026, 10, 16))
    assert get(api, county, cadre, "2026-10")["required_days"] == math.ceil(16 * 2 / 3)


def test_the_cadres_own_page_shows_the_year_to_date_average_beside_the_month_ganzhou_art_16(client, world):
    from django.utils import timezone

    user = f.UserFactory(username="ytd_cadre", jurisdiction=world.jurisdiction)
    today = timezone.localdate()
    place(world.team_a, user=user, since=date(today.year, today.month, 1))
    client.force_login(user)
    html = client.get("/attendance/check-in/").content.decode()
    assert 'id="fig-ytd"' in html and "本年月均" in html and "按年度月均判断是否达标" in html

"""Each regulation takes effect on the date printed on it (自印发之日起 / 自下发之日起, issue 9 item 1); a date
before a jurisdiction's first rows has no rules, and every run, route and check asking for it is a clear 400."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from conftest import build_world
from jurisdictions.errors import RuleViolation
from jurisdictions.models import Jurisdiction, PolicyRow, Role
from jurisdictions.policy import MissingPolicy, NoPolicy, policy_in_force
from jurisdictions.seed_data import JURISDICTIONS
from subsidies.models import SubsidyRun
from teams.models import Membership
from tests import factories as f

ISSUED = {
    "qujiang": date(2022, 3, 23),  # qujiang art.30 本办法自印发之日起试行; signed 2022年3月23日
    "ganzhou": date(2021, 12, 31),  # ganzhou art.33 自印发之日起施行; no date in the text: last day of 〔2021〕
    "linfen": date(2018, 7, 5),  # linfen art.19 自下发之日起施行; 厅字〔2018〕34号 dated 2018年7月5日
    "xinfeng": date(2021, 9, 10),  # the notice is signed 2021年9月10日
    "fengdu": date(2021, 9, 10),  # fengdu art.24 自印发之日起施行; dated 2021年9月10日
}


def test_each_regulation_takes_effect_on_the_day_it_was_issued_not_on_1_january(db):
    assert {code: d for code, *_, d in JURISDICTIONS} == ISSUED
    for code, issued in ISSUED.items():
        j = Jurisdiction.objects.get(code=code)
        assert policy_in_force(j, issued).get("attendance.required_days") is not None, code
        with pytest.raises(NoPolicy):
            policy_in_force(j, issued - timedelta(days=1))
        assert not PolicyRow.objects.filter(jurisdiction=j, effective_from__lt=issued).exists(), code


def test_ganzhou_has_no_date_in_its_text_so_2021_12_31_is_used_and_the_document_field_says_so(db):
    ganzhou = Jurisdiction.objects.get(code="ganzhou")
    assert "文件未载印发日期" in ganzhou.document and "2021年12月31日" in ganzhou.document


def test_reseeding_an_old_database_moves_seeded_rows_from_1_january_to_the_issue_date_and_leaves_admin_rows(db):
    qujiang = Jurisdiction.objects.get(code="qujiang")
    admin = f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=qujiang)
    # an old database: the seeded rows sat at 2022-01-01
    PolicyRow.objects.filter(jurisdiction=qujiang, key="subsidy.meal_per_day").update(effective_from=date(2022, 1, 1))
    PolicyRow.objects.filter(jurisdiction=qujiang, key="duties.group_study").update(effective_from=date(2022, 1, 1))
    # ... and a seeded row at the old date while the new date already has a version: the old one goes
    new_meal = PolicyRow.objects.get(jurisdiction=qujiang, key="subsidy.meal_per_day")
    PolicyRow.objects.create(jurisdiction=qujiang, key="duties.team_meeting", value={"every": "week"},
                             effective_from=date(2022, 1, 1), rule_ref="qujiang art.16")
    # an admin entered a version at 1 January on purpose: never touched
    mine = PolicyRow.objects.create(jurisdiction=qujiang, key="leave.official_business_needs_request",
                                    value={"enabled": False}, effective_from=date(2022, 1, 1),
                                    rule_ref="qujiang art.14", created_by=admin)
    call_command("seed_policies", verbosity=0)
    rows = PolicyRow.objects.filter(jurisdiction=qujiang)
    assert not rows.filter(effective_from=date(2022, 1, 1)).exclude(pk=mine.pk).exists()
    assert list(rows.filter(key="subsidy.meal_per_day").values_list("pk", "effective_from")) == \
        [(new_meal.pk, date(2022, 3, 23))]
    assert rows.filter(key="duties.group_study").get().effective_from == date(2022, 3, 23)
    assert rows.filter(key="duties.team_meeting").get().effective_from == date(2022, 3, 23)
    mine.refresh_from_db()
    assert (mine.effective_from, mine.value) == (date(2022, 1, 1), {"enabled": False})
    before = PolicyRow.objects.count()
    call_command("seed_policies", verbosity=0)  # and again: nothing changes
    assert PolicyRow.objects.count() == before


def test_a_subsidy_run_for_qujiang_february_2022_is_refused_because_the_regulation_took_effect_on_23_march(
        db, api):
    w = build_world("qujiang")
    finance = f.user_with_role(Role.FINANCE, jurisdiction=w.jurisdiction)
    r = api(finance).post("/api/v1/subsidy-runs/", {"jurisdiction": "qujiang", "month": "2022-02"}, format="json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "no_policy" and body["rule_ref"] == "qujiang default" and body["overridable"] is False
    assert body["detail"] == "2022年2月1日 韶关市曲江区的驻村管理文件尚未施行（自2022-03-23起施行），无可适用的规则。"
    assert not SubsidyRun.objects.exists()


def test_a_qujiang_leave_request_starting_1_march_2022_has_no_route_before_art30s_date_and_is_a_clear_400(db, api):
    w = build_world("qujiang")
    user = f.UserFactory(jurisdiction=w.jurisdiction)
    cadre = f.CadreFactory(jurisdiction=w.jurisdiction, dispatch_unit=w.dispatch_unit, user=user)
    f.MembershipFactory(team=w.team_a, cadre=cadre, role=Membership.Role.MEMBER, start_date=date(2022, 1, 1))
    r = api(user).post("/api/v1/leave-requests/", {"cadre": cadre.pk, "kind": "personal", "start_date": "2022-03-01",
                                                   "end_date": "2022-03-02", "reason": "家中有事"}, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "no_policy" and "自2022-03-23起施行" in r.json()["detail"]


def test_the_policy_api_before_the_issue_date_answers_no_policy_and_from_it_the_rules(db, api):
    w = build_world("qujiang")
    admin = f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=w.jurisdiction)
    r = api(admin).get("/api/v1/jurisdictions/qujiang/policy/?on=2022-03-22")
    assert r.status_code == 400 and r.json()["code"] == "no_policy"
    assert "尚未施行（自2022-03-23起施行）" in r.json()["detail"]
    r = api(admin).get("/api/v1/jurisdictions/qujiang/policy/?on=2022-03-23")
    assert r.status_code == 200 and r.json()["rules"]["subsidy.meal_per_day"]["value"] == {"amount": "40.00"}


def test_the_policy_page_before_the_issue_date_says_the_regulation_is_not_yet_in_force(client, db):
    w = build_world("qujiang")
    client.force_login(f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=w.jurisdiction))
    r = client.get("/policy/qujiang/?on=2022-02-01")
    assert r.status_code == 200
    assert "尚未施行（自2022-03-23起施行）" in r.content.decode()
    assert '<a href="?on=2022-03-23">' in r.content.decode()  # one click to the rules in force from that day


def test_an_attendance_sheet_page_for_a_month_before_the_regulation_shows_the_refusal_not_a_server_error(client, db):
    w = build_world("qujiang")
    client.force_login(f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=w.township_a))
    r = client.get(f"/attendance/sheet/?township={w.township_a.pk}&month=2022-02")
    assert r.status_code == 400
    page = r.content.decode()
    assert "尚未施行（自2022-03-23起施行）" in page and "无法办理" in page


def test_a_rule_missing_from_the_policy_table_is_a_400_naming_the_rule_not_a_server_error(db):
    policy = policy_in_force(Jurisdiction.objects.get(code="fengdu"), date(2025, 6, 1))
    with pytest.raises(MissingPolicy) as exc:
        policy.require("subsidy.no_such_rule")
    assert isinstance(exc.value, RuleViolation) and isinstance(exc.value, LookupError)
    assert exc.value.status == 400 and exc.value.code == "missing_policy" and exc.value.rule_ref == "fengdu default"
    assert "subsidy.no_such_rule" in exc.value.detail

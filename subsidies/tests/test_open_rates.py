"""Rates the regulations leave open are not paid by default (issue 9 item 3): the seeded rows hold null, a run that
would pay a cadre under such a rate refuses with `rate_missing`, and a jurisdiction admin enters the rate as a new
policy version (POST jurisdictions/{code}/policy/)."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from jurisdictions.errors import RuleViolation
from jurisdictions.models import AuditEvent, DispatchUnit, PolicyRow, Role
from subsidies import services
from subsidies.models import CadreAllowanceProfile, Line, Statement, SubsidyRun
from tests import factories as f

from .conftest import JUNE, admin_of_world, cadre_in_post, days, finance_of, run_month

D = Decimal
COUNTY = DispatchUnit.Level.COUNTY


def _worked_june(w, confirmer, *cadres, n=20):
    for c in cadres:
        f.attendance_days(c, w.township_a, days(JUNE, n))
    f.confirm_sheet(w.township_a, JUNE, confirmer)


def test_a_ganzhou_run_is_refused_naming_the_county_living_rate_and_the_communication_rate_art27(
        make_world, confirmer, api):
    """Ganzhou art.27(二) "各地按本地标准执行" and (三) "参照市级机关事业单位通信补贴标准": no figure in the text."""
    w = make_world("ganzhou", rates=False)
    _worked_june(w, confirmer, cadre_in_post(w), cadre_in_post(w, level=COUNTY))
    r = api(finance_of(w)).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": "2025-06"},
                                format="json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "rate_missing"
    assert body["errors"] == [
        {"key": "subsidy.communication_monthly", "field": "amount", "rule_ref": "ganzhou art.27"},
        {"key": "subsidy.living_per_day", "field": "county", "rule_ref": "ganzhou art.27"},
    ]
    assert "县级标准" in body["detail"] and "赣州市文件第27条" in body["detail"]
    assert not SubsidyRun.objects.filter(jurisdiction=w.jurisdiction).exists()  # nothing queued, nothing saved


def test_after_the_admin_posts_the_rates_the_run_succeeds_and_pays_them_ganzhou_art27(make_world, confirmer, api):
    w = make_world("ganzhou", rates=False)
    city, county = cadre_in_post(w), cadre_in_post(w, level=COUNTY)
    _worked_june(w, confirmer, city, county)
    admin = admin_of_world(w)
    for key, value in (("subsidy.living_per_day", {"county": "80"}), ("subsidy.communication_monthly",
                                                                        {"amount": "50.00"})):
        r = api(admin).post("/api/v1/jurisdictions/ganzhou/policy/",
                            {"key": key, "value": value, "effective_from": "2025-06-01", "reason": "补录"}, format="json")
        assert r.status_code == 201, r.content
        assert (r.json()["rule_ref"], r.json()["is_default"]) == ("ganzhou art.27", False)
    run = run_month(w, JUNE)
    assert run.status == "done" and run.statement_count == 2
    lines = {(ln.statement.cadre_id, ln.kind): ln for ln in Line.objects.select_related("statement")}
    assert (lines[(county.id, "living")].rate, lines[(county.id, "living")].amount) == (D("80.00"), D("1600.00"))
    assert lines[(city.id, "living")].amount == D("2000.00")  # the city rate the text gives: 100/day
    assert lines[(county.id, "communication")].amount == D("50.00")
    assert Statement.objects.get(cadre=county).total == D("1650.00")


def test_a_ganzhou_run_of_city_cadres_only_is_not_refused_for_the_county_living_rate_art27(make_world, confirmer):
    w = make_world("ganzhou", rates=False)
    c = cadre_in_post(w)
    CadreAllowanceProfile.objects.create(cadre=c, communication_paid_by_unit=True)  # (三) not paid twice
    _worked_june(w, confirmer, c)
    run = run_month(w, JUNE)
    assert run.status == "done"
    assert Statement.objects.get(cadre=c).total == D("2000.00")


def test_a_qujiang_cadre_short_of_six_months_is_paid_without_the_township_rate_art21(make_world, confirmer):
    """Qujiang art.21 "执行所在地乡镇补贴标准": the rate counts only for a cadre who would be paid it."""
    w = make_world("qujiang", rates=False)
    c = cadre_in_post(w, start=date(2025, 3, 1))
    _worked_june(w, confirmer, c)
    assert run_month(w, JUNE).status == "done"  # 3 months in post: meal only
    assert list(Line.objects.filter(statement__cadre=c).values_list("kind", flat=True)) == ["meal"]


def test_a_qujiang_cadre_past_six_months_waits_for_the_local_township_rate_art21(make_world, confirmer):
    """Qujiang art.21 "驻镇帮扶6个月以上的，应享受乡镇工作补贴，并执行所在地乡镇补贴标准": no figure, no payment."""
    w = make_world("qujiang", rates=False)
    _worked_june(w, confirmer, cadre_in_post(w, start=date(2024, 10, 1)))
    with pytest.raises(RuleViolation) as refused:
        services.subsidy_run_create(actor=finance_of(w), jurisdiction=w.jurisdiction, month=JUNE)
    assert refused.value.code == "rate_missing"
    assert refused.value.errors == [{"key": "subsidy.township_allowance", "field": "monthly",
                                     "rule_ref": "qujiang art.21"}]


def test_a_linfen_city_cadre_needs_the_city_rate_and_the_transport_and_communication_rates_art17(
        make_world, confirmer, api):
    """Linfen art.17 "市、县两级选派的按同级差旅费伙食补助标准执行": one rate per level, each entered separately."""
    w = make_world("linfen", rates=False)
    _worked_june(w, confirmer, cadre_in_post(w), n=18)
    r = api(finance_of(w)).post("/api/v1/subsidy-runs/", {"jurisdiction": "linfen", "month": "2025-06"},
                                format="json")
    assert r.status_code == 400 and r.json()["errors"] == [
        {"key": "subsidy.communication_per_day", "field": "amount", "rule_ref": "linfen art.17"},
        {"key": "subsidy.living_per_day", "field": "city", "rule_ref": "linfen art.17"},
        {"key": "subsidy.transport_per_day", "field": "amount", "rule_ref": "linfen art.17"},
    ]  # the county rate is not asked for: no county cadre in this run
    admin = api(admin_of_world(w))
    for key, value in (("subsidy.living_per_day", {"city": "80.00"}), ("subsidy.transport_per_day", {"amount": "0"}),
                       ("subsidy.communication_per_day", {"amount": "0.00"})):
        assert admin.post("/api/v1/jurisdictions/linfen/policy/",
                          {"key": key, "value": value, "effective_from": "2025-01-01", "reason": "补录"}, format="json").status_code == 201
    assert run_month(w, JUNE).status == "done"
    assert list(Line.objects.values_list("kind", "quantity", "rate", "amount")) == [
        ("living", 18, D("80.00"), D("1440.00"))]  # transport and communication entered as 0: not paid


def test_finance_sees_the_refusal_in_words_with_a_link_to_the_policy_page(make_world, confirmer):
    w = make_world("ganzhou", rates=False)
    _worked_june(w, confirmer, cadre_in_post(w, level=COUNTY))
    client = Client()
    client.force_login(finance_of(w))
    r = client.post("/subsidies/runs/", {"jurisdiction": "ganzhou", "month": "2025-06"})
    html = r.content.decode()
    assert r.status_code == 400
    assert "生活补助（元/天）县级标准" in html and "通信补贴（元/月）标准" in html and "赣州市文件第27条" in html
    assert 'href="/policy/ganzhou/?on=2025-06-01"' in html and "未生成任何结算单" in html
    assert not SubsidyRun.objects.exists()


# ---- policy_version_add / POST jurisdictions/{code}/policy/ ------------------------------------------------

def test_an_admin_adds_a_version_that_carries_the_article_over_and_is_audited(make_world, api):
    w = make_world("ganzhou", rates=False)
    admin = admin_of_world(w)
    r = api(admin).post("/api/v1/jurisdictions/ganzhou/policy/",
                        {"key": "subsidy.living_per_day", "value": {"county": "85.5"},
                         "effective_from": "2026-01-01", "reason": "补录"}, format="json")
    assert r.status_code == 201, r.content
    row = PolicyRow.objects.get(id=r.json()["id"])
    assert row.value["county"] == "85.50" and row.value["city"] == "100.00"  # fields not given carry over
    assert (row.rule_ref, row.is_default, row.created_by_id) == ("ganzhou art.27", False, admin.id)
    seeded = PolicyRow.objects.filter(jurisdiction=w.jurisdiction, key="subsidy.living_per_day").exclude(id=row.id)
    assert [s.value["county"] for s in seeded] == [None]  # never edited in place
    assert AuditEvent.objects.filter(action="policy_row.add", object_id=row.id).exists()
    got = api(admin).get("/api/v1/jurisdictions/ganzhou/policy/?on=2026-01-01").json()
    assert got["rules"]["subsidy.living_per_day"]["value"]["county"] == "85.50"


def test_a_version_refuses_an_unknown_key_a_duplicate_date_and_a_rate_that_is_not_money(make_world, api):
    w = make_world("ganzhou", rates=False)
    client = api(admin_of_world(w))
    url = "/api/v1/jurisdictions/ganzhou/policy/"
    r = client.post(url, {"key": "subsidy.nonsense", "value": {}, "effective_from": "2026-01-01", "reason": "补录"}, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "unknown_key")
    ok = {"key": "subsidy.communication_monthly", "value": {"amount": "90.00"}, "effective_from": "2026-01-01", "reason": "补录"}
    assert client.post(url, ok, format="json").status_code == 201
    r = client.post(url, ok, format="json")
    assert (r.status_code, r.json()["code"]) == (409, "duplicate_version")
    r = client.post(url, {**ok, "value": {"amount": "-5"}, "effective_from": "2026-02-01", "reason": "补录"}, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "invalid_rate")


def test_only_the_jurisdiction_admin_adds_a_version_others_403_outsiders_404(make_world, api):
    w = make_world("ganzhou", rates=False)
    body = {"key": "subsidy.communication_monthly", "value": {"amount": "90.00"}, "effective_from": "2026-01-01", "reason": "补录"}
    url = "/api/v1/jurisdictions/ganzhou/policy/"
    assert api(finance_of(w)).post(url, body, format="json").status_code == 403
    outsider = f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=make_world("fengdu").jurisdiction)
    assert api(outsider).post(url, body, format="json").status_code == 404
    assert api().post(url, body, format="json").status_code in (401, 403)
    assert not PolicyRow.objects.filter(effective_from=date(2026, 1, 1), key=body["key"]).exists()


def test_a_rate_entered_from_july_does_not_cover_a_june_day_confirmed_late_so_the_july_run_asks_for_june_art27(
        make_world, confirmer, api):
    """Ganzhou art.27(二) county rate: a re-checked issued month is paid under its own month's policy."""
    from .conftest import JULY

    w = make_world("ganzhou", rates=False)
    city = cadre_in_post(w)
    CadreAllowanceProfile.objects.create(cadre=city, communication_paid_by_unit=True)
    county = cadre_in_post(w, level=COUNTY, team=f.TeamFactory(jurisdiction=w.jurisdiction, host_unit=w.village_b))
    CadreAllowanceProfile.objects.create(cadre=county, communication_paid_by_unit=True)
    f.attendance_days(city, w.township_a, days(JUNE, 20))
    f.attendance_days(county, w.township_b, days(JUNE, 20))
    f.confirm_sheet(w.township_a, JUNE, confirmer)  # township B confirms June late
    assert run_month(w, JUNE).status == "done"  # only the city cadre: no open rate needed
    f.confirm_sheet(w.township_b, JUNE, confirmer)
    f.attendance_days(city, w.township_a, days(JULY, 20))
    f.confirm_sheet(w.township_a, JULY, confirmer)
    admin = api(admin_of_world(w))
    assert admin.post("/api/v1/jurisdictions/ganzhou/policy/", {"key": "subsidy.living_per_day",
                      "value": {"county": "80.00"}, "effective_from": "2025-07-01", "reason": "补录"}, format="json").status_code == 201
    r = api(finance_of(w)).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": "2025-07"},
                                format="json")
    assert r.status_code == 400 and r.json()["errors"] == [
        {"key": "subsidy.living_per_day", "field": "county", "rule_ref": "ganzhou art.27"}]
    assert "不晚于2025年06月1日" in r.json()["detail"]
    assert admin.post("/api/v1/jurisdictions/ganzhou/policy/", {"key": "subsidy.living_per_day",
                      "value": {"county": "80.00"}, "effective_from": "2025-06-01", "reason": "补录"}, format="json").status_code == 201
    assert run_month(w, JULY).status == "done"
    adj = Line.objects.get(statement__cadre=county, kind="adjustment")
    assert (adj.amount, adj.for_month, adj.base_kind) == (D("1600.00"), JUNE, "living")  # 20 × 80, paid in July

"""The contract (reports/monthly/), the dashboard's scoping and query count, the export, home pages by role and the
Linfen art.9(四) quarterly roll-up."""

import io
from datetime import date

import openpyxl
from django.urls import reverse

from conftest import build_world
from jurisdictions.models import OrgUnit, Role
from reports.models import MonthlyReport
from tests import factories as f

from .conftest import MARCH, generate, seed_month


def test_the_org_department_posts_a_month_and_gets_202_with_the_pending_report(month, api):
    r = api(month.org_dept).post("/api/v1/reports/monthly/", {"jurisdiction": "ganzhou", "month": "2026-03"},
                                 format="json")
    assert r.status_code == 202, r.json()
    body = r.json()
    assert body["status"] in ("pending", "done") and MonthlyReport.objects.filter(pk=body["id"]).exists()


def test_a_township_secretary_may_not_generate_a_report(month, api, alice):
    r = api(alice).post("/api/v1/reports/monthly/", {"jurisdiction": "ganzhou", "month": "2026-03"}, format="json")
    assert r.status_code == 403


def test_a_month_before_the_regulation_answers_400_no_policy(month, api):
    r = api(month.org_dept).post("/api/v1/reports/monthly/", {"jurisdiction": "ganzhou", "month": "2019-03"},
                                 format="json")
    assert r.status_code == 400 and r.json()["code"] == "no_policy"


def test_get_answers_the_stored_report_with_totals_and_units(month, api):
    report = generate(month)
    r = api(month.org_dept).get("/api/v1/reports/monthly/?jurisdiction=ganzhou&month=2026-03")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == report.id and body["month"] == "2026-03"
    for key in ("cadres", "teams", "counted_days", "required_days", "compliant", "non_compliant", "leave_requests",
                "leave_days", "inspections", "unexcused_absences", "flags", "diaries", "allowance_total", "fund_spent"):
        assert key in body["totals"]
    assert body["totals"]["allowance_total"] is None
    assert {u["name"] for u in body["by_unit"]} == {"甲镇", "乙镇", "赣州市测试县"}


def test_a_township_secretary_gets_only_their_township_in_the_report(month, api, alice):
    generate(month)
    body = api(alice).get("/api/v1/reports/monthly/?jurisdiction=ganzhou&month=2026-03").json()
    assert [u["name"] for u in body["by_unit"]] == ["甲镇"]
    assert body["totals"]["cadres"] == 2 and body["totals"]["on_duty_days"] == 28


def test_another_jurisdictions_report_is_404(month, api, charlie):
    report = generate(month)
    assert api(charlie).get("/api/v1/reports/monthly/?jurisdiction=ganzhou&month=2026-03").status_code == 404
    assert api(charlie).get(f"/api/v1/reports/monthly/{report.id}/export/").status_code == 404
    assert api(charlie).get(f"/reports/{report.id}/export/").status_code in (404, 302)


def test_the_export_has_a_sheet_per_level_with_chinese_headers_and_totals(month, api):
    report = generate(month)
    r = api(month.org_dept).get(f"/api/v1/reports/monthly/{report.id}/export/")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["辖区合计", "县(区)", "乡镇", "工作队", "干部"]
    ws = wb["乡镇"]
    assert ws.cell(4, 1).value == "名称" and ws.cell(4, 2).value == "驻村干部数"
    names = [ws.cell(i, 1).value for i in range(5, ws.max_row + 1)]
    assert names == ["甲镇", "乙镇", "合计"]
    assert ws.cell(ws.max_row, 2).value == 3  # the totals line
    assert "缺" in [ws.cell(6, c).value for c in range(2, 8)]  # 乙镇 has no confirmed sheet: missing, not 0


def test_the_township_secretarys_dashboard_holds_only_their_township(month, client, alice):
    generate(month)
    client.force_login(alice)
    page = client.get("/dashboard/?jurisdiction=ganzhou&month=2026-03").content.decode()
    assert "甲镇" in page and "乙镇" not in page and "乙村驻村工作队" not in page
    assert client.get(f"/dashboard/?jurisdiction=ganzhou&month=2026-03&level=township&unit={month.world.township_b.id}"
                      ).status_code == 404


def test_the_dashboard_of_another_jurisdiction_is_404(month, client, charlie):
    generate(month)
    client.force_login(charlie)
    assert client.get("/dashboard/?jurisdiction=ganzhou&month=2026-03").status_code == 404


def test_the_dashboard_drills_from_the_jurisdiction_to_a_cadre_with_the_same_figures(month, client):
    generate(month)
    m = month
    client.force_login(m.org_dept)
    base = "/dashboard/?jurisdiction=ganzhou&month=2026-03"
    top = client.get(base).content.decode()
    assert 'id="dash-data"' in top and "vendor/echarts.min.js" in top and "赣州市测试县" in top
    county = client.get(f"{base}&level=county&unit={m.world.county.id}").content.decode()
    assert "甲镇" in county and "乙镇" in county
    town = client.get(f"{base}&level=township&unit={m.world.township_a.id}").content.decode()
    assert "甲村驻村工作队" in town
    team = client.get(f"{base}&level=team&unit={m.world.team_a.id}").content.decode()
    assert m.c1.name in team and m.c3.name not in team
    cadre = client.get(f"{base}&level=cadre&unit={m.c1.id}")
    assert cadre.status_code == 200 and m.c1.name in cadre.content.decode()
    htmx = client.get(f"{base}&level=township&unit={m.world.township_a.id}", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in htmx and "甲村驻村工作队" in htmx
    printed = client.get("/dashboard/print/?jurisdiction=ganzhou&month=2026-03").content.decode()
    assert "月度报告" in printed and "合计" in printed


def test_the_dashboard_query_count_does_not_grow_with_the_number_of_townships(client, month):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w, m = month.world, month
    client.force_login(m.org_dept)
    url = "/dashboard/?jurisdiction=ganzhou&month=2026-03"

    def count():
        generate(m)
        client.get(url)  # the session is read once per request anyway; warm anything lazy
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(6):
        t = f.OrgUnitFactory(jurisdiction=w.jurisdiction, kind=OrgUnit.Kind.TOWNSHIP, parent=w.county, name=f"新镇{i}")
        v = f.OrgUnitFactory(jurisdiction=w.jurisdiction, kind=OrgUnit.Kind.VILLAGE, parent=t, name=f"新村{i}")
        f.MembershipFactory(team=f.TeamFactory(jurisdiction=w.jurisdiction, host_unit=v))
    after = count()
    # session, user, role grants, cadre facts, visible jurisdictions, the report, counties exist, the node row,
    # its children, the versions, team ranking, non-compliant cadres, unconfirmed sheets, township paths,
    # trend (reports, rows), the quarterly policy row, unread notices: the same whatever the number of townships
    assert before == after <= 22, (before, after)


def test_the_county_org_department_lands_on_the_dashboard_after_logging_in(month, client):
    month.org_dept.set_password("pass-1234")
    month.org_dept.save()
    r = client.post(reverse("login"), {"username": month.org_dept.username, "password": "pass-1234"})
    assert r.status_code == 302 and r["Location"] == "/dashboard/"


def test_a_township_secretary_sees_their_townships_month_on_the_home_page(month, client, alice, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "_default_month", lambda: MARCH)
    generate(month)
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert 'id="my-month"' in page and "甲镇 2026年03月" in page and "驻村干部 2 人" in page
    assert f"level=township&amp;unit={month.world.township_a.id}" in page


def test_a_cadre_sees_their_own_month_on_the_home_page(month, client, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "_default_month", lambda: MARCH)
    generate(month)
    user = f.UserFactory(jurisdiction=month.world.jurisdiction)
    month.c1.user = user
    month.c1.save()
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "我的2026年03月" in page and "工作日志 3 篇" in page and "请假 0 天" in page


def test_linfens_quarterly_report_to_the_city_rolls_up_the_three_months_linfen_art9(db, client):
    w = build_world("linfen")
    org = f.user_with_role(Role.COUNTY_ORG_DEPT, jurisdiction=w.jurisdiction)
    m = seed_month(w, month=date(2026, 1, 1))
    for mon in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):
        f.attendance_days(m.c1, w.township_a, [mon.replace(day=27)] if mon.month > 1 else [])
        generate(m, month=mon)
    client.force_login(org)
    page = client.get("/dashboard/quarterly/?jurisdiction=linfen&quarter=2026-Q1")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026年第1季度" in text and "临汾市文件第9条" in text and "按季度上报市干部帮扶工作领导小组办公室" in text
    x = client.get("/dashboard/quarterly/?jurisdiction=linfen&quarter=2026-Q1&format=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    ws = wb["辖区合计"]
    # January's seeded 33 on-duty days plus one more in February and one in March
    assert ws.cell(5, 8).value == 35


def test_a_jurisdiction_whose_policy_has_no_quarterly_report_is_refused(month, client):
    generate(month)
    client.force_login(month.org_dept)
    r = client.get("/dashboard/quarterly/?jurisdiction=ganzhou&quarter=2026-Q1")
    assert r.status_code == 400


def test_the_generate_button_queues_a_new_version_for_the_org_department_and_refuses_a_secretary(month, client,
                                                                                                   alice):
    generate(month)
    client.force_login(month.org_dept)
    r = client.post("/dashboard/generate/", {"jurisdiction": "ganzhou", "month": "2026-03"})
    assert r.status_code == 302
    # no broker in this test process: the task ran eagerly on commit, or is pending
    assert MonthlyReport.objects.filter(jurisdiction=month.world.jurisdiction, month=MARCH).count() == 2
    client.force_login(alice)
    assert client.post("/dashboard/generate/", {"jurisdiction": "ganzhou", "month": "2026-03"}).status_code == 403


def test_an_attendance_clerk_may_not_read_the_monthly_report(month, api):
    report = generate(month)
    clerk = f.user_with_role(Role.ATTENDANCE_CLERK, org_unit=month.world.township_a)
    assert api(clerk).get("/api/v1/reports/monthly/?jurisdiction=ganzhou&month=2026-03").status_code == 403
    assert api(clerk).get(f"/api/v1/reports/monthly/{report.id}/export/").status_code == 403

"""The contract paths (DESIGN.md): trips/, subsidy-runs/, subsidy-statements/, the export; scoping and pages."""

import io
from datetime import date
from decimal import Decimal

from django.test import Client
from openpyxl import load_workbook

from subsidies import services
from subsidies.models import SubsidyRun
from tests import factories as f

from .conftest import JUNE, cadre_in_post, days, finance_of, run_month


def _june_ready(world, alice):
    c = cadre_in_post(world)
    f.attendance_days(c, world.township_a, days(JUNE, 20))
    f.confirm_sheet(world.township_a, JUNE, alice)
    return c


def test_finance_posts_a_run_and_reads_its_status_and_statements_ganzhou_art27(world, alice, api):
    c = _june_ready(world, alice)
    fin = finance_of(world)
    r = api(fin).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": "2025-06"}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["month"], body["missing_sheets"], body["progress"]) == ("pending", "2025-06", [], 0)
    services.subsidy_run_execute(run_id=body["id"])  # what the worker does (see test_worker.py)
    r = api(fin).get(f"/api/v1/subsidy-runs/{body['id']}/")
    assert (r.json()["status"], r.json()["progress"]) == ("done", 100)
    r = api(fin).get(f"/api/v1/subsidy-statements/?run={body['id']}")
    page = r.json()
    assert page["count"] == 1 and set(page) >= {"count", "next", "previous", "results"}
    st = page["results"][0]
    assert (st["cadre"], st["month"], st["total"]) == (c.id, "2025-06", "2100.00")
    assert st["lines"][0] == {"kind": "living", "quantity": 20, "rate": "100.00", "amount": "2000.00",
                              "rule_ref": "ganzhou art.27", "note": st["lines"][0]["note"], "for_month": "2025-06"}
    assert st["lines"][1]["kind"] == "communication" and st["lines"][1]["amount"] == "100.00"


def test_a_cadre_sees_its_own_statement_by_cadre_and_month(world, alice, api):
    c = _june_ready(world, alice)
    c.user = f.UserFactory(jurisdiction=world.jurisdiction)
    c.save(update_fields=["user"])
    run_month(world, JUNE)
    r = api(c.user).get(f"/api/v1/subsidy-statements/?cadre={c.id}&month=2025-06")
    assert r.status_code == 200 and r.json()["count"] == 1 and r.json()["results"][0]["total"] == "2100.00"
    other = cadre_in_post(world)
    r = api(c.user).get(f"/api/v1/subsidy-statements/?cadre={other.id}&month=2025-06")
    assert r.json()["count"] == 0
    page_client = Client()
    page_client.force_login(c.user)
    page = page_client.get("/subsidies/mine/")
    assert page.status_code == 200 and "2,100.00" in page.content.decode() and "赣州市文件第27条" in page.content.decode()


def test_only_finance_or_the_admin_may_start_a_run(world, alice, bob, charlie, api):
    r = api(bob).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": "2025-06"}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    r = api(charlie).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": "2025-06"}, format="json")
    assert r.status_code == 400  # the jurisdiction is not even visible to an outsider
    r = api(finance_of(world)).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": "2025-13"},
                                    format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"


def test_runs_and_statements_are_invisible_outside_scope(world, alice, bob, charlie, api):
    _june_ready(world, alice)
    run = run_month(world, JUNE)
    for user in (bob, charlie):
        assert api(user).get(f"/api/v1/subsidy-runs/{run.id}/").status_code == 404
        assert api(user).get(f"/api/v1/subsidy-runs/{run.id}/export/").status_code == 404
        assert api(user).get(f"/api/v1/subsidy-statements/?run={run.id}").status_code == 404
    # alice (township A) sees her township's statements by cadre, bob does not
    st_cadre = run.statements.first().cadre_id
    assert api(alice).get(f"/api/v1/subsidy-statements/?cadre={st_cadre}&month=2025-06").json()["count"] == 1
    assert api(bob).get(f"/api/v1/subsidy-statements/?cadre={st_cadre}&month=2025-06").json()["count"] == 0
    assert api(None).get(f"/api/v1/subsidy-runs/{run.id}/").status_code in (401, 403)


def test_statement_list_query_count_does_not_grow_with_statements(world, alice, api, django_assert_num_queries):
    fin = finance_of(world)
    _june_ready(world, alice)
    run = run_month(world, JUNE)

    def count():
        client = api(type(fin).objects.get(pk=fin.pk))  # a fresh user: its scope is not cached yet
        # 1 role grants (scope) 2 cadre linked to the user 3 the run 4 count 5 statements 6 their lines
        with django_assert_num_queries(6):
            return client.get(f"/api/v1/subsidy-statements/?run={run.id}").json()["count"]

    assert count() == 1
    for _ in range(4):
        c = cadre_in_post(world)
        f.attendance_days(c, world.township_a, days(date(2025, 7, 1), 20))
    f.confirm_sheet(world.township_a, date(2025, 7, 1), alice)
    run = run_month(world, date(2025, 7, 1))
    assert count() == 4  # the four cadres with July attendance


def test_run_list_query_count_does_not_grow_with_runs(world, alice, api, django_assert_num_queries):
    fin = finance_of(world)
    for m in (6, 7, 8, 9):
        f.confirm_sheet(world.township_a, date(2025, m, 1), alice)
    services.subsidy_run_create(actor=fin, jurisdiction=world.jurisdiction, month=JUNE)

    def count():
        client = api(type(fin).objects.get(pk=fin.pk))  # a fresh user: its scope is not cached yet
        # 1 role grants (scope) 2 cadre linked to the user 3 count 4 runs with jurisdiction and creator
        with django_assert_num_queries(4):
            return client.get("/api/v1/subsidy-runs/").json()["count"]

    assert count() == 1
    for m in (7, 8, 9):
        services.subsidy_run_create(actor=fin, jurisdiction=world.jurisdiction, month=date(2025, m, 1))
    assert count() == 4


def test_trips_are_posted_by_the_cadre_or_finance_and_refused_beyond_the_cap(world, alice, bob, charlie, api):
    c = cadre_in_post(world, self_driving=True, commute_km=Decimal("25.0"))
    c.user = f.UserFactory(jurisdiction=world.jurisdiction)
    c.save(update_fields=["user"])
    r = api(c.user).post("/api/v1/trips/", {"cadre": c.id, "date": "2025-06-06"}, format="json")
    assert r.status_code == 201, r.content
    assert (r.json()["amount"], r.json()["rule_ref"]) == ("22.50", "ganzhou art.27")
    assert api(finance_of(world)).post("/api/v1/trips/", {"cadre": c.id, "date": "2025-06-16"},
                                       format="json").status_code == 201
    r = api(c.user).post("/api/v1/trips/", {"cadre": c.id, "date": "2025-06-26"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "trip_cap" and r.json()["rule_ref"] == "ganzhou art.27"
    assert r.json()["overridable"] is False
    assert api(alice).post("/api/v1/trips/", {"cadre": c.id, "date": "2025-07-06"}, format="json").status_code == 403
    assert api(bob).post("/api/v1/trips/", {"cadre": c.id, "date": "2025-07-06"}, format="json").status_code == 404
    assert api(charlie).post("/api/v1/trips/", {"cadre": c.id, "date": "2025-07-06"}, format="json").status_code == 404


def test_the_export_is_a_finance_ready_workbook_with_a_sheet_per_dispatch_unit(world, alice, api):
    c = _june_ready(world, alice)
    other_unit = f.DispatchUnitFactory(jurisdiction=world.jurisdiction, name="赣州市测试二局")
    c2 = f.CadreFactory(jurisdiction=world.jurisdiction, dispatch_unit=other_unit, name="李四")
    f.MembershipFactory(team=world.team_a, cadre=c2, start_date=date(2025, 1, 1))
    f.attendance_days(c2, world.township_a, days(JUNE, 10))
    run = run_month(world, JUNE)
    fin = finance_of(world)
    r = api(fin).get(f"/api/v1/subsidy-runs/{run.id}/export/")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert wb.sheetnames == ["汇总", "人员汇总", "赣州市市直测试局", "赣州市测试二局"]
    summary = wb["汇总"]
    assert [c.value for c in summary[2]] == ["序号", "派出单位", "人数", "金额"]
    assert summary["A5"].value == "合计" and summary["D5"].value == 3200 and summary["D5"].number_format == "#,##0.00"
    sheet = wb["赣州市市直测试局"]
    headers = [c.value for c in sheet[2]]
    for h in ("姓名", "派出单位", "驻村天数", "标准", "金额"):
        assert h in headers
    assert sheet.freeze_panes == "A3"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$2"
    row = [c.value for c in sheet[3]]
    assert row[1] == c.name and row[4] == 20 and row[5] == "生活补助" and row[8] == 2000
    assert row[9] == "赣州市文件第27条"  # the article column reads in Chinese
    assert sheet["I3"].number_format == "#,##0.00"
    comm = [c.value for c in sheet[4]]
    assert (comm[5], comm[6], comm[7], comm[8]) == ("通信", 1, 100, 100)  # 1 month × 100
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[0] == "合计" and last[8] == 2100


def test_the_export_has_one_row_per_cadre_with_each_line_kind_as_a_column_and_a_total(world, alice, api):
    c = _june_ready(world, alice)
    c2 = cadre_in_post(world, name="李四")
    f.attendance_days(c2, world.township_a, days(JUNE, 10))
    run = run_month(world, JUNE)
    r = api(finance_of(world)).get(f"/api/v1/subsidy-runs/{run.id}/export/")
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content)))["人员汇总"]
    assert [x.value for x in sheet[2]] == ["序号", "姓名", "派出单位", "乡镇", "驻村天数", "生活补助", "通信", "合计"]
    rows = {row[1]: row for row in ([x.value for x in r_] for r_ in sheet.iter_rows(min_row=3)) if row[0] != "合计"}
    assert rows[c.name][4:] == [20, 2000, 100, 2100]
    assert rows["李四"][4:] == [10, 1000, 100, 1100]
    total = [x.value for x in sheet[sheet.max_row]]
    assert total[0] == "合计" and total[1] == "2人" and total[5:] == [3000, 200, 3200]


def test_the_export_waits_for_the_run_to_finish(world, alice, api):
    fin = finance_of(world)
    f.confirm_sheet(world.township_a, JUNE, alice)
    run = services.subsidy_run_create(actor=fin, jurisdiction=world.jurisdiction, month=JUNE)
    r = api(fin).get(f"/api/v1/subsidy-runs/{run.id}/export/")
    assert r.status_code == 409 and r.json()["code"] == "run_not_done"


def test_the_finance_page_lists_runs_with_progress_and_a_download(world, alice, client):
    _june_ready(world, alice)
    fin = finance_of(world)
    run = run_month(world, JUNE, actor=fin)
    for m in (5, 7):
        f.confirm_sheet(world.township_a, date(2025, m, 1), alice)
    pending = services.subsidy_run_create(actor=fin, jurisdiction=world.jurisdiction, month=date(2025, 7, 1))
    client.force_login(fin)
    html = client.get("/subsidies/runs/").content.decode()
    assert f"/subsidies/runs/{run.id}/export/" in html and "已完成" in html
    assert f'hx-get="/subsidies/runs/{pending.id}/row/"' in html  # polls while pending
    assert client.get(f"/subsidies/runs/{run.id}/export/").status_code == 200
    r = client.post("/subsidies/runs/", {"jurisdiction": "ganzhou", "month": "2025-05"})
    assert r.status_code == 302 and SubsidyRun.objects.filter(month=date(2025, 5, 1)).exists()
    client.force_login(alice)
    assert client.get(f"/subsidies/runs/{run.id}/row/").status_code == 404


def test_an_independent_client_with_a_token_walks_the_contract_paths(world, alice):
    """POST auth/token → POST trips/ → POST subsidy-runs/ → GET run → GET statements → GET export."""
    from rest_framework.test import APIClient

    c = cadre_in_post(world, self_driving=True, commute_km=Decimal("20.0"))
    f.attendance_days(c, world.township_a, days(JUNE, 20))
    f.confirm_sheet(world.township_a, JUNE, alice)
    fin = f.UserFactory(username="fin_gz", jurisdiction=world.jurisdiction)
    f.grant(fin, "finance", jurisdiction=world.jurisdiction)
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "fin_gz", "password": "pass-1234"}, format="json")
    assert token.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    r = client.post("/api/v1/trips/", {"cadre": c.id, "date": "2025-06-07"}, format="json")
    assert r.status_code == 201 and r.json()["amount"] == "18.00"
    r = client.post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": "2025-06"}, format="json")
    assert r.status_code == 201 and set(r.json()) >= {"id", "status", "month", "missing_sheets", "progress"}
    run_id = r.json()["id"]
    services.subsidy_run_execute(run_id=run_id)
    assert client.get(f"/api/v1/subsidy-runs/{run_id}/").json()["status"] == "done"
    st = client.get(f"/api/v1/subsidy-statements/?cadre={c.id}&month=2025-06").json()["results"][0]
    assert {ln["kind"] for ln in st["lines"]} == {"living", "communication", "transport"}
    assert st["total"] == "2118.00"
    for ln in st["lines"]:
        assert set(ln) >= {"kind", "quantity", "rate", "amount", "rule_ref"}
    assert client.get(f"/api/v1/subsidy-runs/{run_id}/export/").status_code == 200
    bad = client.get("/api/v1/subsidy-statements/")
    assert bad.status_code == 400 and bad.json()["code"] == "filter_required"


def test_a_dispatch_units_finance_exports_only_its_own_sheet(world, alice, api):
    c = _june_ready(world, alice)
    other_unit = f.DispatchUnitFactory(jurisdiction=world.jurisdiction, name="赣州市测试二局")
    c2 = f.CadreFactory(jurisdiction=world.jurisdiction, dispatch_unit=other_unit)
    f.MembershipFactory(team=world.team_a, cadre=c2, start_date=date(2025, 1, 1))
    f.attendance_days(c2, world.township_a, days(JUNE, 10))
    run = run_month(world, JUNE)
    unit_fin = f.UserFactory(jurisdiction=world.jurisdiction)
    f.grant(unit_fin, "finance", dispatch_unit=other_unit)
    r = api(unit_fin).get(f"/api/v1/subsidy-runs/{run.id}/export/")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert wb.sheetnames == ["汇总", "人员汇总", "赣州市测试二局"]
    people = [row[1] for row in wb["人员汇总"].iter_rows(min_row=3, values_only=True)]
    assert people == [c2.name, "1人"]  # the cadre summary shows only its own cadres too
    statements = api(unit_fin).get(f"/api/v1/subsidy-statements/?run={run.id}").json()
    assert [s["cadre"] for s in statements["results"]] == [c2.id]
    assert c.id != c2.id
    r = api(unit_fin).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": "2025-06"}, format="json")
    assert r.status_code == 403


def test_the_export_issues_the_same_queries_whatever_the_number_of_cadres(world, alice, django_assert_num_queries):
    from jurisdictions.templatetags.portal import rule_label
    from subsidies import export

    rule_label("ganzhou art.27")  # the jurisdiction names are cached once per process

    def export_of(month):
        run = run_month(world, month)
        # 1 units summary, 2 the run's jurisdiction (its name in the titles), 3 line kinds present,
        # 4 one row per cadre (kinds summed), 5 lines by dispatch unit and cadre
        with django_assert_num_queries(5):
            export.write_workbook(run=run).close()

    _june_ready(world, alice)
    export_of(JUNE)
    july = date(2025, 7, 1)
    for _ in range(5):
        c = cadre_in_post(world, level="county")
        f.attendance_days(c, world.township_a, days(july, 12))
    f.confirm_sheet(world.township_a, july, alice)
    export_of(july)

"""`load_demo`: the demo admins enter the rates their regulation leaves open, so every demo run works; and on a
whole demo run every line multiplies out: quantity × rate = amount (API and Excel)."""

import io
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from attendance.management.commands.load_demo_attendance import complete_months
from jurisdictions.models import Jurisdiction, PolicyRow, User
from subsidies import services
from subsidies.models import Line

D = Decimal


def test_load_demo_enters_the_open_rates_as_each_jurisdiction_admin_noted_as_demo_figures(db):
    call_command("load_demo", verbosity=0)
    entered = PolicyRow.objects.filter(note="演示数据，非文件标准").select_related("jurisdiction", "created_by")
    assert {(r.jurisdiction.code, r.key) for r in entered} == {
        ("qujiang", "subsidy.township_allowance"), ("ganzhou", "subsidy.living_per_day"),
        ("ganzhou", "subsidy.communication_monthly"), ("linfen", "subsidy.living_per_day"),
        ("linfen", "subsidy.transport_per_day"), ("linfen", "subsidy.communication_per_day"),
        ("xinfeng", "subsidy.township_allowance")}
    assert {r.created_by.username for r in entered} == {f"{c}_admin" for c in ("qujiang", "ganzhou", "linfen",
                                                                                  "xinfeng")}
    assert not any(r.is_default for r in entered)
    call_command("load_demo", verbosity=0)  # again: nothing more is entered
    assert PolicyRow.objects.filter(note="演示数据，非文件标准").count() == 7


def test_a_demo_made_before_the_rates_were_open_gets_them_entered_by_its_admins_on_the_next_load(db):
    call_command("load_demo", verbosity=0)
    PolicyRow.objects.filter(note="演示数据，非文件标准").delete()  # as if the demo predates the null rates
    call_command("load_demo", verbosity=0)
    assert PolicyRow.objects.filter(note="演示数据，非文件标准").count() == 7


def test_every_demo_run_succeeds_and_every_line_multiplies_out_in_the_api_and_the_excel(db, api):
    call_command("load_demo", verbosity=0)
    _, newer = complete_months(timezone.localdate())
    finance = {u.jurisdiction.code: u for u in User.objects.filter(username__endswith="_finance")
               .select_related("jurisdiction")}
    # a few trips: Ganzhou per km (art.27), Qujiang and Linfen by receipt (art.21, art.17)
    from teams.models import Cadre

    for code, amount in (("ganzhou", None), ("qujiang", D("35.50")), ("linfen", D("12.00"))):
        cadre = Cadre.objects.filter(jurisdiction__code=code, self_driving=True).order_by("id").first()
        services.trip_create(actor=finance[code], cadre=cadre, day=newer.replace(day=10), amount=amount)
    # fengdu art.20: the demo leaves the newer month for the county bureau to review before it is paid
    from attendance.models import AttendanceSheet
    from attendance.services import sheet_review

    rrb = User.objects.get(username="fengdu_rrb")
    for sheet in AttendanceSheet.objects.filter(jurisdiction__code="fengdu", month=newer, reviewed_at__isnull=True):
        sheet_review(actor=rrb, sheet_id=sheet.id)
    runs = []
    for j in Jurisdiction.objects.order_by("id"):
        run = services.subsidy_run_create(actor=finance[j.code], jurisdiction=j, month=newer)
        runs.append(services.subsidy_run_execute(run_id=run.id))
    assert all(r.status == "done" and r.statement_count > 0 for r in runs)
    kinds = set(Line.objects.values_list("kind", flat=True))
    assert {"meal", "living", "work_allowance", "township_allowance", "transport", "communication"} <= kinds
    bad = [ln for ln in Line.objects.all() if ln.quantity * ln.rate != ln.amount]
    assert bad == []
    for run in runs:
        client = api(finance[run.jurisdiction.code])
        page = client.get(f"/api/v1/subsidy-statements/?run={run.id}&page_size=500").json()
        lines = [ln for st in page["results"] for ln in st["lines"]]
        assert lines and all(D(ln["quantity"]) * D(ln["rate"]) == D(ln["amount"]) for ln in lines)
        wb = load_workbook(io.BytesIO(b"".join(client.get(f"/api/v1/subsidy-runs/{run.id}/export/").streaming_content)))
        for ws in wb.worksheets[2:]:
            for row in ws.iter_rows(min_row=3, values_only=True):
                if row[0] != "合计":
                    assert round(D(str(row[6])) * D(str(row[7])), 2) == round(D(str(row[8])), 2), row
                    assert "文件" in row[9]  # 赣州市文件第27条, 新丰县文件第六部分 …

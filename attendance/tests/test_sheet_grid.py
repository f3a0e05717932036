"""The sheet grid without a template include (or a `<select>`) per cell (issue 15): each day cell is one small element
showing the status's short label with its title, one shared picker posts the chosen status, the figures cell renders
as its include did, and the page for a big township takes as many queries as for a small one."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext

from jurisdictions.models import Role
from tests import factories as f

from ..grid import CellRenderer, fig_html, location_of
from ..models import DailyRecord
from ..views import STATUS_OPTIONS
from .conftest import place, world_with_clerk

pytestmark = pytest.mark.django_db

# the figures cell's include before the change (attendance/_fig.html), verbatim
OLD_FIG = '{{ fig.counted_days }}/{{ fig.required_days }}{% if fig.full_month_required_days != fig.required_days %}<small class="muted" title="应出勤按在岗期间{% if fig.approved_leave_excused and fig.approved_leave_days %}并扣除已批准请假{% endif %}折算（整月{{ fig.full_month_required_days }}天）">（折算）</small>{% endif %} · 发{{ fig.paid_days }}{% if fig.approved_leave_days %} · <span class="tag" title="经审批的请假，按请假显示，不计为缺勤">假{{ fig.approved_leave_days }}</span>{% endif %} {% if fig.compliance_basis == "year_average" and fig.yearly_average_days is not None %}<span class="ytd">本年月均{{ fig.yearly_average_days }}/{{ fig.yearly_average_required_days }}（{{ fig.yearly_average_months }}个月）</span> {% endif %}{% if fig.compliant %}<span class="tag ok">达标</span>{% elif fig.severity == \'soft\' %}<span class="tag warn">未达原则要求</span>{% else %}<span class="tag hard">未达标</span>{% endif %}{% if fig.compliance_basis == "year_average" and fig.compliant != fig.month_compliant %} <small class="muted">（当月{% if fig.month_compliant %}已达{% else %}未达{% endif %}{{ fig.required_days }}天，按年度月均判断）</small>{% endif %}'  # noqa: E501


def _cells(html: str) -> list[str]:
    return re.findall(r'<td id="cell-[^"]*"[^>]*>.*?</td>', html)


def test_an_editable_cell_is_a_button_showing_the_short_label_with_the_status_as_its_title():
    renderer = CellRenderer(STATUS_OPTIONS, {"official_business", "leave"})
    html = renderer.cell(7, 5, "on_duty", True, locked=False)
    assert html == '<td id="cell-7-5" class="cell" data-status="on_duty"><button type="button" title="在岗">√</button></td>'
    html = renderer.cell(7, 6, "", False, locked=False)
    assert html == '<td id="cell-7-6" class="cell off" data-status=""><button type="button" title="未登记">·</button></td>'
    assert "<select" not in renderer.cell(7, 6, "leave", True, locked=False)


def test_a_locked_cell_shows_the_label_with_its_title_and_nothing_to_press():
    renderer = CellRenderer(STATUS_OPTIONS)
    assert renderer.cell(7, 5, "absent", True, locked=True) == (
        '<td id="cell-7-5" class="cell" data-status="absent"><span title="缺勤">×</span></td>')
    assert renderer.cell(7, 5, "", True, locked=True) == '<td id="cell-7-5" class="cell" data-status=""></td>'


def test_a_check_in_shows_its_location_and_a_refused_edit_shows_the_escaped_reason_in_the_cell():
    renderer = CellRenderer(STATUS_OPTIONS)
    located = location_of("check_in", Decimal("25.831234"), Decimal("114.933456"))
    html = renderer.cell(7, 5, "on_duty", True, locked=False, location=located)
    assert '<a class="loc" title="本人打卡，位置 25.831234,114.933456">⌖</a>' in html
    html = renderer.cell(7, 5, "on_duty", True, locked=False, location=location_of("check_in", None, None))
    assert '<a class="loc" title="本人打卡，未提供位置">·</a>' in html
    assert location_of("clerk", Decimal("1"), Decimal("2")) is None
    html = renderer.cell(7, 5, "rest", True, locked=False, error="本月已确认锁定 <不能>")
    assert html.startswith('<td id="cell-7-5" class="cell err" data-status="rest" title="本月已确认锁定 &lt;不能&gt;">')
    assert '<span class="cell-error">本月已确认锁定 &lt;不能&gt;</span>' in html and "<不能>" not in html


def test_a_rows_cells_come_from_the_record_tuples_as_single_cells_do():
    renderer = CellRenderer(STATUS_OPTIONS)
    records = {(7, 1): ("on_duty", "check_in", "25.500000", "114.000000"), (7, 2): ("rest", "clerk", None, None)}
    days = [(1, True), (2, False), (3, True)]
    row = renderer.row(7, days, records, locked=False)
    assert row == (renderer.cell(7, 1, "on_duty", True, locked=False, location="25.500000,114.000000")
                   + renderer.cell(7, 2, "rest", False, locked=False) + renderer.cell(7, 3, "", True, locked=False))
    assert renderer.print_row(7, days, records) == "<td>√</td><td>休</td><td></td>"


@pytest.mark.parametrize("fig", [
    {"counted_days": 18, "required_days": 20, "full_month_required_days": 20, "paid_days": 18,
     "approved_leave_days": 0, "approved_leave_excused": False, "compliance_basis": "month", "compliant": False,
     "month_compliant": False, "severity": "hard"},
    {"counted_days": 12, "required_days": 14, "full_month_required_days": 20, "paid_days": 12,
     "approved_leave_days": 3, "approved_leave_excused": True, "compliance_basis": "month", "compliant": False,
     "month_compliant": False, "severity": "soft"},
    {"counted_days": 17, "required_days": 20, "full_month_required_days": 20, "paid_days": 17,
     "approved_leave_days": 2, "approved_leave_excused": False, "compliance_basis": "year_average",
     "compliant": True, "month_compliant": False, "severity": "hard", "yearly_average_days": 20.33,
     "yearly_average_required_days": 20.0, "yearly_average_months": 3},
    {"counted_days": 22, "required_days": 20, "full_month_required_days": 20, "paid_days": 22,
     "approved_leave_days": 0, "approved_leave_excused": False, "compliance_basis": "year_average",
     "compliant": True, "month_compliant": True, "severity": "hard", "yearly_average_days": None},
])
def test_the_figures_cell_reads_exactly_as_its_template_include_did(fig, rf):
    want = engines["django"].from_string(OLD_FIG).render({"fig": fig}, rf.get("/"))
    assert fig_html(fig) == want


def test_the_sheet_page_for_many_cadres_takes_as_many_queries_as_for_five(client, world):
    clerk = f.user_with_role(Role.ATTENDANCE_CLERK, org_unit=world.township_a)
    client.force_login(clerk)
    url = f"/attendance/sheet/?township={world.township_a.pk}&month=2026-10"
    for _ in range(5):
        c = place(world.team_a)
        f.attendance_days(c, world.township_a, [date(2026, 10, d) for d in range(8, 20)])
    client.get(url)  # warm the per-process caches (calendar, labels)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url)
    assert page.status_code == 200 and page.content.decode().count('class="cell') >= 5 * 31
    for _ in range(40):
        c = place(world.team_a)
        f.attendance_days(c, world.township_a, [date(2026, 10, d) for d in range(8, 20)])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    html = page.content.decode()
    assert html.count('class="cell') >= 45 * 31
    assert html.count("<select") == html.count("<select", 0, html.index('id="sheet"')) + 2  # the fill form's two
    assert len(many.captured_queries) == len(five.captured_queries)


def test_the_clerk_sets_a_day_through_the_shared_pickers_endpoint_and_sees_it_on_the_page(client, clerk, member):
    client.force_login(clerk)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    picker = html[html.index('<div id="picker"'):html.index('<form method="post" action="/attendance/sheet/fill/"')]
    assert 'hx-post="/attendance/sheet/cell/"' in picker and 'name="cadre"' in picker and 'name="date"' in picker
    assert f'<tr data-cadre="{member.pk}">' in html and 'data-month="2026-10"' in html  # what the picker posts
    assert '<script src="/static/attendance/sheet.js" defer></script>' in html  # static JS: CSP allows no inline
    assert not re.search(r"<script>|\son[a-z]+=", html)
    # the picker posts cadre, date and the chosen status button's value, as the per-cell select did
    r = client.post("/attendance/sheet/cell/", {"cadre": member.pk, "date": "2026-10-12", "status": "on_duty"},
                    HTTP_HX_REQUEST="true")
    answer = r.content.decode()
    assert r.status_code == 200 and f'<td id="cell-{member.pk}-12" class="cell" data-status="on_duty">' in answer
    assert f'<td id="fig-{member.pk}" hx-swap-oob="true" class="fig">1/' in answer  # the row's figures too
    assert DailyRecord.objects.get(cadre=member, date=date(2026, 10, 12)).status == "on_duty"
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    cell = next(c for c in _cells(html) if c.startswith(f'<td id="cell-{member.pk}-12"'))
    assert cell == (f'<td id="cell-{member.pk}-12" class="cell" data-status="on_duty">'
                    '<button type="button" title="在岗">√</button></td>')


def test_the_picker_offers_every_status_and_disables_those_the_policy_reserves_to_leave_requests(client):
    w, clerk, cadre = world_with_clerk("ganzhou")  # ganzhou art.17: official business and leave only by request
    client.force_login(clerk)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    picker = html[html.index('<div id="picker"'):html.index('<form method="post" action="/attendance/sheet/fill/"')]
    for value, text in (("on_duty", "√ 在岗"), ("rest", "休 休息"), ("absent", "× 缺勤")):
        assert re.search(rf'<button type="submit" name="status" value="{value}" title="[^"]*">{text}</button>', picker)
    for value, text in (("official_business", "公 因公外出"), ("leave", "假 请假")):
        assert re.search(rf'<button type="submit" name="status" value="{value}" title="[^"]*须经请假审批，不能直接登记）'
                         rf'" disabled>{text}</button>', picker)
    assert "赣州市文件第17条" in picker and "整行填写" in picker and "从本日起按日期段填写" in picker
    w, clerk, cadre = world_with_clerk("linfen")  # no such row: every status may be entered
    client.force_login(clerk)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    picker = html[html.index('<div id="picker"'):html.index('<form method="post" action="/attendance/sheet/fill/"')]
    assert " disabled" not in picker and picker.count('name="status"') == 5

"""The sheet grid without a template include per cell (issue 15): the Python renderer gives the markup the cell
template gave, and the page for a big township takes as many queries as for a small one."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext

from jurisdictions.models import Role
from tests import factories as f

from ..grid import CellRenderer
from ..views import STATUS_OPTIONS
from .conftest import place

pytestmark = pytest.mark.django_db

# the per-cell template before the change, verbatim
OLD_CELL = '<td id="cell-{{ cadre.pk }}-{{ cell.day }}" class="cell{% if not cell.working %} off{% endif %}{% if error %} err{% endif %}" data-status="{{ cell.status }}"{% if error %} title="{{ error }}"{% endif %}>{% if locked %}{{ cell.symbol }}{% else %}<select name="status" aria-label="{{ cadre.name }} {{ cell.day }}日" hx-post="{% url \'attendance-sheet-cell\' %}" hx-trigger="change" hx-target="#cell-{{ cadre.pk }}-{{ cell.day }}" hx-swap="outerHTML" hx-vals=\'{"cadre": "{{ cadre.pk }}", "date": "{{ cell.date|date:"Y-m-d" }}"}\'><option value="">{% if not cell.status %}·{% endif %}</option>{% for v, label, sym in statuses %}<option value="{{ v }}" title="{{ label }}{% if v in request_only %}（须经请假审批，不能直接登记）{% endif %}"{% if cell.status == v %} selected{% elif v in request_only %} disabled{% endif %}>{{ sym }}</option>{% endfor %}</select>{% endif %}{% if cell.record.source == "check_in" %}<a class="loc" title="本人打卡{% if cell.record.latitude %}，位置 {{ cell.record.latitude }},{{ cell.record.longitude }}{% else %}，未提供位置{% endif %}">{% if cell.record.latitude %}⌖{% else %}·{% endif %}</a>{% endif %}{% if error %}<span class="cell-error">{{ error }}</span>{% endif %}</td>'  # noqa: E501


@pytest.mark.parametrize("locked", [False, True])
@pytest.mark.parametrize("error", [None, "本月已确认锁定 <不能>"])
def test_each_grid_cell_renders_exactly_as_the_cell_template_did(locked, error, rf):
    cadre = SimpleNamespace(pk=7, name="李<驻村>")
    request_only = {"official_business", "leave"}
    renderer = CellRenderer(STATUS_OPTIONS, request_only)
    template = engines["django"].from_string(OLD_CELL)
    located = SimpleNamespace(source="check_in", latitude=Decimal("25.831234"), longitude=Decimal("114.933456"))
    unlocated = SimpleNamespace(source="check_in", latitude=None, longitude=None)
    clerk = SimpleNamespace(source="clerk", latitude=None, longitude=None)
    for status, symbol, record, working in [("", "", None, True), ("on_duty", "√", located, True),
                                            ("on_duty", "√", unlocated, False), ("leave", "假", clerk, True),
                                            ("absent", "×", clerk, False)]:
        cell = {"day": 5, "date": date(2026, 10, 5), "record": record, "status": status, "symbol": symbol,
                "working": working}
        want = template.render({"cell": cell, "cadre": cadre, "locked": locked, "error": error,
                                "statuses": STATUS_OPTIONS, "request_only": request_only}, rf.get("/"))
        assert renderer.cell(cadre, cell, locked=locked, error=error) == want


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
    assert page.content.decode().count('class="cell') >= 45 * 31
    assert len(many.captured_queries) == len(five.captured_queries)

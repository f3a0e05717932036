"""Issue 14, Excel formula injection: a cadre's or unit's name starting with = + - @ is written to the finance
export as text, never as a formula."""

import io

from openpyxl import load_workbook

from tests import factories as f

from .conftest import JUNE, cadre_in_post, days, finance_of, run_month


def test_a_cadre_named_like_a_formula_is_written_to_the_finance_export_as_text(world, alice, api):
    c = cadre_in_post(world, name='=HYPERLINK("http://evil.example","点击")')
    world.dispatch_unit.name = "+1+cmd|' /C calc'!A0"
    world.dispatch_unit.save(update_fields=["name"])
    f.attendance_days(c, world.township_a, days(JUNE, 20))
    f.confirm_sheet(world.township_a, JUNE, alice)
    run = run_month(world, JUNE)
    r = api(finance_of(world)).get(f"/api/v1/subsidy-runs/{run.id}/export/")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    names = [cell for cell in cells if cell.value == c.name]
    assert names and all(cell.data_type == "s" and cell.quotePrefix for cell in names)
    assert any(cell.value == world.dispatch_unit.name and cell.data_type == "s" for cell in cells)

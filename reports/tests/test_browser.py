"""The organization department's dashboard in a real browser: a chart renders, a drill to a township, the .xlsx."""

import io

import openpyxl
import pytest

from conftest import build_world
from tests.browser import browser_page

from .conftest import generate, seed_month


@pytest.mark.browser
def test_the_org_department_opens_the_dashboard_sees_a_chart_drills_to_a_township_and_exports(
        seeded_transactional_db, live_server):
    m = seed_month(build_world("ganzhou"))
    m.org_dept.set_password("pass-1234")
    m.org_dept.save()
    generate(m)
    base = live_server.url
    with browser_page(width=1366, height=900) as page:
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", m.org_dept.username)
        page.fill("input[name=password]", "pass-1234")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/dashboard/")  # the org department lands on the dashboard
        page.goto(f"{base}/dashboard/?jurisdiction=ganzhou&month=2026-03")
        page.wait_for_selector("#chart-bars canvas")
        assert page.locator("#chart-trend canvas").count() >= 1
        page.click("a.drill:has-text('赣州市测试县')")  # htmx: in place
        page.wait_for_selector("a.drill:has-text('甲镇')")
        page.click("a.drill:has-text('甲镇')")
        page.wait_for_selector("a.drill:has-text('甲村驻村工作队')")
        assert "乙村驻村工作队" not in page.content()
        assert f"unit={m.world.township_a.id}" in page.url  # pushed: the township's address can be shared
        page.wait_for_selector("#chart-bars canvas")
        with page.expect_download() as dl:
            page.click("#export-xlsx")
        with open(dl.value.path(), "rb") as fh:
            content = fh.read()
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert "乡镇" in wb.sheetnames and wb["辖区合计"].cell(4, 2).value == "驻村干部数"

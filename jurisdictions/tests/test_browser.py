"""Issue 16 in a real browser: a superuser opens a county, its administrator uploads a pack derived from Fengdu's,
reads the diff, confirms it, and sees the new rows on the policy page."""

import json

import pytest

from jurisdictions.models import Jurisdiction, PolicyRow, User
from jurisdictions.packs import pack_export
from tests.browser import browser_page


def log_in(page, base, username, password):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button")


def log_out(page):
    with page.expect_navigation():
        page.click("header form button")


@pytest.mark.browser
def test_the_administrator_imports_a_pack_reads_the_diff_confirms_and_sees_the_rows(
        seeded_transactional_db, live_server, tmp_path):
    from datetime import date

    User.objects.create_superuser("web_root", password="pass-1234")
    pack = pack_export(Jurisdiction.objects.get(code="fengdu"), date(2025, 3, 1))
    next(r for r in pack["rows"] if r["key"] == "subsidy.living_per_day")["value"]["amount"] = "120.00"
    path = tmp_path / "wuyuan.json"
    path.write_text(json.dumps(pack, ensure_ascii=False), encoding="utf-8")
    base = live_server.url
    with browser_page(width=420, height=900) as page:  # phone-sized
        log_in(page, base, "web_root", "pass-1234")
        page.goto(f"{base}/jurisdictions/new/")
        page.fill("input[name=code]", "wuyuan")
        page.fill("input[name=name]", "婺源县")
        page.select_option("select[name=level]", "county")
        page.fill("input[name=effective_from]", "2025-01-01")
        page.fill("input[name=admin_username]", "wuyuan_admin")
        page.fill("input[name=admin_password]", "secret-1234")
        with page.expect_navigation():
            page.click("main form button")
        assert "已新建辖区“婺源县”" in page.content()
        log_out(page)

        log_in(page, base, "wuyuan_admin", "secret-1234")
        page.goto(f"{base}/policy/wuyuan/import/")
        page.set_input_files("input[name=file]", str(path))
        page.fill("input[name=reason]", "按县委文件首次录入")
        with page.expect_navigation():
            page.click("main form button")
        diff = page.inner_text("#import-diff")
        assert f"新增 {len(pack['rows'])} 条，变更 0 条，停用 0 条" in diff and "生活补助" in diff
        assert not PolicyRow.objects.filter(jurisdiction__code="wuyuan").exists()  # nothing saved yet
        with page.expect_navigation():
            page.click("button[name=confirm]")
        html = page.content()
        assert "政策包已导入" in html and "120.00元/天" in html and "fengdu art.9" in html
    assert PolicyRow.objects.filter(jurisdiction__code="wuyuan").count() == len(pack["rows"])

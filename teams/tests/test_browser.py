import pytest

from conftest import build_world
from teams.models import Membership
from tests import factories as f
from tests.browser import browser_page, log_in


@pytest.mark.browser
def test_an_admin_puts_a_cadre_on_a_team_in_the_browser_with_an_override_reason(seeded_transactional_db,
                                                                                 live_server, admin_of):
    w = build_world("ganzhou")
    admin = admin_of(w)
    cadre = f.CadreFactory(jurisdiction=w.jurisdiction, name="程晓东", rank="deputy_section")
    with browser_page() as page:
        log_in(page, live_server.url, admin.username)
        page.goto(f"{live_server.url}/teams/{w.team_a.id}/")
        page.select_option("select[name=cadre]", str(cadre.id))
        page.check("input[name=first_secretary]")
        page.select_option("select[name=village]", str(w.village_a.id))
        page.fill("input[name=start_date]", "2026-03-02")
        with page.expect_navigation():
            page.click("form[action$='/members/new/'] button")
        assert "赣州市文件第6条" in page.content()  # soft rank rule: a reason is needed
        page.select_option("select[name=cadre]", str(cadre.id))
        page.check("input[name=first_secretary]")
        page.select_option("select[name=village]", str(w.village_a.id))
        page.fill("input[name=start_date]", "2026-03-02")
        page.fill("textarea[name=override_reason]", "乡镇党委推荐，熟悉产业")
        with page.expect_navigation():
            page.click("form[action$='/members/new/'] button")
        assert "程晓东已加入" in page.content()
    assert Membership.objects.get(cadre=cadre).overrides.get().reason == "乡镇党委推荐，熟悉产业"

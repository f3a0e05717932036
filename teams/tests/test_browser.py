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


@pytest.mark.browser
def test_a_ganzhou_recall_goes_from_flag_to_decision_in_the_browser_art_21_22(seeded_transactional_db, live_server,
                                                                              settings):
    """Two city-level findings of unexcused absence raise a recall flag (art.21); the county office opens a case
    from its queue with the ground prefilled; the county group decides it from its inbox (art.22); the notice prints."""
    from datetime import date

    from attendance.services import inspection_record
    from jurisdictions.models import Role
    from teams.models import PersonnelCase

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    w = build_world("ganzhou")
    m = f.MembershipFactory(team=w.team_a, cadre__name="赵立新", cadre__dispatch_unit=w.dispatch_unit,
                            cadre__dispatch_level="county")
    city = f.user_with_role(Role.CITY_OFFICE, jurisdiction=w.jurisdiction)
    for day in (date(2026, 3, 2), date(2026, 4, 7)):
        inspection_record(actor=city, cadre=m.cadre, day=day, level="city", result="absent_unexcused")
    office = f.user_with_role(Role.COUNTY_OFFICE, org_unit=w.county, username="gz_county_office")
    group = f.user_with_role(Role.COUNTY_GROUP, org_unit=w.county, username="gz_county_group")
    with browser_page(width=414, height=860) as page:  # a phone-sized window
        log_in(page, live_server.url, office.username)
        page.goto(f"{live_server.url}/personnel-cases/")
        assert "赵立新" in page.inner_text("#recall-flags")
        with page.expect_navigation():
            page.click("#recall-flags a.button")
        assert page.input_value("select[name=ground]") == "4"  # 无故脱岗且未改正 (art.22(四))
        page.fill("textarea[name=note]", "市级督查两次发现无故脱岗")
        with page.expect_navigation():
            page.click("#case-form button")
        assert "待审批" in page.inner_text("#case-status")
        page.context.clear_cookies()
        log_in(page, live_server.url, group.username)
        page.goto(f"{live_server.url}/leave/inbox/")
        with page.expect_navigation():
            page.click("#case-inbox a")
        page.fill("#decide-form input[name=comment]", "同意召回")
        with page.expect_navigation():
            page.click("#decide-form button[value=approve]")
        assert "已批准" in page.inner_text("#case-status")
        with page.expect_navigation():
            page.click("#notice-link")
        assert "第二十二条" in page.inner_text("#notice")
    case = PersonnelCase.objects.get()
    assert (case.status, case.flag.rule_ref) == ("approved", "ganzhou art.21")
    m.refresh_from_db()
    assert (m.end_kind, m.end_rule_ref) == ("recall", "ganzhou art.22")

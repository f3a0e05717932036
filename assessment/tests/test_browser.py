"""Issue 10 done-criteria in a real browser: the org department grades a period and publishes it; the cadre sees
the grade."""

import pytest

from .helpers import cadre_login, setup


@pytest.mark.browser
def test_the_org_department_grades_and_publishes_a_period_and_the_cadre_sees_the_grade(seeded_transactional_db,
                                                                                        live_server, settings):
    from assessment import services
    from tests.browser import browser_page, log_in

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    s = setup("qujiang", n=3)
    s.org.username = "qj_orgdept"
    s.org.save(update_fields=["username"])
    cadre_login(s.cadres[0], username="qj_cadre")
    period = services.period_open(actor=s.org, jurisdiction=s.world.jurisdiction, kind="annual", year=2025)
    first, second, third = period.assessments.order_by("id")
    with browser_page() as page:
        log_in(page, live_server.url, "qj_orgdept")
        page.goto(f"{live_server.url}/assessment/periods/{period.pk}/")
        assert "剩余" in page.inner_text("#quota-line")
        for a, grade in ((first, "competent"), (second, "excellent"), (third, "competent")):
            page.select_option(f"#row-{a.pk} select[name=grade]", grade)
            page.click(f"#row-{a.pk} button")
            page.wait_for_selector(f"#row-{a.pk} .grade-label")
        assert "剩余 0 名" in page.inner_text("#quota-line")  # qujiang art.25: 3 cadres × 35% → 1 优秀
        page.once("dialog", lambda dialog: dialog.accept())  # publishing asks for confirmation first
        page.click("#publish")
        page.wait_for_selector("#period-status")
        assert page.inner_text("#period-status") == "已公布"
    with browser_page(width=390, height=844) as phone:
        log_in(phone, live_server.url, "qj_cadre")
        phone.goto(f"{live_server.url}/assessment/mine/")
        assert phone.inner_text(".my-grade") == "称职"

"""Headless Chromium (Debian's package) through Playwright: a cadre checks in on a phone-sized screen, and the
township clerk edits a cell of the monthly grid in a desktop-sized browser."""

import os
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from jurisdictions.models import Role
from tests import factories as f

from ..models import DailyRecord
from .conftest import board_url, place

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = os.environ.get("BROWSER_SHOTS")  # a folder to keep screenshots in, for a person to look at


def _session_cookie(user, base_url):
    c = Client()
    c.force_login(user)
    return {"name": "sessionid", "value": c.cookies["sessionid"].value, "url": base_url}


@pytest.fixture
def short_lived_connections():
    """The live server's request threads close their database connection after each request (the settings keep
    connections for 60 s, which would leave the test database busy when pytest drops it)."""
    from django.db import connections

    before = connections.settings["default"].get("CONN_MAX_AGE")
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    yield
    connections.settings["default"]["CONN_MAX_AGE"] = before


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            yield b
        finally:
            b.close()
            # Playwright's sync API runs on greenlets, and Django keeps one connection per context: close the ones
            # opened while the browser ran so that the test database can be dropped at the end
            from django.db import connections

            connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_cadre_checks_in_on_a_phone_and_the_clerk_edits_a_grid_cell(seeded_transactional_db, short_lived_connections, live_server,
                                                                    browser):
    from conftest import build_world

    w = build_world("ganzhou")
    cadre_user = f.UserFactory(username="phone", jurisdiction=w.jurisdiction)
    cadre = place(w.team_a, user=cadre_user, name="张驻村")
    clerk = f.UserFactory(username="clerk", jurisdiction=w.jurisdiction)
    f.grant(clerk, Role.ATTENDANCE_CLERK, org_unit=w.township_a)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                geolocation={"latitude": 25.83, "longitude": 114.93}, permissions=["geolocation"],
                                locale="zh-CN")
    phone.add_cookies([_session_cookie(cadre_user, live_server.url)])
    page = phone.new_page()
    page.goto(f"{live_server.url}/attendance/check-in/")
    button = page.locator("#checkin-button")
    box = button.bounding_box()
    assert box["width"] > 300  # a thumb-sized button across the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    button.click()
    page.wait_for_selector("#checked-in")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "check_in_phone.png"), full_page=True)
    rec = DailyRecord.objects.get(cadre=cadre, date=timezone.localdate())
    assert rec.status == "on_duty" and rec.latitude is not None
    phone.close()

    desk = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    desk.add_cookies([_session_cookie(clerk, live_server.url)])
    page = desk.new_page()
    page.goto(f"{live_server.url}/attendance/sheet/?month=2026-10")
    cell = f"#cell-{cadre.pk}-12"
    # the cell is a button: clicking it opens the page's one status picker (it was a <select> per cell, issue 15)
    page.click(f"{cell} > button")
    page.wait_for_selector("#picker:not([hidden])")
    assert "张驻村" in page.inner_text("#picker-title") and "10月12日" in page.inner_text("#picker-title")
    assert page.is_disabled("#picker button[value=leave]")  # ganzhou art.17: leave only through a request
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "sheet_picker.png"))
    with page.expect_response(lambda r: "/attendance/sheet/cell/" in r.url):
        page.click("#picker button[value=on_duty]")
    page.wait_for_function(f"document.querySelector('{cell}').dataset.status === 'on_duty'")
    assert DailyRecord.objects.get(cadre=cadre, date=date(2026, 10, 12)).status == "on_duty"
    assert "1/20" in page.inner_text(f"#fig-{cadre.pk}")  # the row's figures refreshed in place
    assert page.is_hidden("#picker") and page.inner_text(cell) == "√"
    # by keyboard: the focus is back on the cell; the arrow key moves to the next day, Enter opens the picker,
    # the arrow key skips the disabled choices, Enter saves
    assert page.evaluate("document.activeElement.closest('td').id") == f"cell-{cadre.pk}-12"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_selector("#picker:not([hidden])")
    page.keyboard.press("ArrowRight")
    with page.expect_response(lambda r: "/attendance/sheet/cell/" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelector('#cell-{cadre.pk}-13').dataset.status === 'rest'")
    assert DailyRecord.objects.get(cadre=cadre, date=date(2026, 10, 13)).status == "rest"
    # the picker's row fill prefills the fill form below the grid (the same endpoint as before)
    page.click(f"#cell-{cadre.pk}-14 > button")
    page.click("#picker [data-fill=day]")
    assert page.input_value("#fill input[name=start]") == "2026-10-14"
    assert page.input_value("#fill select[name=cadre]") == str(cadre.pk)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "sheet_desktop.png"), full_page=True)
    page.goto(f"{live_server.url}/attendance/sheet/print/?township={w.township_a.pk}&month=2026-10")
    assert "盖章" in page.inner_text("body") and "公" in page.inner_text("table")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "sheet_print.png"), full_page=True)
    page.goto(f"{live_server.url}/whereabouts/{w.village_a.pk}/")
    assert "张驻村" in page.inner_text("#board")
    desk.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_whereabouts_board_on_a_390px_phone_keeps_names_and_posts_on_one_line(
        seeded_transactional_db, short_lived_connections, live_server, browser):
    from conftest import build_world
    from teams.models import Membership

    w = build_world("fengdu")  # fengdu art.8 lists the post (职务) on the board
    place(w.team_a, name="欧阳建国", role=Membership.Role.LEADER, first_secretary=True, phone="13900001111")
    place(w.team_a, name="张驻村")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = phone.new_page()
    page.goto(f"{live_server.url}{board_url(w.village_a)}")
    for selector in ("#board td.name", "#board td.post"):
        heights = page.eval_on_selector_all(selector, "els => els.map(e => [e.getBoundingClientRect().height, "
                                                      "e.scrollWidth <= e.clientWidth + 1])")
        one_line = page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).lineHeight) || 30")
        assert heights and all(h < one_line * 1.9 for h, _ in heights), heights  # never one character a line
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "whereabouts_phone.png"), full_page=True)
    phone.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_cadre_records_a_group_study_and_a_household_visit_on_a_phone(
        seeded_transactional_db, short_lived_connections, live_server, browser):
    """Issue 13: ganzhou art.11–12 (pair with households, visit each quarter) and a group study, on a 390px phone."""
    from conftest import build_world

    from ..models import DutyRecord, MonitoredHousehold

    w = build_world("ganzhou")
    cadre_user = f.UserFactory(username="duty_phone", jurisdiction=w.jurisdiction)
    cadre = place(w.team_a, user=cadre_user, name="李驻村")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                locale="zh-CN")
    phone.add_cookies([_session_cookie(cadre_user, live_server.url)])
    page = phone.new_page()
    page.goto(f"{live_server.url}/duties/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    assert page.locator("#duty-submit").bounding_box()["width"] > 300
    page.fill("#id_hh_name", "王大户")
    page.click("#household-submit")
    page.wait_for_selector("text=已登记结对户：王大户")
    household = MonitoredHousehold.objects.get(cadre=cadre)

    page.select_option("#id_kind", "group_study")
    page.fill("#id_note", "学习中央一号文件")
    page.click("#duty-submit")
    page.wait_for_selector("text=已记录：集中学习")

    page.select_option("#id_kind", "household_visit")
    page.select_option("#id_household", str(household.pk))
    page.fill("#id_note", "了解务工和医保情况")
    page.click("#duty-submit")
    page.wait_for_selector("text=已记录：走访结对户")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "duties_phone.png"), full_page=True)
    assert "王大户" in page.inner_text("#duty-records")
    study = DutyRecord.objects.get(kind="group_study")
    visit = DutyRecord.objects.get(kind="household_visit")
    assert (study.team_id, study.cadre_id) == (w.team_a.pk, None)
    assert (visit.cadre_id, visit.household_id, visit.rule_ref) == (cadre.pk, household.pk, "ganzhou art.11")
    phone.close()

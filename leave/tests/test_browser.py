"""Headless Chromium (Debian's package) driven by Playwright: a township secretary logs in, sees the request in
her inbox with its rule, and approves it in place (htmx)."""

import os

import pytest
from rest_framework.test import APIClient

from jurisdictions.models import Notification, Role
from leave.models import LeaveRequest

from .conftest import build_leave_world
from .helpers import submit

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _api(user=None):
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.mark.browser
def test_a_township_secretary_logs_in_sees_the_request_and_approves_it(seeded_transactional_db, live_server, settings):
    from playwright.sync_api import sync_playwright

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    gz = build_leave_world("ganzhou")
    secretary = gz.users[Role.TOWNSHIP_SECRETARY]
    body = submit(_api, gz.member.user, gz.member, 3).json()
    assert Notification.objects.filter(user=secretary, read_at__isnull=True).exists()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}/login/")
            page.fill("input[name=username]", secretary.username)
            page.fill("input[name=password]", "pass-1234")
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            assert page.locator("#unread-count").inner_text() == "1"  # told in the portal, not by phone
            page.goto(f"{live_server.url}/leave/inbox/")
            row = page.locator(f"#leave-row-{body['id']}")
            assert "队员乙" in row.inner_text() and "赣州市文件第17条" in row.inner_text()
            row.locator("textarea[name=comment]").fill("同意，注意安全")
            row.locator("button[value=approve]").click()
            page.locator(f"#leave-row-{body['id']} .result").wait_for()
            assert "已批准" in page.locator(f"#leave-row-{body['id']}").inner_text()
            assert page.url == f"{live_server.url}/leave/inbox/"  # decided without leaving the page
        finally:
            browser.close()
    leave_request = LeaveRequest.objects.get(pk=body["id"])
    assert leave_request.status == "approved"
    assert leave_request.approvals.get().decided_by == secretary


@pytest.mark.browser
def test_the_demo_fengdu_cadre_submits_a_5_day_leave_in_the_browser(seeded_transactional_db, live_server, settings):
    """Issue 9 done-criteria: after load_demo, fengdu_cadre logs in and submits a 5-day leave (丰都 art.9: over 3
    days, 县委组织部 and the cadre's dispatch unit approve jointly; both have demo logins)."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from tests.browser import browser_page, log_in

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", verbosity=0)
    start = timezone.localdate() + timedelta(days=3)
    with browser_page() as page:
        log_in(page, live_server.url, "fengdu_cadre", "demo12345")
        page.goto(f"{live_server.url}/leave/new/")
        page.select_option("select[name=kind]", "personal")
        page.fill("input[name=start_date]", start.isoformat())
        page.fill("input[name=end_date]", (start + timedelta(days=4)).isoformat())
        page.fill("textarea[name=reason]", "家中有事")
        page.click("form.card button.primary")
        page.wait_for_url(f"{live_server.url}/leave/*/")
        text = page.locator("main").inner_text()
        assert "已提交" in text and "超过3天由县委组织部和派出单位共同审批" in text
    leave_request = LeaveRequest.objects.get(cadre__user__username="fengdu_cadre")
    assert (leave_request.days, leave_request.status) == (5, "pending")

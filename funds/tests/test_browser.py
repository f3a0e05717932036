"""The signer's page in a real browser: htmx signs in place, the last signature approves."""

import os
from decimal import Decimal

import pytest

from conftest import build_world
from funds import services
from funds.models import Expenditure
from jurisdictions.models import Role
from tests import factories as f

from .conftest import make_leader

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-1234")
    with page.expect_navigation():
        page.click("form button")


@pytest.mark.browser
def test_two_signers_sign_in_place_and_the_expenditure_is_approved(seeded_transactional_db, live_server):
    from playwright.sync_api import sync_playwright

    w = build_world("ganzhou")
    secretary = f.UserFactory(username="web_secretary", jurisdiction=w.jurisdiction)
    f.grant(secretary, Role.TOWNSHIP_SECRETARY, org_unit=w.township_a)
    leader = make_leader(w.team_a, "web_leader")
    account = services.account_open(actor=leader, team=w.team_a, year=2026, source="dispatch_unit",
                                    amount=Decimal("10000"))
    e = services.expenditure_create(actor=leader, account=account, amount=Decimal("800"), category="publicity",
                                    payee="宣传栏制作")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            for user, expected in ((secretary, "已签字，等待另一位签字人"), (leader, "已签字，支出已批准")):
                context = browser.new_context()
                page = context.new_page()
                log_in(page, live_server.url, user.username)
                page.goto(f"{live_server.url}/funds/sign/")
                assert "宣传栏制作" in page.content()
                url_before = page.url
                page.click(f"#exp-{e.id} button.primary")
                page.wait_for_selector(f"#exp-{e.id} >> text={expected}")
                assert page.url == url_before  # signed in place, no navigation
                assert page.locator(f"#exp-{e.id} button").count() == 0  # no second 签字
                context.close()
        finally:
            browser.close()
    assert Expenditure.objects.get(pk=e.pk).status == "approved"

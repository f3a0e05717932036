"""The signer's in-place buttons read Django forms: a bad field answers the form's Chinese error in the row and
changes nothing (whether a reason is needed, and who signs, stays the service's rule)."""

import pytest
from django.test import Client

from funds.models import Expenditure

pytestmark = pytest.mark.django_db


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_rejection_reason_over_1000_characters_gives_the_forms_error_and_rejects_nothing(alice, expenditure):
    row = browser(alice).post(f"/funds/expenditures/{expenditure.id}/reject/", {"reason": "无" * 1001}).content.decode()
    assert "驳回理由不超过1000字" in row
    expenditure.refresh_from_db()
    assert expenditure.status != Expenditure.Status.REJECTED


def test_a_signature_with_a_revision_that_is_not_a_number_asks_to_reload_and_signs_nothing(leader, expenditure):
    row = browser(leader).post(f"/funds/expenditures/{expenditure.id}/sign/", {"revision": "abc"}).content.decode()
    assert "页面已过期，请刷新后再签字" in row
    assert not expenditure.signature_rows.exists()

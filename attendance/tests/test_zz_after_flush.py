"""Runs after the transactional tests: the seeded policy table is still there."""

import pytest

from jurisdictions.models import PolicyRow


@pytest.mark.django_db
def test_the_policy_table_survives_a_transactional_test():
    assert PolicyRow.objects.filter(key="attendance.required_days").count() == 5

"""Fixtures for working funds: a team leader with a login, an account on team A, an expenditure."""

from decimal import Decimal

import pytest

from funds import services
from jurisdictions.models import Role
from teams.models import Membership
from tests import factories as f


def make_leader(team, username="leader"):
    """A cadre user who is the active leader of `team`."""
    user = f.UserFactory(username=username, jurisdiction=team.jurisdiction)
    cadre = f.CadreFactory(jurisdiction=team.jurisdiction, user=user)
    f.MembershipFactory(team=team, cadre=cadre, role=Membership.Role.LEADER)
    return user


@pytest.fixture
def leader(world):
    return make_leader(world.team_a)


@pytest.fixture
def finance(world):
    return f.user_with_role(Role.FINANCE, username="finance_gz", jurisdiction=world.jurisdiction)


@pytest.fixture
def account(world, admin_user):
    return services.account_open(actor=admin_user, team=world.team_a, year=2026, source="dispatch_unit",
                                 amount=Decimal("10000.00"))


@pytest.fixture
def expenditure(account, leader):
    return services.expenditure_create(actor=leader, account=account, amount=Decimal("1200.00"),
                                       category="printing", payee="赣州印务", description="村情调查表印刷")

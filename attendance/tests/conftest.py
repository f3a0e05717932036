"""Attendance fixtures: cadres placed in team A (village A, township A) and the township's attendance clerk."""

from datetime import date

import pytest

from jurisdictions.models import OrgUnit, Role
from teams.models import Membership, Team
from tests import factories as f


def place(team, *, role=Membership.Role.MEMBER, first_secretary=False, village=None, user=None,
          since=date(2025, 1, 1), until=None, **cadre_kw):
    """A cadre with a membership in `team` from `since` (default 2025-01-01) to `until` (default: still in post),
    stationed where the team works."""
    cadre = f.CadreFactory(jurisdiction=team.jurisdiction, user=user, **cadre_kw)
    f.MembershipFactory(team=team, cadre=cadre, role=role, first_secretary=first_secretary, village=village,
                        start_date=since, end_date=until)
    return cadre


@pytest.fixture
def cadre_user(world):
    """A cadre of team A with a login (the phone's user): (user, cadre)."""
    user = f.UserFactory(username="phone_cadre", jurisdiction=world.jurisdiction)
    return user, place(world.team_a, user=user, name="李驻村")


@pytest.fixture
def member(world):
    return place(world.team_a)


@pytest.fixture
def clerk(world):
    """Attendance clerk of township A."""
    return f.user_with_role(Role.ATTENDANCE_CLERK, username="clerk_a", org_unit=world.township_a)


@pytest.fixture
def county_office(world):
    return f.user_with_role(Role.COUNTY_OFFICE, username="county_gz", jurisdiction=world.jurisdiction)


@pytest.fixture
def city_office(world):
    return f.user_with_role(Role.CITY_OFFICE, username="city_gz", jurisdiction=world.jurisdiction)


def world_with_clerk(code: str):
    """build_world(code) plus its township-A clerk and one member of team A."""
    from conftest import build_world

    w = build_world(code)
    clerk = f.UserFactory(username=f"clerk_{code}", jurisdiction=w.jurisdiction)
    f.grant(clerk, Role.ATTENDANCE_CLERK, org_unit=w.township_a)
    return w, clerk, place(w.team_a)


def board_url(village) -> str:
    """The public whereabouts board of a village: its unguessable link (issue 14)."""
    from ..models import BoardLink

    return f"/whereabouts/b/{BoardLink.objects.get_or_create(village=village)[0].token}/"


def township_team(w, name="甲镇驻乡工作队"):
    return f.TeamFactory(jurisdiction=w.jurisdiction, host_unit=w.township_a, kind=Team.Kind.TOWNSHIP, name=name)


__all__ = ["place", "world_with_clerk", "township_team", "OrgUnit", "board_url"]


def mark(cadre, township, days, status="on_duty"):
    """Write records directly (set-up only; the rules are exercised through the API)."""
    from attendance.models import DailyRecord

    DailyRecord.objects.bulk_create([DailyRecord(jurisdiction_id=cadre.jurisdiction_id, cadre=cadre,
                                                 township=township, date=d, status=status) for d in days])

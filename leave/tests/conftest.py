"""Leave fixtures: a world per jurisdiction with a leader, a member and one user per approver role."""

from dataclasses import dataclass
from datetime import date

import pytest

from conftest import World, build_world
from jurisdictions.models import DispatchUnit, Role
from teams.models import Membership
from tests import factories as f


@dataclass
class LeaveWorld:
    w: World
    leader: object  # Cadre (team leader of team_a)
    member: object  # Cadre (member of team_a), city-dispatched
    users: dict  # role -> User holding it for team_a's cadres
    county_unit: object  # a county-level dispatch unit


def build_leave_world(code: str) -> LeaveWorld:
    w = build_world(code)
    j = w.jurisdiction
    leader_user = f.UserFactory(username=f"{code}_leader", jurisdiction=j, email=f"{code}_leader@example.org")
    member_user = f.UserFactory(username=f"{code}_member", jurisdiction=j)
    leader = f.CadreFactory(jurisdiction=j, dispatch_unit=w.dispatch_unit, user=leader_user, name="队长甲")
    member = f.CadreFactory(jurisdiction=j, dispatch_unit=w.dispatch_unit, user=member_user, name="队员乙")
    f.MembershipFactory(team=w.team_a, cadre=leader, role=Membership.Role.LEADER, start_date=date(2025, 1, 1))
    f.MembershipFactory(team=w.team_a, cadre=member, role=Membership.Role.MEMBER, start_date=date(2025, 1, 1))
    users = {Role.TEAM_LEADER: leader_user}
    for role, where in [
        (Role.TOWNSHIP_SECRETARY, {"org_unit": w.township_a}), (Role.ATTENDANCE_CLERK, {"org_unit": w.township_a}),
        (Role.COUNTY_OFFICE, {"jurisdiction": j}), (Role.COUNTY_GROUP, {"jurisdiction": j}),
        (Role.COUNTY_ORG_DEPT, {"jurisdiction": j}), (Role.COUNTY_RR_BUREAU, {"jurisdiction": j}),
        (Role.CITY_OFFICE, {"jurisdiction": j}), (Role.DISPATCH_UNIT, {"dispatch_unit": w.dispatch_unit}),
    ]:
        user = f.UserFactory(username=f"{code}_{role}", jurisdiction=j, email=f"{code}_{role}@example.org")
        f.grant(user, role, **where)
        users[role] = user
    county_unit = f.DispatchUnitFactory(jurisdiction=j, name=f"{j.name}县直测试局", level=DispatchUnit.Level.COUNTY)
    return LeaveWorld(w, leader, member, users, county_unit)


@pytest.fixture
def lw(db):
    """build_leave_world(code) for any jurisdiction."""
    return build_leave_world


@pytest.fixture
def gz(db):
    return build_leave_world("ganzhou")

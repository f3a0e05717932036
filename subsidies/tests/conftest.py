"""Fixtures for allowance tests: a finance user, cadres in post with attendance, and a run helper."""

from datetime import date, timedelta

import pytest

from conftest import build_world
from jurisdictions.models import DispatchUnit, PolicyRow, Role
from subsidies import services
from subsidies.models import SubsidyRun
from tests import factories as f

JUNE = date(2025, 6, 1)
JULY = date(2025, 7, 1)


def days(first: date, n: int, start_day: int = 1) -> list[date]:
    """n consecutive dates from `start_day` of the month of `first`."""
    d0 = first.replace(day=start_day)
    return [d0 + timedelta(days=i) for i in range(n)]


def finance_of(world):
    return f.user_with_role(Role.FINANCE, jurisdiction=world.jurisdiction)


def cadre_in_post(world, *, start=date(2025, 1, 1), end=None, level=DispatchUnit.Level.CITY, team=None, **kw):
    """A cadre with a membership of team A (or `team`) from `start` (to `end`)."""
    unit = f.DispatchUnitFactory(jurisdiction=world.jurisdiction, level=level) if level != world.dispatch_unit.level \
        else world.dispatch_unit
    cadre = f.CadreFactory(jurisdiction=world.jurisdiction, dispatch_unit=unit, dispatch_level=level, **kw)
    f.MembershipFactory(team=team or world.team_a, cadre=cadre, start_date=start, end_date=end)
    return cadre


def run_month(world, month, actor=None) -> SubsidyRun:
    """Create the run as finance would, then compute it in-process (the task is tested with a real worker)."""
    actor = actor or finance_of(world)
    run = services.subsidy_run_create(actor=actor, jurisdiction=world.jurisdiction, month=month)
    return services.subsidy_run_execute(run_id=run.id)


def policy_row(world, key, value, effective_from, rule_ref):
    return PolicyRow.objects.create(jurisdiction=world.jurisdiction, key=key, value=value,
                                    effective_from=effective_from, rule_ref=rule_ref)


def admin_of_world(world):
    return f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=world.jurisdiction)


def enter_open_rates(world):
    """The jurisdiction admin enters the rates the regulation leaves open (the demo figures, from 2023-01-01)."""
    from jurisdictions.management.commands.load_demo import enter_demo_rates

    enter_demo_rates(actor=admin_of_world(world), jurisdiction=world.jurisdiction)
    return world


@pytest.fixture
def make_world(db):
    """make_world(code): a world whose open rates were entered by its admin; `rates=False`: as seeded (null)."""

    def make(code, *, rates=True):
        w = build_world(code)
        return enter_open_rates(w) if rates else w

    return make


@pytest.fixture
def world(db):
    """Ganzhou with its open rates entered (the allowance tests run months; see make_world)."""
    return enter_open_rates(build_world("ganzhou"))


@pytest.fixture
def confirmer(db):
    """Who confirmed the township sheets (the attendance app's confirmation is tested there)."""
    return f.UserFactory()

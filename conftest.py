"""Shared fixtures: a seeded policy table, a small world per jurisdiction, and
alice (insider), bob (neighbour: same jurisdiction, other township) and charlie (outsider: another
jurisdiction) — after Healthchecks' test users."""

from dataclasses import dataclass

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from jurisdictions.models import OrgUnit, Role
from tests import factories as f


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrate once, then seed the five jurisdictions and their policy rows (tests roll back their own rows)."""
    with django_db_blocker.unblock():
        call_command("seed_policies", verbosity=0)


@dataclass
class World:
    """One jurisdiction: a county with townships A and B, a village in each, a dispatch unit, a team in A."""

    jurisdiction: object
    county: object
    township_a: object
    township_b: object
    village_a: object
    village_b: object
    dispatch_unit: object
    team_a: object


def build_world(code: str) -> World:
    j = f.jurisdiction(code)
    county = f.OrgUnitFactory(jurisdiction=j, kind=OrgUnit.Kind.COUNTY, name=f"{j.name}测试县")
    ta = f.OrgUnitFactory(jurisdiction=j, kind=OrgUnit.Kind.TOWNSHIP, parent=county, name="甲镇")
    tb = f.OrgUnitFactory(jurisdiction=j, kind=OrgUnit.Kind.TOWNSHIP, parent=county, name="乙镇")
    va = f.OrgUnitFactory(jurisdiction=j, kind=OrgUnit.Kind.VILLAGE, parent=ta, name="甲村")
    vb = f.OrgUnitFactory(jurisdiction=j, kind=OrgUnit.Kind.VILLAGE, parent=tb, name="乙村")
    du = f.DispatchUnitFactory(jurisdiction=j, name=f"{j.name}市直测试局")
    team = f.TeamFactory(jurisdiction=j, host_unit=va, name="甲村驻村工作队")
    return World(j, county, ta, tb, va, vb, du, team)


@pytest.fixture
def world(db):
    return build_world("ganzhou")


@pytest.fixture
def other_world(db):
    return build_world("fengdu")


@pytest.fixture
def admin_user(world):
    return f.user_with_role(Role.JURISDICTION_ADMIN, username="admin_gz", jurisdiction=world.jurisdiction)


@pytest.fixture
def alice(world):
    """Insider: party secretary of township A (where team A works)."""
    return f.user_with_role(Role.TOWNSHIP_SECRETARY, username="alice", org_unit=world.township_a)


@pytest.fixture
def bob(world):
    """Neighbour: party secretary of township B, same jurisdiction."""
    return f.user_with_role(Role.TOWNSHIP_SECRETARY, username="bob", org_unit=world.township_b)


@pytest.fixture
def charlie(other_world):
    """Outsider: jurisdiction admin of another jurisdiction (fengdu)."""
    return f.user_with_role(Role.JURISDICTION_ADMIN, username="charlie", jurisdiction=other_world.jurisdiction)


@pytest.fixture
def api():
    """api(user) → an APIClient authenticated as that user (None: anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_of():
    """admin_of(world) → a jurisdiction admin user for that world's jurisdiction."""

    def make(w):
        return f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=w.jurisdiction)

    return make


@pytest.fixture
def seeded_transactional_db(transactional_db):
    """For tests that commit (threads racing): the flush after each such test empties the policy table,
    so seed it again first. pytest-django runs these tests after all the others."""
    call_command("seed_policies", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters (login, auth/token/) live in the cache: every test starts with none (issue 14)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _cold_reference_cache():
    """The process's copy of the policy table and calendar (jurisdictions.reference_cache) starts empty in every
    test, so that a test's query counts do not depend on which tests ran before it."""
    from jurisdictions import reference_cache

    reference_cache.clear()

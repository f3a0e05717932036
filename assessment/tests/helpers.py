"""Set-up shared by the assessment tests: a world with cadres posted in township A, and the roles that act."""

from dataclasses import dataclass
from datetime import date

from conftest import build_world
from jurisdictions.models import Role
from tests import factories as f


@dataclass
class Setup:
    world: object
    org: object  # the grading role of the jurisdiction's annual assessment
    cadres: list


GRADER = {"linfen": Role.COUNTY_OFFICE}


def posted(world, n: int, start=date(2025, 1, 1), township=None, **membership):
    team = world.team_a if township is None else f.TeamFactory(jurisdiction=world.jurisdiction, host_unit=township)
    return [f.MembershipFactory(team=team, cadre__jurisdiction=world.jurisdiction,
                                cadre__dispatch_unit=world.dispatch_unit, start_date=start, **membership).cadre
            for _ in range(n)]


def setup(code: str = "qujiang", n: int = 3, start=date(2025, 1, 1)) -> Setup:
    w = build_world(code)
    org = f.user_with_role(GRADER.get(code, Role.COUNTY_ORG_DEPT), jurisdiction=w.jurisdiction)
    return Setup(w, org, posted(w, n, start))


def cadre_login(cadre, username=None):
    user = f.UserFactory(jurisdiction=cadre.jurisdiction, **({"username": username} if username else {}))
    cadre.user = user
    cadre.save(update_fields=["user"])
    return user


def open_period(api, s: Setup, kind="annual", year=2025, **extra):
    r = api(s.org).post("/api/v1/assessment-periods/", {"jurisdiction": s.world.jurisdiction.code, "kind": kind,
                                                        "year": year, **extra}, format="json")
    assert r.status_code == 201, r.json()
    return r.json()


def assessments(api, user, period_id):
    r = api(user).get(f"/api/v1/assessments/?period={period_id}")
    assert r.status_code == 200, r.json()
    return {row["cadre"]: row for row in r.json()["results"]}


def grade(api, user, assessment_id, grade, **extra):
    return api(user).post(f"/api/v1/assessments/{assessment_id}/grade/", {"grade": grade, **extra}, format="json")

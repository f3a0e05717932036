"""Two graders at once: the assessment and the period (the quota) are locked, so one wins and the other gets 409, and
the excellent quota is never passed."""

import threading

from django.db import connection

from assessment import services
from assessment.models import Assessment
from jurisdictions.errors import PortalError
from jurisdictions.models import Role, User
from tests import factories as f

from .helpers import setup


def race(*calls):
    results, barrier = [None] * len(calls), threading.Barrier(len(calls))

    def run(i, call):
        try:
            barrier.wait()
            call()
            results[i] = "ok"
        except PortalError as exc:
            results[i] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _graders(s):
    second = f.user_with_role(Role.COUNTY_RR_BUREAU, jurisdiction=s.world.jurisdiction)
    return s.org, second


def test_two_graders_grading_the_same_assessment_at_once_one_wins_and_the_other_gets_409(seeded_transactional_db):
    s = setup("qujiang", n=1)
    one, two = _graders(s)
    period = services.period_open(actor=one, jurisdiction=s.world.jurisdiction, kind="annual", year=2025)
    a = Assessment.objects.get(period=period)
    results = race(
        lambda: services.assessment_grade(actor=User.objects.get(pk=one.pk), assessment_id=a.pk, grade="competent"),
        lambda: services.assessment_grade(actor=User.objects.get(pk=two.pk), assessment_id=a.pk,
                                          grade="basically_competent"))
    assert sorted(results) == ["grade_changed", "ok"]


def test_grading_past_the_qujiang_art_25_quota_from_two_sessions_at_once_cannot_exceed_it(seeded_transactional_db):
    """qujiang art.25: 3 eligible cadres → at most 1 优秀, whoever grades first."""
    s = setup("qujiang", n=3)
    one, two = _graders(s)
    period = services.period_open(actor=one, jurisdiction=s.world.jurisdiction, kind="annual", year=2025)
    a, b, _ = Assessment.objects.filter(period=period).order_by("id")
    results = race(
        lambda: services.assessment_grade(actor=User.objects.get(pk=one.pk), assessment_id=a.pk, grade="excellent"),
        lambda: services.assessment_grade(actor=User.objects.get(pk=two.pk), assessment_id=b.pk, grade="excellent"))
    assert sorted(results) == ["ok", "quota_exceeded"]
    assert Assessment.objects.filter(period=period, grade="excellent").count() == 1

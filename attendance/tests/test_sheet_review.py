"""Issue 9, item 7: fengdu art.9/art.20 — allowances are paid 报县乡村振兴局审核后: a confirmed township sheet is
reviewed by the role the policy names before a subsidy run pays it; unreviewed sheets show as missing."""

import threading
from datetime import date

import pytest
from django.db import connection
from rest_framework.test import APIClient

from jurisdictions.audit import AuditEvent
from jurisdictions.models import Role
from subsidies import services as subsidy_services
from subsidies.models import CadreAllowanceProfile, Statement
from tests import factories as f

from ..models import AttendanceSheet
from .conftest import mark, world_with_clerk
from .test_monthly import days_of

OCT = date(2026, 10, 1)


def review_url(sheet):
    return f"/api/v1/attendance-sheets/{sheet.id}/review/"


def fengdu_sheet(*, reviewed=False):
    w, clerk, cadre = world_with_clerk("fengdu")
    sheet = f.confirm_sheet(w.township_a, OCT, clerk, reviewed=reviewed)
    bureau = f.user_with_role(Role.COUNTY_RR_BUREAU, username="rr_fd", jurisdiction=w.jurisdiction)
    return w, clerk, cadre, sheet, bureau


@pytest.mark.django_db
def test_the_county_rr_bureau_reviews_a_confirmed_fengdu_sheet_art_20(api):
    w, clerk, cadre, sheet, bureau = fengdu_sheet()
    r = api(bureau).post(review_url(sheet))
    assert r.status_code == 200, r.data
    assert r.data["review_required"] is True and r.data["review_rule_ref"] == "fengdu art.20"
    assert r.data["reviewed_by"] == bureau.id and r.data["reviewed_at"] is not None
    assert r.data["id"] == sheet.id and r.data["confirmed_by"] == clerk.id and r.data["month"] == "2026-10"
    sheet.refresh_from_db()
    assert sheet.reviewed_by == bureau and sheet.reviewed_at is not None
    assert AuditEvent.objects.filter(action="attendance.sheet_review").count() == 1
    assert api(clerk).get(f"/api/v1/attendance-sheets/{sheet.id}/").data["reviewed_by"] == bureau.id


@pytest.mark.django_db
def test_a_second_review_is_a_409_fengdu_art_20(api):
    w, clerk, cadre, sheet, bureau = fengdu_sheet()
    assert api(bureau).post(review_url(sheet)).status_code == 200
    r = api(bureau).post(review_url(sheet))
    assert r.status_code == 409 and r.data["code"] == "already_reviewed"


@pytest.mark.django_db
def test_only_the_role_the_policy_names_may_review_others_403_fengdu_art_20(api):
    w, clerk, cadre, sheet, bureau = fengdu_sheet()
    office = f.user_with_role(Role.COUNTY_OFFICE, username="office_fd", jurisdiction=w.jurisdiction)
    for user in (clerk, office):
        r = api(user).post(review_url(sheet))
        assert r.status_code == 403 and r.data["rule_ref"] == "fengdu art.20"
    assert AttendanceSheet.objects.get(pk=sheet.pk).reviewed_at is None


@pytest.mark.django_db
def test_a_sheet_outside_the_callers_scope_is_404(api, world):
    w, clerk, cadre, sheet, bureau = fengdu_sheet()
    other_bureau = f.user_with_role(Role.COUNTY_RR_BUREAU, username="rr_gz", jurisdiction=world.jurisdiction)
    neighbour = f.user_with_role(Role.ATTENDANCE_CLERK, username="clerk_b", org_unit=w.township_b)
    for user in (other_bureau, neighbour):
        assert api(user).post(review_url(sheet)).status_code == 404
        assert api(user).get(f"/api/v1/attendance-sheets/{sheet.id}/").status_code == 404
    assert api(None).post(review_url(sheet)).status_code in (401, 403)


@pytest.mark.django_db
def test_where_the_policy_asks_no_review_every_sheet_answer_says_so_ganzhou(api, clerk, member, world):
    mark(member, world.township_a, list(days_of(2026, 10)))
    r = api(clerk).post("/api/v1/attendance-sheets/", {"org_unit": world.township_a.id, "month": "2026-10",
                                                       "acknowledge_shortfall": True}, format="json")
    assert r.status_code == 201 and r.data["review_required"] is False and r.data["reviewed_by"] is None
    bureau = f.user_with_role(Role.COUNTY_RR_BUREAU, username="rr_gz", jurisdiction=world.jurisdiction)
    r = api(bureau).post(f"/api/v1/attendance-sheets/{r.data['id']}/review/")
    assert r.status_code == 400 and r.data["code"] == "review_not_required"


@pytest.mark.django_db
def test_a_fengdu_confirmation_answers_review_required(api):
    w, clerk, cadre = world_with_clerk("fengdu")
    mark(cadre, w.township_a, list(days_of(2026, 10)))
    r = api(clerk).post("/api/v1/attendance-sheets/", {"org_unit": w.township_a.id, "month": "2026-10",
                                                       "acknowledge_shortfall": True}, format="json")
    assert r.status_code == 201 and r.data["review_required"] is True and r.data["reviewed_at"] is None


@pytest.mark.django_db
def test_a_subsidy_run_lists_an_unreviewed_fengdu_sheet_as_missing_and_pays_it_once_reviewed_art_20(api):
    w, clerk, cadre, sheet, bureau = fengdu_sheet()
    CadreAllowanceProfile.objects.create(cadre=cadre)
    mark(cadre, w.township_a, list(days_of(2026, 10))[:21])
    # township B's sheet is confirmed and reviewed, so the month can run; township A's waits for the bureau
    f.confirm_sheet(w.township_b, OCT, clerk, reviewed=True)
    finance = f.user_with_role(Role.FINANCE, username="fin_fd", jurisdiction=w.jurisdiction)
    run = subsidy_services.subsidy_run_create(actor=finance, jurisdiction=w.jurisdiction, month=OCT)
    run = subsidy_services.subsidy_run_execute(run_id=run.id)
    assert run.missing_sheets == [{"township": w.township_a.id, "name": w.township_a.name,
                                   "reason": "awaiting_review"}]
    assert not Statement.objects.filter(cadre=cadre, month=OCT).exists()

    assert api(bureau).post(review_url(sheet)).status_code == 200
    Statement.objects.all().delete()
    run.delete()
    run = subsidy_services.subsidy_run_execute(
        run_id=subsidy_services.subsidy_run_create(actor=finance, jurisdiction=w.jurisdiction, month=OCT).id)
    assert run.missing_sheets == []
    assert Statement.objects.get(cadre=cadre, month=OCT).total == 2100


@pytest.mark.django_db
def test_a_run_is_refused_while_every_confirmed_fengdu_sheet_awaits_the_county_review_art_20(api):
    """A run then would issue the month with nobody paid and lock it: it is refused with the article instead."""
    from subsidies.models import SubsidyRun

    w, clerk, cadre, sheet, bureau = fengdu_sheet()
    finance = f.user_with_role(Role.FINANCE, username="fin_fd", jurisdiction=w.jurisdiction)
    r = api(finance).post("/api/v1/subsidy-runs/", {"jurisdiction": "fengdu", "month": "2026-10"}, format="json")
    assert r.status_code == 400 and r.data["code"] == "sheets_awaiting_review"
    assert r.data["rule_ref"] == "fengdu art.20" and "县乡村振兴局审核" in r.data["detail"]
    assert not SubsidyRun.objects.exists()
    assert api(bureau).post(review_url(sheet)).status_code == 200
    r = api(finance).post("/api/v1/subsidy-runs/", {"jurisdiction": "fengdu", "month": "2026-10"}, format="json")
    assert r.status_code == 201


@pytest.mark.django_db
def test_the_bureau_reviews_from_the_township_list_and_the_grid_shows_it_fengdu_art_20(client):
    w, clerk, cadre, sheet, bureau = fengdu_sheet()
    client.force_login(bureau)
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert "待县级审核，审核前不核发补助" in html and "审核通过" in html
    html = client.get("/attendance/sheet/", {"township": w.township_a.id, "month": "2026-10"}).content.decode()
    assert "待县乡村振兴局审核" in html and "审核通过" in html
    r = client.post("/attendance/sheet/review/", {"sheet": sheet.id})
    assert r.status_code == 302
    sheet.refresh_from_db()
    assert sheet.reviewed_by == bureau
    html = client.get(r.url).content.decode()
    assert "县乡村振兴局已审核" in html
    client.force_login(clerk)  # the township sees the status but gets no review button
    html = client.get("/attendance/sheet/", {"month": "2026-10"}).content.decode()
    assert "县乡村振兴局已审核" in html and 'action="/attendance/sheet/review/"' not in html


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_give_one_review_and_one_409_fengdu_art_20(seeded_transactional_db):
    w, clerk, cadre = world_with_clerk("fengdu")
    sheet = f.confirm_sheet(w.township_a, OCT, clerk, reviewed=False)
    users = [f.user_with_role(Role.COUNTY_RR_BUREAU, username=f"rr{i}", jurisdiction=w.jurisdiction)
             for i in range(2)]
    barrier = threading.Barrier(2)
    codes = []

    def review(user):
        client = APIClient()
        client.force_authenticate(user=user)
        barrier.wait()
        try:
            codes.append(client.post(review_url(sheet)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    assert AuditEvent.objects.filter(action="attendance.sheet_review").count() == 1
    assert AttendanceSheet.objects.get(pk=sheet.pk).reviewed_by in users


@pytest.mark.django_db
def test_the_demo_reviews_fengdus_older_month_and_leaves_the_newer_for_the_bureau_art_20(world, other_world):
    from django.core.management import call_command
    from django.utils import timezone

    from attendance.management.commands.load_demo_attendance import complete_months

    f.UserFactory(username="admin", is_superuser=True, is_staff=True)
    older, newer = complete_months(timezone.localdate())
    for w in (world, other_world):
        f.MembershipFactory(team=w.team_a, start_date=date(2025, 1, 1),
                            cadre=f.CadreFactory(jurisdiction=w.jurisdiction, dispatch_unit=w.dispatch_unit))
    call_command("load_demo_attendance", verbosity=0)
    sheets = {(s.jurisdiction_id, s.month): s for s in AttendanceSheet.objects.all()}
    assert sheets[(other_world.jurisdiction.id, older)].reviewed_at is not None  # fengdu: reviewed, payable
    assert sheets[(other_world.jurisdiction.id, newer)].reviewed_at is None  # waits for the bureau
    assert sheets[(world.jurisdiction.id, older)].reviewed_at is None  # ganzhou asks for no review


@pytest.mark.django_db
def test_the_bureau_lists_the_months_sheets_awaiting_review_in_fixed_queries_fengdu_art_20(
        api, django_assert_num_queries):
    w, clerk, cadre, sheet, bureau = fengdu_sheet()
    done = f.confirm_sheet(w.township_b, OCT, clerk, reviewed=True)
    client = api(bureau)
    # 1 grants of the bureau, 1 is the user a cadre, 1 the month's sheets in scope, 1 the policies of their
    # jurisdictions: none per sheet
    with django_assert_num_queries(4):
        r = client.get("/api/v1/attendance-sheets/", {"month": "2026-10", "review": "pending"})
    assert r.status_code == 200 and [s["id"] for s in r.data["results"]] == [sheet.id]
    assert r.data["results"][0]["review_required"] is True
    r = client.get("/api/v1/attendance-sheets/", {"month": "2026-10"})
    assert {s["id"] for s in r.data["results"]} == {sheet.id, done.id}


@pytest.mark.django_db
def test_a_township_lists_only_its_own_sheets_and_an_outsider_none(api, world):
    w, clerk, cadre, sheet, bureau = fengdu_sheet()
    f.confirm_sheet(w.township_b, OCT, clerk, reviewed=False)
    assert [s["id"] for s in api(clerk).get("/api/v1/attendance-sheets/", {"month": "2026-10"}).data["results"]] == [
        sheet.id]
    outsider = f.user_with_role(Role.COUNTY_RR_BUREAU, username="rr_gz2", jurisdiction=world.jurisdiction)
    assert api(outsider).get("/api/v1/attendance-sheets/", {"month": "2026-10"}).data["count"] == 0
    assert api(None).get("/api/v1/attendance-sheets/", {"month": "2026-10"}).status_code in (401, 403)

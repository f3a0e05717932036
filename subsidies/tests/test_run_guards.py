"""A run is only accepted for a month that is over and has at least one confirmed sheet (POLICY.md §8);
missing_sheets names every township with cadres stationed, attendance kept or not."""

from datetime import date, timedelta

from django.utils import timezone

from jurisdictions.models import OrgUnit
from subsidies import services
from subsidies.models import SubsidyRun
from tests import factories as f

from .conftest import JUNE, cadre_in_post, days, finance_of, run_month


def test_a_run_for_the_current_month_is_refused_on_the_api_because_the_month_is_not_over(world, alice, api):
    today = timezone.localdate()  # Asia/Shanghai
    month = today.replace(day=1)
    f.confirm_sheet(world.township_a, month, alice)
    r = api(finance_of(world)).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": f"{month:%Y-%m}"},
                                    format="json")
    assert r.status_code == 400 and r.json()["code"] == "month_not_over" and "尚未结束" in r.json()["detail"]
    assert not SubsidyRun.objects.exists()


def test_a_run_for_a_future_month_is_refused_as_not_over(world, alice, api):
    month = (timezone.localdate().replace(day=1) + timedelta(days=40)).replace(day=1)
    r = api(finance_of(world)).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": f"{month:%Y-%m}"},
                                    format="json")
    assert r.status_code == 400 and r.json()["code"] == "month_not_over"


def test_a_run_for_a_month_where_no_township_confirmed_its_sheet_is_refused_on_the_api(world, alice, api):
    c = cadre_in_post(world)
    f.attendance_days(c, world.township_a, days(JUNE, 20))  # kept, but not confirmed
    f.confirm_sheet(world.township_a, date(2025, 7, 1), alice)  # another month does not count
    r = api(finance_of(world)).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": "2025-06"},
                                    format="json")
    assert r.status_code == 400 and r.json()["code"] == "no_confirmed_sheet" and "确认" in r.json()["detail"]
    assert set(r.json()) == {"code", "detail"} and not SubsidyRun.objects.exists()


def test_a_sheet_confirmed_in_another_jurisdiction_does_not_open_the_month(world, other_world, charlie, api):
    f.confirm_sheet(other_world.township_a, JUNE, charlie)
    r = api(finance_of(world)).post("/api/v1/subsidy-runs/", {"jurisdiction": "ganzhou", "month": "2025-06"},
                                    format="json")
    assert r.status_code == 400 and r.json()["code"] == "no_confirmed_sheet"


def test_the_finance_page_shows_the_refusal_and_creates_no_run(world, alice, client):
    client.force_login(finance_of(world))
    r = client.post("/subsidies/runs/", {"jurisdiction": "ganzhou", "month": "2025-06"}, follow=True)
    assert "尚无乡镇确认考勤表" in r.content.decode()
    month = timezone.localdate().replace(day=1)
    f.confirm_sheet(world.township_a, month, alice)
    r = client.post("/subsidies/runs/", {"jurisdiction": "ganzhou", "month": f"{month:%Y-%m}"}, follow=True)
    assert "尚未结束" in r.content.decode()
    assert not SubsidyRun.objects.exists()


def test_missing_sheets_lists_every_township_and_street_with_cadres_stationed_even_without_attendance(
        world, alice):
    j = world.jurisdiction
    c = cadre_in_post(world)  # team A in village A of township A, which confirms
    f.attendance_days(c, world.township_a, days(JUNE, 20))
    f.confirm_sheet(world.township_a, JUNE, alice)
    # township B: a village team with a cadre in post, no attendance kept at all
    team_b = f.TeamFactory(jurisdiction=j, host_unit=world.village_b)
    f.MembershipFactory(team=team_b, start_date=date(2025, 1, 1))
    # a street hosting a town team directly, the membership ends mid-June
    street = f.OrgUnitFactory(jurisdiction=j, kind=OrgUnit.Kind.STREET, name="丙街道", parent=world.county)
    f.MembershipFactory(team=f.TeamFactory(jurisdiction=j, kind="town", host_unit=street),
                        start_date=date(2025, 1, 1), end_date=date(2025, 6, 10))
    # not missing: a township whose only cadre left before June, and one with nobody stationed
    gone = f.OrgUnitFactory(jurisdiction=j, name="丁镇", parent=world.county)
    f.MembershipFactory(team=f.TeamFactory(jurisdiction=j, kind="town", host_unit=gone),
                        start_date=date(2025, 1, 1), end_date=date(2025, 5, 31))
    f.OrgUnitFactory(jurisdiction=j, name="戊镇", parent=world.county)
    run = run_month(world, JUNE)
    assert sorted(m["name"] for m in run.missing_sheets) == sorted([world.township_b.name, "丙街道"])
    assert run.statement_count == 1


def test_missing_sheets_is_one_query_whatever_the_number_of_townships(world, alice, django_assert_num_queries):
    j = world.jurisdiction
    f.confirm_sheet(world.township_a, JUNE, alice)
    first, last = JUNE, date(2025, 6, 30)

    def missing():
        # 1 townships/streets of the jurisdiction in (kept ∪ stationed at host ∪ stationed at host's parent)
        with django_assert_num_queries(1):
            return services._missing_sheets(j, first, last, {world.township_a.id})

    f.MembershipFactory(team=f.TeamFactory(jurisdiction=j, host_unit=world.village_b))
    assert len(missing()) == 1
    for i in range(5):
        town = f.OrgUnitFactory(jurisdiction=j, name=f"新镇{i}", parent=world.county)
        village = f.OrgUnitFactory(jurisdiction=j, kind=OrgUnit.Kind.VILLAGE, name=f"新村{i}", parent=town)
        f.MembershipFactory(team=f.TeamFactory(jurisdiction=j, host_unit=village))
    assert len(missing()) == 6

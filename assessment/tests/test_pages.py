"""Assessment pages: the grading table (htmx grade in place, quota remaining), the 述职 page, the opinion page,
constant query counts on the period list and the grading page."""

from datetime import date

from jurisdictions.models import Role
from tests import factories as f

from .helpers import assessments, cadre_login, open_period, posted, setup


def test_the_grading_page_shows_evidence_and_the_art_25_quota_remaining_and_grades_in_place(db, api, client):
    s = setup("qujiang", n=3)
    period = open_period(api, s)
    client.force_login(s.org)
    page = client.get(f"/assessment/periods/{period['id']}/").content.decode()
    assert "优秀名额：最多 1 名，已用 0 名，剩余 <span id=\"quota-remaining\">1</span> 名" in page
    assert "曲江" in page and s.cadres[0].name in page
    row = assessments(api, s.org, period["id"])[s.cadres[0].pk]
    r = client.post(f"/assessment/{row['id']}/grade/", {"grade": "excellent", "previous": ""}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and f'id="row-{row["id"]}"' in html and "grade-label\">优秀" in html
    assert 'hx-swap-oob="true"' in html and "剩余 <span id=\"quota-remaining\">0</span> 名" in html
    other = assessments(api, s.org, period["id"])[s.cadres[1].pk]
    html = client.post(f"/assessment/{other['id']}/grade/", {"grade": "excellent", "previous": ""}).content.decode()
    assert "优秀名额已满" in html  # qujiang art.25, shown in the row


def test_the_grading_page_filters_by_township_and_grade(db, api, client):
    s = setup("qujiang", n=1)
    b = posted(s.world, 1, township=s.world.township_b)[0]
    period = open_period(api, s)
    client.force_login(s.org)
    page = client.get(f"/assessment/periods/{period['id']}/?township={s.world.township_b.pk}").content.decode()
    assert b.name in page and s.cadres[0].name not in page
    page = client.get(f"/assessment/periods/{period['id']}/?grade=excellent").content.decode()
    assert b.name not in page and "没有符合条件的干部" in page


def test_the_grading_page_reads_a_period_in_the_same_number_of_queries_for_2_or_6_cadres(
        db, api, client, django_assert_max_num_queries, django_assert_num_queries):
    s = setup("qujiang", n=2)
    small = open_period(api, s, year=2025)
    posted(s.world, 4)
    big = open_period(api, s, year=2026)
    for month in (date(2025, 6, 1), date(2026, 6, 1)):  # one confirmed month in each period
        f.confirm_sheet(s.world.township_a, month, s.org)
    client.force_login(s.org)
    client.get(f"/assessment/periods/{small['id']}/")  # warm the session
    client.get(f"/assessment/periods/{big['id']}/")  # and the process's copy of both years' calendars (issue 15)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q_small:
        assert client.get(f"/assessment/periods/{small['id']}/").status_code == 200
    # session (1), user (1), scope: grants, cadre, memberships (3), period (1), counts (1), assessments (1),
    # opinions (1), confirmed sheets (1), postings (1), day counts (1), inspections (1), flags (1), diaries (1),
    # notifications badge (1), and for the confirmed June attendance's month figures (the stamp of the policy table
    # and calendar, whose copy the process keeps; the records by month with the postings): the same set in both periods,
    # whatever the number of cadres
    with django_assert_num_queries(len(q_small)):
        assert client.get(f"/assessment/periods/{big['id']}/").status_code == 200


def test_the_period_list_reads_in_a_constant_number_of_queries(db, api, django_assert_num_queries):
    s = setup("qujiang", n=2)
    open_period(api, s, year=2025)
    client = api(s.org)
    client.get("/api/v1/assessment-periods/")
    # the scope is cached on the (force-authenticated) user: count (1), periods with their eligible and graded
    # counts in one aggregate (1)
    with django_assert_num_queries(2):
        r = client.get("/api/v1/assessment-periods/")
    posted(s.world, 3)
    open_period(api, s, year=2026)
    with django_assert_num_queries(2):
        r = client.get("/api/v1/assessment-periods/")
    assert [p["year"] for p in r.json()["results"]] == [2026, 2025]
    assert r.json()["results"][0]["eligible"] == 5


def test_the_cadre_writes_the_self_summary_on_the_phone_page_and_sees_the_grade_only_once_published(db, api, client):
    s = setup("qujiang", n=1)
    me = cadre_login(s.cadres[0])
    period = open_period(api, s)
    row = list(assessments(api, s.org, period["id"]).values())[0]
    client.force_login(me)
    assert "填写述职" in client.get("/assessment/mine/").content.decode()
    r = client.post(f"/assessment/{row['id']}/", {"action": "summary", "text": "本年度走访农户120户"})
    assert r.status_code == 302
    api(s.org).post(f"/api/v1/assessments/{row['id']}/grade/", {"grade": "competent"}, format="json")
    page = client.get("/assessment/mine/").content.decode()
    assert "结果尚未公布" in page and "称职" not in page
    api(s.org).post(f"/api/v1/assessment-periods/{period['id']}/publish/")
    page = client.get("/assessment/mine/").content.decode()
    assert 'class="my-grade">称职' in page


def test_the_township_secretary_gives_an_opinion_on_the_opinion_page_and_the_neighbour_sees_nobody(db, api, client):
    s = setup("qujiang", n=1)
    period = open_period(api, s)
    secretary = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=s.world.township_a)
    neighbour = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=s.world.township_b)
    client.force_login(secretary)
    page = client.get("/assessment/opinions/").content.decode()
    assert s.cadres[0].name in page and "乡镇党委书记" in page
    row = list(assessments(api, s.org, period["id"]).values())[0]
    r = client.post(f"/assessment/{row['id']}/opinion/", {"text": "工作扎实", "suggested_grade": "excellent",
                                                          "next": "/assessment/opinions/"})
    assert r.status_code == 302 and r["Location"] == "/assessment/opinions/"
    assert api(s.org).get(f"/api/v1/assessments/{row['id']}/").json()["opinions"][0]["text"] == "工作扎实"
    client.force_login(neighbour)
    assert s.cadres[0].name not in client.get("/assessment/opinions/").content.decode()
    assert client.get(f"/assessment/{row['id']}/").status_code == 404


def test_the_assessment_page_links_the_evidence_to_the_records(db, api, client):
    s = setup("qujiang", n=1)
    period = open_period(api, s)
    row = list(assessments(api, s.org, period["id"]).values())[0]
    client.force_login(s.org)
    page = client.get(f"/assessment/{row['id']}/").content.decode()
    assert f"/diaries/?cadre={s.cadres[0].pk}" in page and f"/leave/cadres/{s.cadres[0].pk}/" in page


def test_the_org_department_opens_a_period_from_the_page_and_the_menu_shows_it(db, client):
    s = setup("xinfeng", n=1)
    client.force_login(s.org)
    assert "/assessment/" in client.get("/").content.decode()
    r = client.post("/assessment/", {"jurisdiction": "xinfeng", "kind": "annual", "year": 2025})
    assert r.status_code == 302
    from assessment.models import AssessmentPeriod

    p = AssessmentPeriod.objects.get(jurisdiction=s.world.jurisdiction)
    assert (p.rule_ref, p.assessments.count()) == ("xinfeng sec.四", 1)


def test_the_export_page_downloads_the_xlsx(db, api, client):
    s = setup("qujiang", n=1)
    period = open_period(api, s)
    client.force_login(s.org)
    r = client.get(f"/assessment/periods/{period['id']}/export/")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_dates_before_the_regulation_are_refused_with_no_policy(db, api):
    s = setup("qujiang", n=0)
    r = api(s.org).post("/api/v1/assessment-periods/", {"jurisdiction": "qujiang", "kind": "annual", "year": 2021},
                        format="json")
    assert r.status_code == 400 and r.json()["code"] == "no_policy"
    assert date(2021, 12, 31) < date(2022, 3, 23)


def test_load_demo_opens_this_years_annual_assessment_everywhere_and_publishes_last_years(db):
    from django.core.management import call_command
    from django.utils import timezone

    from assessment.models import AssessmentPeriod

    call_command("load_demo", verbosity=0)
    year = timezone.localdate().year
    periods = AssessmentPeriod.objects.filter(kind="annual")
    assert {(p.jurisdiction.code, p.year, p.status) for p in periods} == {
        (code, y, status) for code in ("qujiang", "ganzhou", "linfen", "xinfeng", "fengdu")
        for y, status in ((year, "open"), (year - 1, "published"))}
    call_command("load_demo_assessment", verbosity=0)  # idempotent
    assert periods.count() == 10


def test_a_cadre_opening_the_grading_page_sees_only_its_own_row_and_no_grade_before_publishing(db, api, client):
    s = setup("qujiang", n=2)
    me = cadre_login(s.cadres[0])
    period = open_period(api, s)
    for row in assessments(api, s.org, period["id"]).values():
        api(s.org).post(f"/api/v1/assessments/{row['id']}/grade/", {"grade": "basically_competent"}, format="json")
    client.force_login(me)
    page = client.get(f"/assessment/periods/{period['id']}/").content.decode()
    assert s.cadres[0].name in page and s.cadres[1].name not in page
    assert "grade-label" not in page and "结果尚未公布" in page  # the filter still lists the grade names

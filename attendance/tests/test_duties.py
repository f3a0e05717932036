"""Duties and reminders (issue 13, POLICY.md §10): a duty done on time is not overdue, one missed is, with the due
date its article sets; reminders go once a day to the person the duty falls on; scoping holds."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attendance import duties_selectors, duties_services
from attendance.models import DiaryEntry, DutyRecord, MonitoredHousehold
from conftest import build_world
from jurisdictions.models import DispatchUnit, Notification, Role
from teams.models import Membership
from tests import factories as f

from .conftest import board_url, place


def _record(kind, *, team=None, cadre=None, household=None, day, by):
    j = (team or cadre or household).jurisdiction
    return DutyRecord.objects.create(jurisdiction=j, kind=kind, team=team, cadre=cadre, household=household,
                                     date=day, recorded_by=by)


def _findings(world, on, **match):
    return [i for i in duties_selectors.duty_findings(jurisdiction=world.jurisdiction, on=on)
            if all(i[k] == v for k, v in match.items())]


@pytest.fixture
def qj(db):
    return build_world("qujiang")


@pytest.fixture
def writer(world):
    return f.user_with_role(Role.TOWNSHIP_SECRETARY, username="sec_writer", org_unit=world.township_a)


def test_qujiang_art_15_two_group_studies_in_a_month_are_on_time_and_one_leaves_the_month_overdue(qj):
    by = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=qj.township_a)
    _record("group_study", team=qj.team_a, day=date(2026, 3, 3), by=by)
    _record("group_study", team=qj.team_a, day=date(2026, 3, 17), by=by)
    _record("group_study", team=qj.team_a, day=date(2026, 4, 9), by=by)
    march = _findings(qj, date(2026, 5, 2), kind="group_study", period_start="2026-03-01")
    assert march == []
    april = _findings(qj, date(2026, 5, 2), kind="group_study", period_start="2026-04-01")
    assert [(i["team"], i["due"], i["done"], i["required"], i["rule_ref"], i["overdue"]) for i in april] == [
        (qj.team_a.id, "2026-04-30", 1, 2, "qujiang art.15", True)]


def test_qujiang_art_16_a_missed_weekly_meeting_is_overdue_and_marked_in_principle(qj):
    by = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=qj.township_a)
    _record("team_meeting", team=qj.team_a, day=date(2026, 6, 1), by=by)  # Monday of week 23
    found = _findings(qj, date(2026, 6, 16), kind="team_meeting")
    weeks = [(i["period_start"], i["due"], i["overdue"]) for i in found if i["period_start"] >= "2026-06-01"]
    assert weeks == [("2026-06-08", "2026-06-14", True), ("2026-06-15", "2026-06-21", False)]
    assert found[0]["rule_ref"] == "qujiang art.16" and found[0]["severity"] == "soft"


def test_qujiang_art_17_missing_diary_weeks_are_overdue_and_a_written_week_is_not(qj):
    cadre = place(qj.team_a, user=f.UserFactory(jurisdiction=qj.jurisdiction))
    DiaryEntry.objects.create(jurisdiction=qj.jurisdiction, cadre=cadre, date=date(2026, 9, 8), content="走访")
    found = _findings(qj, date(2026, 9, 22), kind="diary", cadre=cadre.id)
    weeks = {i["period_start"]: i["overdue"] for i in found}
    assert "2026-09-07" not in weeks  # written
    assert weeks["2026-09-14"] is True and found[0]["rule_ref"] == "qujiang art.17"


def test_qujiang_art_18_each_member_owes_a_half_year_report_due_on_the_last_day_of_june(qj):
    cadre = place(qj.team_a)
    found = _findings(qj, date(2026, 7, 1), kind="half_year_report", cadre=cadre.id)
    assert [(i["due"], i["rule_ref"], i["overdue"]) for i in found if i["period_start"] == "2026-01-01"] == [
        ("2026-06-30", "qujiang art.18", True)]
    _record("half_year_report", cadre=cadre, day=date(2026, 6, 20), by=f.UserFactory())
    assert not [i for i in _findings(qj, date(2026, 7, 1), kind="half_year_report", cadre=cadre.id)
                if i["period_start"] == "2026-01-01"]


def test_fengdu_art_14_annual_summary_is_due_10_december_for_a_city_team_and_20_december_for_a_county_team(
        other_world):
    fd = other_world
    county_team = f.TeamFactory(jurisdiction=fd.jurisdiction, host_unit=fd.village_b,
                                dispatch_level=DispatchUnit.Level.COUNTY)
    on = date(2025, 12, 15)
    found = {i["team"]: i for i in _findings(fd, on, kind="annual_summary")}
    assert (found[fd.team_a.id]["due"], found[fd.team_a.id]["overdue"]) == ("2025-12-10", True)
    assert (found[county_team.id]["due"], found[county_team.id]["overdue"]) == ("2025-12-20", False)
    assert found[fd.team_a.id]["rule_ref"] == "fengdu art.14"
    _record("annual_summary", team=county_team, day=date(2025, 12, 18), by=f.UserFactory())
    assert [i["team"] for i in _findings(fd, date(2025, 12, 21), kind="annual_summary")] == [fd.team_a.id]


def test_ganzhou_art_12_a_household_visited_in_the_quarter_is_on_time_and_an_unvisited_quarter_is_overdue(world):
    cadre = place(world.team_a)
    hh = MonitoredHousehold.objects.create(jurisdiction=world.jurisdiction, cadre=cadre, name="张三",
                                           paired_on=date(2025, 12, 20), created_by=f.UserFactory())
    _record("household_visit", cadre=cadre, household=hh, day=date(2026, 2, 10), by=f.UserFactory())
    found = _findings(world, date(2026, 7, 1), kind="household_visit", household=hh.id)
    assert [(i["period_start"], i["due"], i["overdue"], i["rule_ref"]) for i in found] == [
        ("2026-04-01", "2026-06-30", True, "ganzhou art.11")]
    assert found[0]["cadre"] == cadre.id


def test_ganzhou_art_25_yearly_exam_done_is_not_overdue_but_missing_insurance_is(world):
    cadre = place(world.team_a)
    _record("physical_exam", cadre=cadre, day=date(2025, 5, 6), by=f.UserFactory())
    found = _findings(world, date(2026, 1, 5), cadre=cadre.id)
    kinds = {(i["kind"], i["due"]) for i in found if i["period_start"] == "2025-01-01"}
    assert ("insurance", "2025-12-31") in kinds and ("physical_exam", "2025-12-31") not in kinds


def test_ganzhou_art_28_one_training_per_term_is_due_at_the_planned_end_of_the_posting(world):
    cadre = place(world.team_a)
    Membership.objects.filter(cadre=cadre).update(planned_end=date(2026, 6, 30))
    found = _findings(world, date(2026, 7, 2), kind="training", cadre=cadre.id)
    assert [(i["due"], i["overdue"], i["severity"], i["rule_ref"]) for i in found] == [
        ("2026-06-30", True, "soft", "ganzhou art.28")]
    _record("training", cadre=cadre, day=date(2025, 9, 1), by=f.UserFactory())
    assert _findings(world, date(2026, 7, 2), kind="training", cadre=cadre.id) == []


def test_xinfeng_sec_4_team_half_year_report_and_yearly_training_come_from_its_rows(db):
    xf = build_world("xinfeng")
    cadre = place(xf.team_a)
    found = _findings(xf, date(2026, 1, 2))
    refs = {(i["kind"], i["rule_ref"]) for i in found if i["cadre"] == cadre.id or i["team"] == xf.team_a.id}
    assert ("half_year_report", "xinfeng sec.四") in refs and ("training", "xinfeng sec.四") in refs
    assert not any(i["kind"] == "group_study" for i in found)  # xinfeng's text sets no group study


def test_ganzhou_art_17_phone_leave_without_its_written_form_is_an_overdue_duty(api, world, alice):
    from leave.tests.helpers import START, submit

    cadre = place(world.team_a, user=f.UserFactory(jurisdiction=world.jurisdiction))
    body = submit(api, cadre.user, cadre, 2, channel="sms").json()  # alice, township A, approves up to 3 days
    due = date.fromisoformat(body["written_followup_due"])
    found = _findings(world, due + timedelta(days=1), kind="written_followup")
    assert [(i["cadre"], i["due"], i["overdue"], i["rule_ref"]) for i in found] == [
        (cadre.id, due.isoformat(), True, "ganzhou art.17")]
    assert START  # the leave starts in a week (须提前请假)


# ---- reminders -------------------------------------------------------------------------------------------

def test_the_daily_digest_reaches_the_team_leader_and_the_cadre_once_a_day_and_nobody_else(
        world, mailoutbox, django_capture_on_commit_callbacks, bob):
    leader = place(world.team_a, role=Membership.Role.LEADER,
                   user=f.UserFactory(jurisdiction=world.jurisdiction, email="leader@example.cn"))
    member = place(world.team_a, user=f.UserFactory(jurisdiction=world.jurisdiction, email="member@example.cn"))
    other_team = f.TeamFactory(jurisdiction=world.jurisdiction, host_unit=world.village_b)
    stranger = place(other_team, user=f.UserFactory(jurisdiction=world.jurisdiction, email="x@example.cn"))
    MonitoredHousehold.objects.create(jurisdiction=world.jurisdiction, cadre=member, name="李四",
                                      paired_on=date(2025, 12, 1), created_by=member.user)
    on = date(2026, 7, 1)
    with django_capture_on_commit_callbacks(execute=True):
        sent = duties_services.duty_digests_send(jurisdiction=world.jurisdiction, on=on)
    assert sent == 3  # leader, member, stranger (its own duties only)
    mine = Notification.objects.filter(user=member.user)
    assert mine.count() == 1 and "已逾期" in mine.get().message
    member_mail = [m for m in mailoutbox if m.to == ["member@example.cn"]]
    assert len(member_mail) == 1 and "走访结对户" in member_mail[0].body and "李四" in member_mail[0].body
    assert "ganzhou art.11" in member_mail[0].body
    assert "李四" not in next(m.body for m in mailoutbox if m.to == ["x@example.cn"])  # not the stranger's
    leader_mail = next(m for m in mailoutbox if m.to == ["leader@example.cn"])
    assert "县级队长会议" in leader_mail.body  # ganzhou art.14, a team duty: its leader is reminded
    assert not Notification.objects.filter(user=bob).exists()
    assert Notification.objects.filter(user=leader.user).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = duties_services.duty_digests_send(jurisdiction=world.jurisdiction, on=on)
    assert again == 0 and Notification.objects.filter(user=member.user).count() == 1 and len(mailoutbox) == 3
    assert stranger


def test_the_beat_schedule_runs_the_digest_task_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["duty-digests"]
    assert entry["task"] == "attendance.tasks.send_duty_digests"
    from attendance.tasks import send_duty_digests

    assert send_duty_digests.name == "attendance.tasks.send_duty_digests"


# ---- API: duty-records/ and reports/overdue/ -----------------------------------------------------------

def test_a_cadre_records_its_teams_group_study_and_gets_the_rule_ref_back(api, world):
    cadre = place(world.team_a, user=f.UserFactory(jurisdiction=world.jurisdiction))
    qj_like = api(cadre.user).post("/api/v1/duty-records/", {"kind": "training", "cadre": cadre.id,
                                                            "date": "2026-03-02", "note": "县级轮训"}, format="json")
    assert qj_like.status_code == 201, qj_like.json()
    assert qj_like.json()["rule_ref"] == "ganzhou art.28" and qj_like.json()["cadre"] == cadre.id
    listed = api(cadre.user).get("/api/v1/duty-records/").json()
    assert [r["id"] for r in listed["results"]] == [qj_like.json()["id"]]


def test_group_study_for_a_team_in_qujiang_cites_art_15(api, qj):
    cadre = place(qj.team_a, user=f.UserFactory(jurisdiction=qj.jurisdiction))
    r = api(cadre.user).post("/api/v1/duty-records/", {"kind": "group_study", "team": qj.team_a.id,
                                                      "date": "2026-03-02"}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["rule_ref"] == "qujiang art.15" and r.json()["team"] == qj.team_a.id


def test_recording_for_a_team_or_cadre_outside_scope_is_404_and_a_personal_duty_for_a_team_is_400(api, world, bob):
    cadre = place(world.team_a, user=f.UserFactory(jurisdiction=world.jurisdiction))
    other = place(world.team_a)
    assert api(bob).post("/api/v1/duty-records/", {"kind": "group_study", "team": world.team_a.id,
                                                   "date": "2026-03-02"}, format="json").status_code == 404
    assert api(cadre.user).post("/api/v1/duty-records/", {"kind": "physical_exam", "cadre": other.id,
                                                          "date": "2026-03-02"}, format="json").status_code == 404
    r = api(cadre.user).post("/api/v1/duty-records/", {"kind": "physical_exam", "team": world.team_a.id,
                                                       "date": "2026-03-02"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "personal_duty"
    assert not DutyRecord.objects.exists()


def test_a_dispatch_unit_may_not_record_a_team_duty_it_can_see_403(api, world):
    unit_user = f.user_with_role(Role.DISPATCH_UNIT, dispatch_unit=world.dispatch_unit)
    place(world.team_a, dispatch_unit=world.dispatch_unit)
    r = api(unit_user).post("/api/v1/duty-records/", {"kind": "group_study", "team": world.team_a.id,
                                                      "date": "2026-03-02"}, format="json")
    assert r.status_code == 403


def test_a_record_dated_before_the_regulation_is_refused_no_policy(api, world, writer):
    cadre = place(world.team_a)
    r = api(writer).post("/api/v1/duty-records/", {"kind": "physical_exam", "cadre": cadre.id,
                                                   "date": "2020-03-02"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "no_policy"


def _pdf():
    return SimpleUploadedFile("report.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")


def test_a_report_upload_is_checked_by_content_not_by_its_name(api, world, writer):
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    r = api(writer).post("/api/v1/duty-records/", {"kind": "half_year_report", "team": world.team_a.id,
                                                   "date": "2026-06-28", "file": fake}, format="multipart")
    assert r.status_code == 400 and r.json()["code"] == "bad_file"
    ok = api(writer).post("/api/v1/duty-records/", {"kind": "half_year_report", "team": world.team_a.id,
                                                    "date": "2026-06-28", "file": _pdf()}, format="multipart")
    assert ok.status_code == 201, ok.json()
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, "PNG")
    photo = SimpleUploadedFile("scan.jpg", buf.getvalue(), content_type="image/jpeg")
    assert api(writer).post("/api/v1/duty-records/", {"kind": "half_year_report", "team": world.team_a.id,
                                                      "date": "2026-06-28", "file": photo},
                            format="multipart").status_code == 201


def test_an_upload_over_ten_megabytes_is_refused(world):
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(Exception) as e:
        duties_services.check_upload(big)
    assert getattr(e.value, "code", "") == "file_too_large"


def test_reports_overdue_lists_what_the_caller_reaches_with_its_article(api, world, alice, bob, charlie,
                                                                       django_assert_num_queries):
    place(world.team_a)
    url = f"/api/v1/reports/overdue/?jurisdiction={world.jurisdiction.code}&on=2026-07-02"
    body = api(alice).get(url).json()
    assert body and all(set(i) >= {"kind", "cadre", "team", "due", "rule_ref"} for i in body)
    assert all(i["due"] < "2026-07-02" for i in body)
    assert ("county_meeting", world.team_a.id, "2026-06-30", "ganzhou art.14") in {
        (i["kind"], i["team"], i["due"], i["rule_ref"]) for i in body}
    assert api(bob).get(url).json() == []  # township B sees none of township A's duties
    assert api(charlie).get(url).status_code == 404
    client = api(alice)
    client.get(url)  # the user's scope is cached on the (forced) user after the first request
    for _ in range(3):
        place(world.team_a)  # more cadres, same number of queries
    # jurisdiction (in scope), policy, teams, memberships (+cadres), households, duty records, leave follow-ups,
    # cadres in scope, teams in scope (ganzhou keeps no diary schedule: no diary query)
    with django_assert_num_queries(9):
        client.get(url)


def test_a_cadre_sees_only_its_own_due_duties_on_duties_mine(api, world):
    cadre = place(world.team_a, user=f.UserFactory(jurisdiction=world.jurisdiction))
    place(world.team_a)
    body = api(cadre.user).get("/api/v1/duties/mine/?on=2026-07-02").json()
    assert body and all(i["cadre"] == cadre.id for i in body)


# ---- pages ----------------------------------------------------------------------------------------------

def test_the_township_home_shows_its_overdue_list_and_the_cadre_its_own(client, world, alice):
    place(world.team_a)
    client.force_login(alice)
    html = client.get("/duties/overdue/").content.decode()
    assert "逾期履职事项" in html and "县级队长会议" in html
    cadre = place(world.team_a, user=f.UserFactory(jurisdiction=world.jurisdiction))
    client.force_login(cadre.user)
    page = client.get("/duties/")
    assert page.status_code == 200 and "记录已完成事项" in page.content.decode()
    assert "履职事项" in client.get("/").content.decode()


def test_the_cadre_page_records_a_household_and_its_visit(client, world):
    cadre = place(world.team_a, user=f.UserFactory(jurisdiction=world.jurisdiction))
    client.force_login(cadre.user)
    today = timezone.localdate().isoformat()
    client.post("/duties/", {"action": "household", "name": "王五", "paired_on": today})
    hh = MonitoredHousehold.objects.get(cadre=cadre)
    client.post("/duties/", {"action": "record", "kind": "household_visit", "date": today, "household": hh.id,
                             "note": "了解务工情况"})
    visit = DutyRecord.objects.get(kind="household_visit")
    assert (visit.cadre_id, visit.household_id, visit.rule_ref) == (cadre.id, hh.id, "ganzhou art.11")
    assert "已结对 1 户，应结对 2 户" in client.get("/duties/").content.decode()  # ganzhou art.11


def test_the_demo_records_duties_once_and_leaves_one_team_short_of_its_group_studies(db):
    """load_demo_duties: qujiang art.15's two studies a month; the first team keeps one, so it is overdue."""
    from django.core.management import call_command

    qj = build_world("qujiang")
    place(qj.team_a)
    f.UserFactory(is_superuser=True, username="root_demo")
    call_command("load_demo_duties", verbosity=0)
    n = DutyRecord.objects.count()
    call_command("load_demo_duties", verbosity=0)
    assert DutyRecord.objects.count() == n and DutyRecord.objects.filter(kind="group_study").count() == 1
    today = timezone.localdate()
    short = _findings(qj, today, kind="group_study", team=qj.team_a.id)
    assert any(i["overdue"] and i["done"] == 1 and i["rule_ref"] == "qujiang art.15" for i in short)


def test_fengdu_art_8_the_board_shows_the_cadres_photo_and_pledges_and_ganzhou_has_no_such_form(client, other_world,
                                                                                              world):
    from PIL import Image

    fd = other_world
    cadre = place(fd.team_a, user=f.UserFactory(jurisdiction=fd.jurisdiction), village=fd.village_a, name="周驻村")
    client.force_login(cadre.user)
    page = client.get("/duties/").content.decode()
    assert "去向牌公示" in page and "第8条" in page
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "JPEG")
    r = client.post("/duties/", {"action": "board", "pledges": "每月走访全村脱贫户",
                                 "photo": SimpleUploadedFile("me.jpg", buf.getvalue(), content_type="image/jpeg")})
    assert r.status_code == 302
    board = client.get(board_url(fd.village_a)).content.decode()
    assert "承诺：每月走访全村脱贫户" in board and "周驻村照片" in board
    gz = place(world.team_a, user=f.UserFactory(jurisdiction=world.jurisdiction))
    client.force_login(gz.user)
    assert "去向牌公示" not in client.get("/duties/").content.decode()
    with pytest.raises(Exception) as e:
        duties_services.board_profile_set(actor=gz.user, pledges="x")
    assert getattr(e.value, "code", "") == "not_on_board"


def test_a_board_photo_that_is_a_pdf_is_refused(other_world):
    cadre = place(other_world.team_a, user=f.UserFactory(jurisdiction=other_world.jurisdiction))
    with pytest.raises(Exception) as e:
        duties_services.board_profile_set(actor=cadre.user, pledges="", photo=_pdf())
    assert getattr(e.value, "code", "") == "bad_photo"


def test_ganzhou_art_25_a_cadre_who_changed_teams_mid_year_still_owes_the_yearly_exam_once(world):
    first = place(world.team_a, until=date(2025, 6, 30))
    second = f.TeamFactory(jurisdiction=world.jurisdiction, host_unit=world.village_b)
    f.MembershipFactory(team=second, cadre=first, role=Membership.Role.MEMBER, start_date=date(2025, 7, 1))
    found = [i for i in _findings(world, date(2026, 1, 3), kind="physical_exam", cadre=first.id)
             if i["period_start"] == "2025-01-01"]
    assert [(i["due"], i["team"], i["rule_ref"]) for i in found] == [("2025-12-31", second.id, "ganzhou art.25")]


def test_the_daily_task_sends_across_jurisdictions_and_a_second_run_the_same_day_sends_nothing(world, other_world):
    from attendance.tasks import send_duty_digests

    place(world.team_a, user=f.UserFactory(jurisdiction=world.jurisdiction))
    place(other_world.team_a, user=f.UserFactory(jurisdiction=other_world.jurisdiction))
    first = send_duty_digests()
    assert first >= 2 and send_duty_digests() == 0
    assert Notification.objects.filter(message__startswith="履职提醒").count() == first


def test_duty_records_are_listed_only_within_scope(api, world, alice, bob, writer):
    cadre = place(world.team_a)
    api(writer).post("/api/v1/duty-records/", {"kind": "physical_exam", "cadre": cadre.id, "date": "2026-03-02"},
                     format="json")
    api(writer).post("/api/v1/duty-records/", {"kind": "group_study", "team": world.team_a.id, "date": "2026-03-02"},
                     format="json")
    assert api(alice).get("/api/v1/duty-records/").json()["count"] == 2
    assert api(bob).get("/api/v1/duty-records/").json()["count"] == 0


def test_a_report_file_is_downloaded_through_a_scoped_link_not_from_media(api, client, world, writer, bob, settings):
    r = api(writer).post("/api/v1/duty-records/", {"kind": "half_year_report", "team": world.team_a.id,
                                                   "date": "2026-06-28", "file": _pdf()}, format="multipart")
    link = r.json()["file"]
    assert link.startswith("/duties/records/") and "/media/" not in link
    record = DutyRecord.objects.get()
    assert not record.file.path.startswith(str(settings.MEDIA_ROOT))  # nginx publishes MEDIA_ROOT at /media/
    client.force_login(writer)
    got = client.get(link)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF-")
    client.force_login(bob)  # township B: not his team
    assert client.get(link).status_code == 404

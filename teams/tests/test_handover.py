"""Leaving the post at the end of the term only after what `term.leave_post_after` requires (POLICY.md §3):
曲江 art.19/26 "完成期满考核和工作交接后方可撤回"; 赣州 art.18 "到期轮换，压茬交接"; elsewhere no such row.
The handover record (工作交接): service, API (`POST memberships/{id}/handover/`) and the team page form."""

from datetime import date

import pytest

from assessment.models import Assessment, AssessmentPeriod, Grade, Kind
from conftest import build_world
from jurisdictions.errors import InvalidInput, RuleViolation, StateConflict
from jurisdictions.models import AuditEvent, Role
from teams import services
from teams.models import Handover, Membership
from tests import factories as f

END = "/api/v1/memberships/{}/end/"
HANDOVER = "/api/v1/memberships/{}/handover/"


@pytest.fixture
def qujiang(db):
    return build_world("qujiang")


def _end(api, user, m, kind="term_end", ground=None, end_date="2026-10-01"):
    ground = ground or {"term_end": "任期届满，经考核并完成交接", "rotation": "任期届满轮换"}[kind]
    return api(user).post(END.format(m.id), {"end_date": end_date, "kind": kind, "ground": ground}, format="json")


def _handover(api, user, m, **over):
    body = {"date": "2026-09-20", "items": "工作台账、档案资料、在办事项清单"} | over
    return api(user).post(HANDOVER.format(m.id), body, format="json")


def _graded_term_end(m, *, membership="same", status=Assessment.Status.GRADED, kind=Kind.TERM_END):
    """A term-end assessment of the member's cadre, graded (set up directly: grading has its own tests)."""
    j = m.team.jurisdiction
    period = AssessmentPeriod.objects.create(
        jurisdiction=j, kind=kind, year=2026, half=1 if kind == Kind.SEMI_ANNUAL else None,
        start=date(2026, 1, 1), end=date(2026, 12, 31), rule_ref=f"{j.code} art.26",
        created_by=f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=j))
    return Assessment.objects.create(
        period=period, jurisdiction=j, cadre=m.cadre, membership=m if membership == "same" else membership,
        township=m.team.township, rule_ref=f"{j.code} art.26", status=status,
        grade=Grade.COMPETENT if status == Assessment.Status.GRADED else "")


def _ended(m) -> bool:
    m.refresh_from_db()
    return m.end_date is not None


# ---- 曲江: term-end assessment and handover (art.19, art.26) ---------------------------------------------------

def test_a_qujiang_member_leaves_at_term_end_only_after_the_term_end_assessment_and_the_handover_qujiang_art_26(
        api, qujiang, admin_of):
    admin = admin_of(qujiang)
    m = f.MembershipFactory(team=qujiang.team_a)
    _graded_term_end(m)
    assert _handover(api, admin, m).status_code == 201
    r = _end(api, admin, m)
    assert r.status_code == 200, r.json()
    assert r.json()["end_kind"] == "term_end" and _ended(m)


def test_a_qujiang_member_without_the_term_end_assessment_may_not_leave_at_term_end_qujiang_art_26(
        api, qujiang, admin_of):
    admin = admin_of(qujiang)
    m = f.MembershipFactory(team=qujiang.team_a)
    assert _handover(api, admin, m).status_code == 201
    r = _end(api, admin, m)
    body = r.json()
    assert (r.status_code, body["code"], body["rule_ref"], body["overridable"]) == (
        400, "leave_post_requirements", "qujiang art.26", False)
    assert body["errors"]["missing"] == ["term_end_assessment"]
    assert "期满考核" in body["detail"] and "尚未完成：期满考核。" in body["detail"]
    assert not _ended(m)


def test_a_qujiang_member_without_the_handover_may_not_leave_at_term_end_qujiang_art_26(api, qujiang, admin_of):
    admin = admin_of(qujiang)
    m = f.MembershipFactory(team=qujiang.team_a)
    _graded_term_end(m)
    r = _end(api, admin, m)
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "leave_post_requirements",
                                                                       "qujiang art.26")
    assert r.json()["errors"]["missing"] == ["handover"] and "工作交接" in r.json()["detail"]
    assert not _ended(m)


def test_a_qujiang_member_with_neither_is_told_both_are_missing_and_rotation_is_held_to_the_same_qujiang_art_19(
        api, qujiang, admin_of):
    m = f.MembershipFactory(team=qujiang.team_a)
    r = _end(api, admin_of(qujiang), m, kind="rotation")
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "leave_post_requirements",
                                                                       "qujiang art.26")
    assert r.json()["errors"]["missing"] == ["term_end_assessment", "handover"]
    assert "尚未完成：期满考核、工作交接" in r.json()["detail"]


def test_only_a_graded_term_end_assessment_of_this_membership_or_of_none_counts_qujiang_art_26(qujiang):
    admin = f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=qujiang.jurisdiction)
    m = f.MembershipFactory(team=qujiang.team_a)
    services.handover_record(actor=admin, membership=m, successor=None, day=date(2026, 9, 1), items="台账")

    def end():
        return services.membership_end(actor=admin, membership=m, end_date=date(2026, 10, 1), kind="term_end",
                                       ground="任期届满，经考核并完成交接")

    pending = _graded_term_end(m, status=Assessment.Status.PENDING)
    with pytest.raises(RuleViolation):
        end()
    pending.delete()
    pending.period.delete()
    annual = _graded_term_end(m, kind=Kind.ANNUAL)
    with pytest.raises(RuleViolation):
        end()
    annual.delete()
    annual.period.delete()
    earlier = Membership.objects.create(team=f.TeamFactory(jurisdiction=qujiang.jurisdiction,
                                                           host_unit=qujiang.village_b),
                                        cadre=m.cadre, role="member", start_date=date(2022, 1, 1),
                                        end_date=date(2024, 12, 31), end_kind="term_end")
    other = _graded_term_end(m, membership=earlier)
    with pytest.raises(RuleViolation):
        end()
    other.membership = None
    other.save(update_fields=["membership"])
    assert end().end_date == date(2026, 10, 1)


def test_a_mid_term_way_out_is_not_held_to_the_leave_post_row_it_goes_through_a_personnel_case_qujiang_art_19(
        api, qujiang, admin_of):
    m = f.MembershipFactory(team=qujiang.team_a)
    r = _end(api, admin_of(qujiang), m, kind="adjustment", ground="身体原因")
    assert (r.status_code, r.json()["code"]) == (400, "case_required")


# ---- 赣州: the handover only (art.18 压茬交接) ---------------------------------------------------------------------

def test_a_ganzhou_member_rotates_out_after_the_handover_alone_without_a_term_end_assessment_ganzhou_art_18(
        api, world, admin_user):
    m = f.MembershipFactory(team=world.team_a)
    successor = f.MembershipFactory(team=world.team_a, start_date=date(2026, 9, 1)).cadre
    r = _end(api, admin_user, m, kind="rotation")
    assert (r.status_code, r.json()["code"], r.json()["rule_ref"]) == (400, "leave_post_requirements",
                                                                       "ganzhou art.18")
    assert r.json()["errors"]["missing"] == ["handover"]
    r = _handover(api, admin_user, m, successor=successor.id)
    assert r.status_code == 201, r.json()
    assert (r.json()["successor"], r.json()["successor_name"], r.json()["jurisdiction"]) == (
        successor.id, successor.name, "ganzhou")
    r = _end(api, admin_user, m, kind="rotation")
    assert r.status_code == 200, r.json()


# ---- 临汾 (and the others without the row): unaffected -----------------------------------------------------------

@pytest.mark.parametrize("code", ["linfen", "xinfeng", "fengdu"])
def test_a_member_leaves_at_term_end_with_neither_where_the_regulation_names_no_such_condition_linfen_art_9(
        api, db, admin_of, code):
    w = build_world(code)
    m = f.MembershipFactory(team=w.team_a)
    r = _end(api, admin_of(w), m)
    assert r.status_code == 200, r.json()
    assert r.json()["end_kind"] == "term_end"
    assert _ended(m) and not Handover.objects.filter(membership=m).exists()


# ---- the handover record ----------------------------------------------------------------------------------------

def test_a_handover_is_recorded_once_with_its_audit_row_and_a_second_is_a_409_ganzhou_art_18(api, world, admin_user):
    m = f.MembershipFactory(team=world.team_a)
    r = _handover(api, admin_user, m)
    assert r.status_code == 201, r.json()
    assert (r.json()["membership"], r.json()["cadre"], r.json()["successor"], r.json()["items"]) == (
        m.id, m.cadre_id, None, "工作台账、档案资料、在办事项清单")
    h = Handover.objects.get(membership=m)
    assert (h.jurisdiction_id, h.recorded_by_id, h.date) == (world.jurisdiction.id, admin_user.id, date(2026, 9, 20))
    assert AuditEvent.objects.filter(action="membership.handover", object_id=h.pk,
                                     jurisdiction=world.jurisdiction).count() == 1
    r = _handover(api, admin_user, m, date="2026-09-21")
    assert (r.status_code, r.json()["code"]) == (409, "handover_exists")
    assert Handover.objects.filter(membership=m).count() == 1


def test_a_successor_from_another_jurisdiction_is_a_400_ganzhou_art_18(api, world, other_world, admin_user):
    m = f.MembershipFactory(team=world.team_a)
    stranger = f.MembershipFactory(team=other_world.team_a).cadre
    # the caller does not see the stranger: the field refuses it
    r = _handover(api, admin_user, m, successor=stranger.id)
    assert r.status_code == 400 and r.json()["errors"]["successor"]
    # a superuser sees everyone: the service refuses it
    root = f.UserFactory(username="root", is_superuser=True)
    r = _handover(api, root, m, successor=stranger.id)
    assert (r.status_code, r.json()["code"]) == (400, "invalid_successor")
    assert r.json()["errors"]["successor"] == ["接手人员须为本辖区的干部。"]
    assert not Handover.objects.filter(membership=m).exists()


def test_the_leaving_cadre_cannot_hand_over_to_themselves_nor_before_arriving(world, admin_user):
    m = f.MembershipFactory(team=world.team_a)
    with pytest.raises(InvalidInput) as e:
        services.handover_record(actor=admin_user, membership=m, successor=m.cadre, day=date(2026, 9, 1), items="台账")
    assert e.value.code == "invalid_successor" and "successor" in e.value.errors
    with pytest.raises(InvalidInput) as e:
        services.handover_record(actor=admin_user, membership=m, successor=None, day=date(2024, 12, 31),
                                 items="台账")
    assert e.value.code == "invalid_date" and e.value.errors["date"] == ["交接日期不能早于到岗日期。"]
    assert not Handover.objects.exists()


def test_a_handover_is_recorded_once_done_not_ahead_of_time(world, admin_user):
    from datetime import timedelta

    from django.utils import timezone

    m = f.MembershipFactory(team=world.team_a)
    with pytest.raises(InvalidInput) as e:
        services.handover_record(actor=admin_user, membership=m, successor=None,
                                 day=timezone.localdate() + timedelta(days=1), items="台账")
    assert e.value.code == "invalid_date" and "date" in e.value.errors
    assert not Handover.objects.exists()


def test_a_handover_dated_after_the_departure_does_not_count_ganzhou_art_18(api, world, admin_user):
    """压茬交接: hand over, then leave; a departure dated before the handover is refused."""
    m = f.MembershipFactory(team=world.team_a)
    assert _handover(api, admin_user, m, date="2026-09-20").status_code == 201
    r = _end(api, admin_user, m, kind="rotation", end_date="2026-09-01")
    assert (r.status_code, r.json()["code"], r.json()["errors"]["missing"]) == (400, "leave_post_requirements",
                                                                                ["handover"])
    assert _end(api, admin_user, m, kind="rotation", end_date="2026-09-20").status_code == 200


def test_an_ended_membership_takes_no_handover(world, admin_user):
    m = f.MembershipFactory(team=world.team_a, end_date=date(2026, 3, 1), end_kind="recall")
    with pytest.raises(StateConflict):
        services.handover_record(actor=admin_user, membership=m, successor=None, day=date(2026, 2, 1), items="台账")


def test_an_outsider_or_a_neighbour_gets_a_404_and_an_insider_without_a_managers_role_a_403(
        api, world, admin_user, alice, bob, charlie):
    m = f.MembershipFactory(team=world.team_a)
    assert _handover(api, charlie, m).status_code == 404
    assert _handover(api, bob, m).status_code == 404
    assert _handover(api, alice, m).status_code == 403  # the township secretary sees the team, does not manage it
    assert _handover(api, None, m).status_code in (401, 403)
    assert not Handover.objects.filter(membership=m).exists()


# ---- the team page ----------------------------------------------------------------------------------------------

def test_the_team_page_records_a_handover_to_a_current_member_and_shows_it_on_the_members_line_ganzhou_art_18(
        client, world, admin_user):
    m = f.MembershipFactory(team=world.team_a, cadre__name="周建国")
    successor = f.MembershipFactory(team=world.team_a, cadre__name="吴新来", start_date=date(2026, 9, 1)).cadre
    client.force_login(admin_user)
    page = client.get(f"/teams/{world.team_a.id}/").content.decode()
    assert "记录工作交接" in page and f'action="/memberships/{m.id}/handover/"' in page
    r = client.post(f"/memberships/{m.id}/handover/", {"date": "2026-09-20", "successor": successor.id,
                                                       "items": "村级台账12册、在办事项3件"})
    assert r.status_code == 302
    h = Handover.objects.get(membership=m)
    assert (h.successor_id, h.items) == (successor.id, "村级台账12册、在办事项3件")
    page = client.get(f"/teams/{world.team_a.id}/").content.decode()
    assert "已交接" in page and "交给吴新来" in page and "村级台账12册" in page
    assert f'action="/memberships/{m.id}/handover/"' not in page


def test_the_team_page_form_keeps_the_input_when_the_items_are_missing_or_the_successor_is_not_on_the_team(
        client, world, admin_user):
    m = f.MembershipFactory(team=world.team_a)
    elsewhere = f.MembershipFactory(team=f.TeamFactory(jurisdiction=world.jurisdiction,
                                                       host_unit=world.village_b)).cadre
    client.force_login(admin_user)
    r = client.post(f"/memberships/{m.id}/handover/", {"date": "2026-09-20", "items": ""})
    assert r.status_code == 200 and "请填写交接内容" in r.content.decode()
    r = client.post(f"/memberships/{m.id}/handover/", {"date": "2026-09-20", "successor": elsewhere.id,
                                                       "items": "档案资料"})
    html = r.content.decode()
    assert r.status_code == 200 and "接手人员须为本工作队的在岗队员" in html and "档案资料</textarea>" in html
    r = client.post(f"/memberships/{m.id}/handover/", {"date": "2024-12-01", "items": "档案资料"})
    assert r.status_code == 200 and "交接日期不能早于到岗日期" in r.content.decode()
    assert not Handover.objects.exists()


def test_ending_on_the_team_page_before_the_handover_shows_the_refusal_with_the_article_ganzhou_art_18(
        client, world, admin_user):
    m = f.MembershipFactory(team=world.team_a)
    client.force_login(admin_user)
    r = client.post(f"/memberships/{m.id}/end/", {"kind": "rotation", "ground": "分批轮换", "end_date": "2026-10-01"})
    html = r.content.decode()
    assert r.status_code == 200 and "尚未完成：工作交接" in html
    assert not _ended(m)


def test_the_team_page_with_a_handover_form_per_member_takes_the_same_queries_for_2_or_6_members(
        client, world, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_user)
    url = f"/teams/{world.team_a.id}/"
    counts = []
    for n in (2, 6):
        while Membership.objects.filter(team=world.team_a, end_date__isnull=True).count() < n:
            f.MembershipFactory(team=world.team_a)
        client.get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url).content.decode()
        assert page.count("记录工作交接") == n and page.count("<option") >= n * (n - 1)  # each lists the others
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_the_teams_members_carry_their_handover_in_the_api_ganzhou_art_18(api, world, admin_user):
    m = f.MembershipFactory(team=world.team_a)
    other = f.MembershipFactory(team=world.team_a)
    assert _handover(api, admin_user, m, successor=other.cadre_id).status_code == 201
    members = api(admin_user).get(f"/api/v1/teams/{world.team_a.id}/members/").json()
    members = members["results"] if isinstance(members, dict) else members
    by_id = {row["id"]: row for row in members}
    assert by_id[m.id]["handover"]["successor"] == other.cadre_id
    assert by_id[m.id]["handover"]["date"] == "2026-09-20"
    assert by_id[other.id]["handover"] is None

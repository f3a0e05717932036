"""Assessment (issue 10): periods, eligibility, evidence, workflow, quotas, polls, publish, isolation."""

from datetime import date

from conftest import build_world
from jurisdictions.models import Role
from tests import factories as f

from .helpers import assessments, cadre_login, grade, open_period, posted, setup

# ---- periods and eligibility --------------------------------------------------------------------

def test_opening_a_qujiang_annual_period_creates_one_assessment_per_posted_cadre_under_the_art_25_quota(db, api):
    """qujiang art.25: 优秀比例最高不超过35%; the base is the period's eligible cadres (3 → at most 1)."""
    s = setup("qujiang", n=3)
    period = open_period(api, s)
    assert period["status"] == "open" and period["rule_ref"] == "qujiang art.25"
    assert period["quota"]["excellent_max_share"] == "0.35"
    assert period["quota"]["excellent_max"] == 1 and period["quota"]["rule_ref"] == "qujiang art.25"
    assert period["counts"] == {"eligible": 3, "ineligible": 0, "graded": 0, "by_grade": {}}
    assert set(assessments(api, s.org, period["id"])) == {c.pk for c in s.cadres}


def test_a_kind_the_regulation_does_not_have_is_refused_qujiang_has_no_semi_annual_assessment(db, api):
    s = setup("qujiang", n=1)
    r = api(s.org).post("/api/v1/assessment-periods/", {"jurisdiction": "qujiang", "kind": "semi_annual",
                                                        "year": 2025, "half": 1}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "kind_not_in_policy"
    assert r.json()["rule_ref"] == "qujiang default"


def test_qujiang_art_25_a_requested_excellent_share_above_35_percent_is_refused(db, api):
    s = setup("qujiang", n=1)
    r = api(s.org).post("/api/v1/assessment-periods/", {"jurisdiction": "qujiang", "kind": "annual", "year": 2025,
                                                        "excellent_max_share": "0.50"}, format="json")
    assert r.status_code == 400 and r.json()["rule_ref"] == "qujiang art.25"


def test_opening_the_same_period_twice_is_a_conflict(db, api):
    s = setup("qujiang", n=1)
    open_period(api, s)
    r = api(s.org).post("/api/v1/assessment-periods/", {"jurisdiction": "qujiang", "kind": "annual", "year": 2025},
                        format="json")
    assert r.status_code == 409


def test_a_township_secretary_cannot_open_a_period_and_an_outsider_gets_404(db, api, world, alice, charlie):
    r = api(alice).post("/api/v1/assessment-periods/", {"jurisdiction": "ganzhou", "kind": "annual", "year": 2025},
                        format="json")
    assert r.status_code == 403
    r = api(charlie).post("/api/v1/assessment-periods/", {"jurisdiction": "ganzhou", "kind": "annual", "year": 2025},
                          format="json")
    assert r.status_code == 404


def test_fengdu_art_15_cadres_stationed_under_6_months_are_listed_ineligible_with_the_article(db, api):
    """fengdu art.15: “驻村工作6个月以上的” are assessed by the county; a cadre posted in September is not."""
    s = setup("fengdu", n=1)
    late = posted(s.world, 1, start=date(2025, 9, 1))[0]
    period = open_period(api, s)
    rows = assessments(api, s.org, period["id"])
    assert rows[s.cadres[0].pk]["eligible"] is True
    assert rows[late.pk]["eligible"] is False and rows[late.pk]["rule_ref"] == "fengdu art.15"
    assert "不满6个月" in rows[late.pk]["ineligible_reason"]
    assert period["counts"]["ineligible"] == 1
    r = grade(api, s.org, rows[late.pk]["id"], "competent")
    assert r.status_code == 400 and r.json()["code"] == "ineligible" and r.json()["rule_ref"] == "fengdu art.15"


def test_qujiang_art_26_a_term_end_period_assesses_only_the_cadres_whose_term_ends_in_it(db, api):
    s = setup("qujiang", n=0)
    ending = posted(s.world, 1, start=date(2023, 1, 1), planned_end=date(2025, 12, 31))[0]
    staying = posted(s.world, 1, start=date(2024, 1, 1), planned_end=date(2026, 12, 31))[0]
    f.grant(s.org, Role.DISPATCH_UNIT, dispatch_unit=s.world.dispatch_unit)
    period = open_period(api, s, kind="term_end")
    assert period["rule_ref"] == "qujiang art.26" and period["quota"] is None
    rows = assessments(api, s.org, period["id"])
    assert rows[ending.pk]["eligible"] is True
    assert rows[staying.pk]["eligible"] is False and rows[staying.pk]["ineligible_reason"] == "任期不在本期届满"


# ---- grades and quotas --------------------------------------------------------------------------

def test_qujiang_art_25_an_excellent_grade_past_35_percent_is_refused_and_nothing_is_saved(db, api):
    s = setup("qujiang", n=3)
    period = open_period(api, s)
    rows = list(assessments(api, s.org, period["id"]).values())
    assert grade(api, s.org, rows[0]["id"], "excellent").status_code == 200
    r = grade(api, s.org, rows[1]["id"], "excellent")
    assert r.status_code == 400
    assert r.json()["code"] == "quota_exceeded" and r.json()["rule_ref"] == "qujiang art.25"
    assert r.json()["overridable"] is False
    r = grade(api, s.org, rows[1]["id"], "excellent", override_reason="实绩突出")
    assert r.status_code == 400  # a hard rule: no reason passes it
    assert api(s.org).get(f"/api/v1/assessments/{rows[1]['id']}/").json()["grade"] is None
    detail = api(s.org).get(f"/api/v1/assessment-periods/{period['id']}/").json()
    assert detail["quota"]["excellent_remaining"] == 0 and detail["counts"]["by_grade"] == {"excellent": 1}


def test_fengdu_art_16_outstanding_cadres_may_exceed_the_quota_with_a_reason_kept_with_person_and_time(db, api):
    """fengdu art.16: “对实绩突出、群众满意的，可不受指标限制” — soft: refused without a reason, accepted with one."""
    s = setup("fengdu", n=2)
    period = open_period(api, s, excellent_max_share="0.50")
    assert period["quota"]["excellent_max"] == 1 and period["quota"]["rule_ref"] == "fengdu art.16"
    rows = list(assessments(api, s.org, period["id"]).values())
    assert grade(api, s.org, rows[0]["id"], "excellent").status_code == 200
    r = grade(api, s.org, rows[1]["id"], "excellent")
    assert r.status_code == 400 and r.json()["overridable"] is True and r.json()["rule_ref"] == "fengdu art.16"
    r = grade(api, s.org, rows[1]["id"], "excellent", override_reason="群众满意度100%，实绩突出")
    assert r.status_code == 200 and r.json()["override_reason"] == "群众满意度100%，实绩突出"
    from assessment.models import Assessment

    a = Assessment.objects.get(pk=rows[1]["id"])
    assert a.override_by == s.org and a.override_at is not None


def test_ganzhou_art_20_without_a_share_set_for_the_year_there_is_no_excellent_cap(db, api):
    """ganzhou art.20: “确定优秀等次比例可适当提高” gives no figure: none is invented."""
    s = setup("ganzhou", n=2)
    period = open_period(api, s)
    assert period["quota"]["excellent_max"] is None and period["quota"]["rule_ref"] == "ganzhou art.20"
    rows = list(assessments(api, s.org, period["id"]).values())
    assert all(grade(api, s.org, r["id"], "excellent").status_code == 200 for r in rows)


def test_a_grade_outside_the_jurisdictions_list_is_a_400_and_nothing_is_saved(db, api):
    s = setup("qujiang", n=1)
    period = open_period(api, s)
    row = list(assessments(api, s.org, period["id"]).values())[0]
    r = grade(api, s.org, row["id"], "outstanding")
    assert r.status_code == 400 and r.json()["code"] == "bad_grade"
    assert api(s.org).get(f"/api/v1/assessments/{row['id']}/").json()["grade"] is None


def test_only_the_grading_role_of_the_policy_may_grade_others_get_403(db, api):
    """qujiang art.25: 区委组织部、乡村振兴部门 grade; the township secretary and the dispatch unit give opinions."""
    s = setup("qujiang", n=1)
    period = open_period(api, s)
    row = list(assessments(api, s.org, period["id"]).values())[0]
    secretary = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=s.world.township_a)
    unit = f.user_with_role(Role.DISPATCH_UNIT, dispatch_unit=s.world.dispatch_unit)
    assert grade(api, secretary, row["id"], "competent").status_code == 403
    assert grade(api, unit, row["id"], "competent").status_code == 403
    assert api(secretary).post(f"/api/v1/assessment-periods/{period['id']}/publish/").status_code == 403


def test_a_grader_who_did_not_see_the_latest_grade_gets_409(db, api):
    s = setup("qujiang", n=1)
    period = open_period(api, s)
    row = list(assessments(api, s.org, period["id"]).values())[0]
    assert grade(api, s.org, row["id"], "competent").status_code == 200
    assert grade(api, s.org, row["id"], "basically_competent").status_code == 409  # saw "" (ungraded)
    r = grade(api, s.org, row["id"], "basically_competent", previous="competent")
    assert r.status_code == 200 and r.json()["grade"] == "basically_competent"


# ---- publish ------------------------------------------------------------------------------------

def test_publish_waits_for_every_eligible_grade_then_the_cadre_sees_it_and_the_dispatch_unit_is_notified(db, api):
    from jurisdictions.models import Notification

    s = setup("qujiang", n=2)
    cadre_user = cadre_login(s.cadres[0])
    unit_user = f.user_with_role(Role.DISPATCH_UNIT, dispatch_unit=s.world.dispatch_unit)
    period = open_period(api, s)
    rows = assessments(api, s.org, period["id"])
    grade(api, s.org, rows[s.cadres[0].pk]["id"], "competent")
    r = api(s.org).post(f"/api/v1/assessment-periods/{period['id']}/publish/")
    assert r.status_code == 409 and r.json()["code"] == "ungraded"
    assert api(cadre_user).get(f"/api/v1/assessments/{rows[s.cadres[0].pk]['id']}/").json()["grade"] is None
    grade(api, s.org, rows[s.cadres[1].pk]["id"], "competent")
    r = api(s.org).post(f"/api/v1/assessment-periods/{period['id']}/publish/")
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert api(cadre_user).get(f"/api/v1/assessments/{rows[s.cadres[0].pk]['id']}/").json()["grade"] == "competent"
    assert Notification.objects.filter(user=cadre_user, message__contains="称职").exists()
    assert Notification.objects.filter(user=unit_user, message__contains="结果已公布").exists()
    assert grade(api, s.org, rows[s.cadres[0].pk]["id"], "excellent", previous="competent").status_code == 409
    assert api(s.org).post(f"/api/v1/assessment-periods/{period['id']}/publish/").status_code == 409


def test_linfen_art_9_an_incompetent_grade_raises_a_recall_candidate_when_published(db, api):
    """linfen art.9(五)3: “年度考核被评为‘不称职’或‘不合格’等次的” → 调整或召回."""
    from attendance.models import Flag

    s = setup("linfen", n=1)
    period = open_period(api, s)
    row = list(assessments(api, s.org, period["id"]).values())[0]
    api(s.org).post(f"/api/v1/assessments/{row['id']}/score/", {"parts": {"total": "55"}}, format="json")
    assert grade(api, s.org, row["id"], "incompetent").status_code == 200
    assert not Flag.objects.filter(cadre=s.cadres[0]).exists()  # not before publishing
    assert api(s.org).post(f"/api/v1/assessment-periods/{period['id']}/publish/").status_code == 200
    flag = Flag.objects.get(cadre=s.cadres[0])
    assert flag.kind == "recall_candidate" and flag.rule_ref == "linfen art.9"


def test_fengdu_art_17_and_ganzhou_art_22_flag_incompetent_qujiang_does_not(db, api):
    from attendance.models import Flag

    refs = {}
    for code in ("fengdu", "ganzhou", "qujiang"):
        s = setup(code, n=1)
        period = open_period(api, s)
        row = list(assessments(api, s.org, period["id"]).values())[0]
        grade(api, s.org, row["id"], "incompetent")
        assert api(s.org).post(f"/api/v1/assessment-periods/{period['id']}/publish/").status_code == 200
        refs[code] = list(Flag.objects.filter(cadre=s.cadres[0]).values_list("rule_ref", flat=True))
    assert refs == {"fengdu": ["fengdu art.17"], "ganzhou": ["ganzhou art.22"], "qujiang": []}


# ---- polls and scores ---------------------------------------------------------------------------

def test_linfen_art_9_a_poll_below_60_percent_raises_a_recall_candidate_and_60_percent_does_not(db, api):
    """linfen art.9(五)6: “群众满意度测评或年度考核测评低于60%的”."""
    from attendance.models import Flag

    s = setup("linfen", n=2)
    period = open_period(api, s)
    rows = assessments(api, s.org, period["id"])
    a, b = rows[s.cadres[0].pk]["id"], rows[s.cadres[1].pk]["id"]
    r = api(s.org).post(f"/api/v1/assessments/{a}/poll/", {"favourable": 59, "total": 100}, format="json")
    assert r.status_code == 200 and r.json()["flag"] == {"kind": "recall_candidate", "rule_ref": "linfen art.9"}
    r = api(s.org).post(f"/api/v1/assessments/{b}/poll/", {"favourable": 60, "total": 100}, format="json")
    assert r.status_code == 200 and r.json()["flag"] is None
    assert list(Flag.objects.filter(cadre__in=s.cadres).values_list("cadre_id", flat=True)) == [s.cadres[0].pk]


def test_a_poll_with_more_favourable_votes_than_voters_is_a_400_and_nothing_is_saved(db, api):
    s = setup("linfen", n=1)
    period = open_period(api, s)
    row = list(assessments(api, s.org, period["id"]).values())[0]
    r = api(s.org).post(f"/api/v1/assessments/{row['id']}/poll/", {"favourable": 11, "total": 10}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "bad_poll"
    assert api(s.org).get(f"/api/v1/assessments/{row['id']}/").json()["poll"] is None


def test_linfen_art_11_semi_annual_composite_asks_for_weights_then_scores_and_ranks_the_county(db, api):
    """linfen art.11: 共性评价 + 个性评价, “按综合评分排出名次，由县市区留存备案”; the weights are not in the text."""
    from jurisdictions.models import PolicyRow

    s = setup("linfen", n=2)
    period = open_period(api, s, kind="semi_annual", half=1)
    rows = assessments(api, s.org, period["id"])
    a, b = rows[s.cadres[0].pk]["id"], rows[s.cadres[1].pk]["id"]
    r = api(s.org).post(f"/api/v1/assessments/{a}/score/", {"parts": {"common": 90, "individual": 80}}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "weight_missing" and r.json()["rule_ref"] == "linfen art.11"
    PolicyRow.objects.create(jurisdiction=s.world.jurisdiction, key="assessment.semi_annual",
                             effective_from=date(2024, 1, 1), rule_ref="linfen art.11",
                             value={"parts": [{"key": "common", "weight": "0.6", "max": 100},
                                              {"key": "individual", "weight": "0.4", "max": 100}],
                                    "ranked": True, "scored": True, "graders": ["county_office"],
                                    "consulted": ["township_secretary", "dispatch_unit"], "grades": [],
                                    "eligibility": "posted"})
    period = open_period(api, s, kind="semi_annual", half=2)
    rows = assessments(api, s.org, period["id"])
    a, b = rows[s.cadres[0].pk]["id"], rows[s.cadres[1].pk]["id"]
    r = api(s.org).post(f"/api/v1/assessments/{a}/score/", {"parts": {"common": 90, "individual": 80}}, format="json")
    assert r.status_code == 200 and r.json()["score"] == "86.00" and r.json()["rank"] == 1
    assert r.json()["parts"]["common"] == {"label": "共性指标", "weight": "0.6", "max": 100, "value": "90.00"}
    r = api(s.org).post(f"/api/v1/assessments/{b}/score/", {"parts": {"common": 95, "individual": 90}}, format="json")
    assert r.json()["score"] == "93.00" and r.json()["rank"] == 1
    assert api(s.org).get(f"/api/v1/assessments/{a}/").json()["rank"] == 2
    r = api(s.org).post(f"/api/v1/assessments/{a}/score/", {"parts": {"common": 101, "individual": 80}}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "score_out_of_range"
    assert api(s.org).get(f"/api/v1/assessments/{a}/").json()["score"] == "86.00"
    assert api(s.org).post(f"/api/v1/assessment-periods/{period['id']}/publish/").status_code == 200


# ---- workflow: 述职 and opinions ------------------------------------------------------------------

def test_the_cadre_writes_the_self_summary_and_nobody_else_can(db, api):
    s = setup("qujiang", n=2)
    me, other = cadre_login(s.cadres[0]), cadre_login(s.cadres[1])
    period = open_period(api, s)
    rows = assessments(api, s.org, period["id"])
    mine = rows[s.cadres[0].pk]["id"]
    r = api(me).post(f"/api/v1/assessments/{mine}/self-summary/", {"text": "一年来驻村工作……"}, format="json")
    assert r.status_code == 200 and r.json()["self_summary"] == "一年来驻村工作……"
    assert api(other).post(f"/api/v1/assessments/{mine}/self-summary/", {"text": "x"}, format="json").status_code == 404
    assert api(s.org).post(f"/api/v1/assessments/{mine}/self-summary/", {"text": "x"},
                           format="json").status_code == 403


def test_the_township_and_dispatch_unit_give_opinions_with_a_suggested_grade_as_the_policy_consults_them(db, api):
    """qujiang art.25: 会同镇党委进行，以适当方式听取派出单位……意见."""
    s = setup("qujiang", n=1)
    period = open_period(api, s)
    row = list(assessments(api, s.org, period["id"]).values())[0]
    secretary = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=s.world.township_a)
    unit = f.user_with_role(Role.DISPATCH_UNIT, dispatch_unit=s.world.dispatch_unit)
    r = api(secretary).post(f"/api/v1/assessments/{row['id']}/opinion/",
                            {"text": "在岗在位，群众认可", "suggested_grade": "excellent"}, format="json")
    assert r.status_code == 200
    r = api(unit).post(f"/api/v1/assessments/{row['id']}/opinion/", {"text": "同意"}, format="json")
    assert [(o["role"], o["suggested_grade"]) for o in r.json()["opinions"]] == [
        ("township_secretary", "excellent"), ("dispatch_unit", "")]
    r = api(unit).post(f"/api/v1/assessments/{row['id']}/opinion/", {"text": "x", "suggested_grade": "top"},
                       format="json")
    assert r.status_code == 400
    assert api(s.org).post(f"/api/v1/assessments/{row['id']}/opinion/", {"text": "x"}, format="json").status_code == 403


# ---- isolation ----------------------------------------------------------------------------------

def test_periods_and_assessments_are_404_across_jurisdictions_and_townships(db, api):
    s = setup("ganzhou", n=1)
    period = open_period(api, s)
    row = list(assessments(api, s.org, period["id"]).values())[0]
    outsider = f.user_with_role(Role.COUNTY_ORG_DEPT, jurisdiction=f.jurisdiction("fengdu"))
    neighbour = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=s.world.township_b)
    other_unit = f.user_with_role(Role.DISPATCH_UNIT, dispatch_unit=f.DispatchUnitFactory(
        jurisdiction=s.world.jurisdiction))
    assert api(outsider).get(f"/api/v1/assessment-periods/{period['id']}/").status_code == 404
    assert api(outsider).get(f"/api/v1/assessment-periods/{period['id']}/export/").status_code == 404
    for user in (outsider, neighbour, other_unit):
        assert api(user).get(f"/api/v1/assessments/{row['id']}/").status_code == 404
        assert grade(api, user, row["id"], "competent").status_code == 404
        assert api(user).post(f"/api/v1/assessments/{row['id']}/opinion/", {"text": "x"},
                              format="json").status_code == 404
    assert api(neighbour).get(f"/api/v1/assessments/?period={period['id']}").json()["results"] == []
    assert api(None).get(f"/api/v1/assessments/{row['id']}/").status_code in (401, 403)


# ---- evidence -----------------------------------------------------------------------------------

def test_evidence_is_computed_from_confirmed_sheets_leave_inspections_flags_and_diaries(db, api):
    """qujiang art.13 (考勤结果作为年度考核的重要依据) and art.17 (日志……作为年度考核的重要依据)."""
    from attendance.models import DiaryEntry, Inspection

    s = setup("qujiang", n=1)
    c = s.cadres[0]
    june = [date(2025, 6, d) for d in range(2, 7)]
    f.attendance_days(c, s.world.township_a, june)
    f.attendance_days(c, s.world.township_a, [date(2025, 6, 9)], status="leave")
    f.attendance_days(c, s.world.township_a, [date(2025, 6, 10)], status="absent")
    f.confirm_sheet(s.world.township_a, date(2025, 6, 1), s.org)
    f.attendance_days(c, s.world.township_a, [date(2025, 7, 1)])  # July not confirmed: not counted
    DiaryEntry.objects.create(jurisdiction=c.jurisdiction, cadre=c, date=date(2025, 6, 3), content="走访农户")
    Inspection.objects.create(jurisdiction=c.jurisdiction, cadre=c, date=date(2025, 6, 10), level="county",
                              result="absent_unexcused", recorded_by=s.org)
    period = open_period(api, s)
    ev = list(assessments(api, s.org, period["id"]).values())[0]["evidence"]
    assert ev["counted_days"] == 5 and ev["required_days"] > 0
    assert (ev["leave_days"], ev["absent_days"], ev["unexcused_inspections"], ev["diaries"]) == (1, 1, 1, 1)
    assert ev["months_stationed"] == "12.0"


# ---- export -------------------------------------------------------------------------------------

def test_the_grade_sheet_exports_one_row_per_cadre_with_grade_and_articles(db, api):
    from io import BytesIO

    from openpyxl import load_workbook

    s = setup("fengdu", n=1)
    late = posted(s.world, 1, start=date(2025, 10, 1))[0]
    period = open_period(api, s)
    row = assessments(api, s.org, period["id"])[s.cadres[0].pk]
    grade(api, s.org, row["id"], "competent", comment="表现良好")
    r = api(s.org).get(f"/api/v1/assessment-periods/{period['id']}/export/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    ws = load_workbook(BytesIO(r.content)).active
    values = [[c for c in r if c is not None] for r in ws.iter_rows(min_row=5, values_only=True)]
    names = {v[1]: v for v in values}
    assert "称职" in names[s.cadres[0].name] and "表现良好" in names[s.cadres[0].name]
    assert "否" in names[late.name] and any("丰都" in str(x) and "15" in str(x) for x in names[late.name])


def test_linfen_art_9_a_recalled_cadre_cannot_be_graded_excellent_that_year_but_may_be_graded_otherwise(db, api):
    """linfen art.9(五): a recall brings "当年不得评先评优": the year's annual assessment refuses 优秀 with the article,
    however late in the year or after it the grading is done; another grade is accepted."""
    from django.utils import timezone

    from teams.tests.test_personnel_cases import URL, _member, _open, _users

    w = build_world("linfen")
    u = _users(w)
    _member(w)  # art.4: one previous member stays
    m = _member(w)
    case = _open(api, u["county_office"], m.cadre, ground="2").json()
    assert api(u["county_office"]).post(f"{URL}{case['id']}/approve/").status_code == 200
    year = timezone.localdate().year
    opener = f.user_with_role(Role.COUNTY_ORG_DEPT, jurisdiction=w.jurisdiction)
    r = api(opener).post("/api/v1/assessment-periods/", {"jurisdiction": "linfen", "kind": "annual", "year": year},
                         format="json")
    assert r.status_code == 201, r.json()
    row = assessments(api, u["county_office"], r.json()["id"])[m.cadre_id]
    refused = grade(api, u["county_office"], row["id"], "excellent")
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["rule_ref"]) == ("no_award", "linfen art.9")
    assert "不得评先评优" in refused.json()["detail"]
    assert grade(api, u["county_office"], row["id"], "competent").status_code == 200

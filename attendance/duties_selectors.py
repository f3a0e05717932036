"""Reads for duties (issue 13): what is due or overdue, for whom, and who sees it."""

from datetime import date, timedelta

from django.db.models import Q

from jurisdictions.errors import InvalidInput
from jurisdictions.policy import policy_in_force
from jurisdictions.scoping import get_in_scope, scope_for

from . import duty_rules
from .models import DiaryEntry, DutyRecord, MonitoredHousehold

LOOKBACK_DAYS = 366  # findings older than a year are history, not reminders


def parse_on(raw) -> date:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD。", code="bad_date") from None


def duty_findings(*, jurisdiction, on: date, horizon_days: int = 7) -> list[dict]:
    """Every duty of the jurisdiction's policy on `on` that is overdue or due within `horizon_days`, each with its
    rule_ref and who is reminded (`remind_user`). Queries: policy, teams, memberships, households, duty records,
    diary entries, leave follow-ups (seven, whatever the size of the jurisdiction)."""
    from leave.models import LeaveRequest
    from teams.models import Membership, Team

    policy = policy_in_force(jurisdiction, on)
    schedules = duty_rules.schedules(policy)
    since = max(jurisdiction_start(policy), on - timedelta(days=LOOKBACK_DAYS))
    teams = list(Team.objects.filter(jurisdiction=jurisdiction, term_start__lte=on)
                 .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since)))
    memberships = list(Membership.objects.filter(team__jurisdiction=jurisdiction, start_date__lte=on)
                       .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
                       .select_related("cadre").order_by("cadre_id", "-start_date"))
    households = list(MonitoredHousehold.objects.filter(jurisdiction=jurisdiction, paired_on__lte=on)
                      .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since)).select_related("cadre"))
    leaders = {}
    for m in memberships:
        if m.role == Membership.Role.LEADER and m.end_date is None:
            leaders.setdefault(m.team_id, m.cadre.user_id)
    # a period due after `since` may start before it (a year, a term): count records from its start
    records_from = min([since - timedelta(days=LOOKBACK_DAYS)] + [m.start_date for m in memberships])
    done: dict[tuple, list[date]] = {}
    for kind, cadre_id, team_id, household_id, day in (DutyRecord.objects.filter(jurisdiction=jurisdiction,
                                                                                 date__gte=records_from)
                                                       .values_list("kind", "cadre_id", "team_id", "household_id",
                                                                    "date")):
        if household_id:
            done.setdefault((kind, "household", household_id), []).append(day)
        if team_id:
            done.setdefault((kind, "team", team_id), []).append(day)
        if cadre_id:
            done.setdefault((kind, "cadre", cadre_id), []).append(day)
    if any(s.kind.startswith("diary") for s in schedules):
        for cadre_id, kind, day in DiaryEntry.objects.filter(jurisdiction=jurisdiction, date__gte=records_from) \
                .values_list("cadre_id", "kind", "date"):
            key = "diary_summary" if kind == DiaryEntry.Kind.MONTHLY_SUMMARY else "diary"
            done.setdefault((key, "cadre", cadre_id), []).append(day)

    subjects = {"team": [], "cadre": [], "household": []}
    remind = {}
    for t in teams:
        s = duty_rules.Subject("team", t.id, t.name, t.term_start, t.ended_on, t.dispatch_level, team_id=t.id)
        subjects["team"].append(s)
        remind[s] = leaders.get(t.id)
    # a cadre's personal duties follow the cadre across teams: one subject per cadre, in post from its first
    # start to its last end (memberships are ordered by cadre, latest first)
    by_cadre: dict[int, list] = {}
    for m in memberships:
        by_cadre.setdefault(m.cadre_id, []).append(m)
    for cadre_id, ms in by_cadre.items():
        latest = ms[0]
        ends = [m.end_date for m in ms]
        s = duty_rules.Subject("cadre", cadre_id, latest.cadre.name, min(m.start_date for m in ms),
                               None if None in ends else max(ends), latest.cadre.dispatch_level,
                               term_end=latest.planned_end, cadre_id=cadre_id, team_id=latest.team_id)
        subjects["cadre"].append(s)
        remind[s] = latest.cadre.user_id
    for h in households:
        s = duty_rules.Subject("household", h.id, f"{h.cadre.name} 结对户 {h.name}", h.paired_on, h.ended_on,
                               cadre_id=h.cadre_id)
        subjects["household"].append(s)
        remind[s] = h.cadre.user_id

    out = []
    for schedule in schedules:
        for subject in subjects[schedule.subject]:
            for f in duty_rules.evaluate(schedule, subject, done.get((schedule.kind, subject.kind, subject.id), []),
                                         on=on, since=since, horizon_days=horizon_days):
                out.append(f.as_dict() | {"remind_user": remind.get(subject)})
    # ganzhou art.17: phone/SMS leave whose written form is still missing
    for lr in (LeaveRequest.objects.filter(jurisdiction=jurisdiction, written_followup_due__isnull=False,
                                           written_form_filed_at__isnull=True,
                                           written_followup_due__lte=on + timedelta(days=horizon_days))
               .select_related("cadre")):
        out.append({"kind": "written_followup", "label": duty_rules.KIND_LABELS["written_followup"],
                    "due": lr.written_followup_due.isoformat(), "period_start": lr.start_date.isoformat(),
                    "done": 0, "required": 1, "rule_ref": lr.followup_rule_ref or lr.rule_ref, "severity": "hard",
                    "overdue": lr.written_followup_due < on, "cadre": lr.cadre_id, "team": None, "household": None,
                    "name": lr.cadre.name, "leave_request": lr.id, "remind_user": lr.cadre.user_id})
    out.sort(key=lambda r: (r["due"], r["kind"], r["name"]))
    return out


def jurisdiction_start(policy) -> date:
    """The first day the jurisdiction's rows are in force (earlier periods owe nothing)."""
    firsts = [v.effective_from for _, v in policy.items() if getattr(v, "effective_from", None)]
    return min(firsts) if firsts else date(2000, 1, 1)


def visible(*, user, items: list[dict]) -> list[dict]:
    """Only the items about teams and cadres the user's scope reaches (two queries)."""
    from teams.models import Cadre, Team
    from teams.selectors import cadre_scope_q, team_scope_q

    scope = scope_for(user)
    cadre_ids = {i["cadre"] for i in items if i["cadre"]}
    team_ids = {i["team"] for i in items if i["team"] and not i["cadre"]}
    seen_cadres = set(Cadre.objects.filter(cadre_scope_q(scope), id__in=cadre_ids).values_list("id", flat=True)) \
        if cadre_ids else set()
    seen_teams = set(Team.objects.filter(team_scope_q(scope), id__in=team_ids).values_list("id", flat=True)) \
        if team_ids else set()
    return [i for i in items if (i["cadre"] in seen_cadres if i["cadre"] else i["team"] in seen_teams)]


def overdue_report(*, user, jurisdiction_code: str, on: date) -> list[dict]:
    """GET reports/overdue/: the overdue duties of a jurisdiction the user can see (404 outside it), each reduced
    to what the user's scope reaches."""
    from jurisdictions.selectors import access_jurisdiction

    jurisdiction = access_jurisdiction(user=user, code=jurisdiction_code)
    items = [i for i in duty_findings(jurisdiction=jurisdiction, on=on, horizon_days=0) if i["overdue"]]
    return [{k: v for k, v in i.items() if k != "remind_user"} for i in visible(user=user, items=items)]


def my_duties(*, user, on: date) -> list[dict]:
    """The caller's own due and overdue duties (the cadre's phone home page; a leader also sees its team's)."""
    scope = scope_for(user)
    if not scope.cadre_id:
        return []
    from teams.models import Cadre

    cadre = Cadre.objects.select_related("jurisdiction").get(pk=scope.cadre_id)
    items = duty_findings(jurisdiction=cadre.jurisdiction, on=on)
    return [i for i in items if i["remind_user"] == user.id]


def duty_record_list(*, user, kind=None, cadre_id=None, team_id=None):
    from teams.models import Cadre, Team
    from teams.selectors import cadre_scope_q, team_scope_q

    scope = scope_for(user)
    qs = (DutyRecord.objects.filter(Q(cadre__in=Cadre.objects.filter(cadre_scope_q(scope)))
                                    | Q(cadre__isnull=True, team__in=Team.objects.filter(team_scope_q(scope))))
          .select_related("cadre", "team", "household").order_by("-date", "-id"))
    if kind:
        qs = qs.filter(kind=kind)
    if cadre_id:
        qs = qs.filter(cadre_id=int(cadre_id) if str(cadre_id).isdigit() else -1)
    if team_id:
        qs = qs.filter(team_id=int(team_id) if str(team_id).isdigit() else -1)
    return qs


def household_list(*, user, cadre_id=None):
    from teams.models import Cadre
    from teams.selectors import cadre_scope_q

    qs = (MonitoredHousehold.objects.filter(cadre__in=Cadre.objects.filter(cadre_scope_q(scope_for(user))))
          .select_related("cadre"))
    if cadre_id:
        qs = qs.filter(cadre_id=cadre_id)
    return qs


def access_household(*, user, household_id):
    return get_in_scope(household_list(user=user), household_id)

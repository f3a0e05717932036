"""Reads for cadres and teams. `access_*` fetches and authorizes in one step."""

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, When
from django.http import Http404

from jurisdictions.scoping import Scope, get_in_scope, grant_scope, scope_for, scope_q

from .models import Cadre, Membership, Team


def cadre_scope_facts(user):
    """(cadre_id, cadre_jurisdiction_id, active team id, ids of teams the cadre leads). Two queries."""
    cadre = Cadre.objects.filter(user=user).values("id", "jurisdiction_id").first()
    if not cadre:
        return None, None, None, set()
    rows = list(Membership.objects.filter(cadre_id=cadre["id"], end_date__isnull=True).values("team_id", "role"))
    team_id = rows[0]["team_id"] if rows else None
    led = {r["team_id"] for r in rows if r["role"] == Membership.Role.LEADER}
    return cadre["id"], cadre["jurisdiction_id"], team_id, led


def cadre_scope_q(scope: Scope) -> Q:
    """How a cadre is reached: its jurisdiction, where it is stationed, its dispatch unit, itself,
    and (for a team leader) the members of the teams it leads."""
    q = scope_q(scope, jurisdiction="jurisdiction_id", org_path="station__path", dispatch_unit="dispatch_unit_id",
                cadre="id")
    if scope.led_team_ids:
        q |= Q(memberships__team_id__in=scope.led_team_ids, memberships__end_date__isnull=True)
    return q


def cadre_list(*, user, jurisdiction=None, search: str = "", team=None):
    scope = scope_for(user)
    qs = (
        Cadre.objects.filter(cadre_scope_q(scope))
        .select_related("jurisdiction", "dispatch_unit", "station", "station__parent")
        .distinct()
        .order_by("id")
    )
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(phone__contains=search) | Q(dispatch_unit__name__contains=search))
    if team is not None:
        qs = qs.filter(memberships__team=team, memberships__end_date__isnull=True)
    return qs


def access_cadre(*, user, cadre_id, for_update: bool = False) -> Cadre:
    qs = cadre_list(user=user)
    if for_update:
        # FOR UPDATE cannot be combined with DISTINCT: find it in scope first, then lock the row
        cadre = get_in_scope(qs, cadre_id)
        return Cadre.objects.select_for_update().select_related("jurisdiction", "dispatch_unit").get(pk=cadre.pk)
    return get_in_scope(qs, cadre_id)


def cadre_jurisdiction_in_scope(*, user, cadre_id):
    """The jurisdiction of a cadre in the user's scope (404 outside), in one lean query (no DISTINCT, no join but the
    station's for an org-unit grant): the rule of `cadre_scope_q` in two steps. First the role grants alone
    (`grant_scope`, read once per request, with the API token): the caller's own cadre is never read when the grants
    decide (a clerk, an office). Then, only for a cadre the grants do not reach (or a caller without grants): the
    caller's own cadre and the members of the teams it leads, matched inside one query by the caller's user id. The
    jurisdiction itself comes from the process's copy (`jurisdictions.selectors.jurisdiction_by_id`). For reads that
    need nothing else of the cadre (`attendance/monthly/`)."""
    from jurisdictions.selectors import jurisdiction_by_id

    try:
        cadre_id = int(cadre_id)
    except (TypeError, ValueError):
        raise Http404 from None
    scope = grant_scope(user)

    def jurisdiction_id_where(q: Q):
        return next(iter(Cadre.objects.filter(q, pk=cadre_id).values_list("jurisdiction_id", flat=True)[:1]), None)

    found = None
    if scope.is_superuser:
        found = jurisdiction_id_where(Q())
    elif scope.grants:
        found = jurisdiction_id_where(scope_q(scope, jurisdiction="jurisdiction_id", org_path="station__path",
                                              dispatch_unit="dispatch_unit_id"))
    if found is None and not scope.is_superuser:
        led = Membership.objects.filter(cadre__user_id=user.pk, role=Membership.Role.LEADER,
                                        end_date__isnull=True).values("team_id")
        found = jurisdiction_id_where(Q(user_id=user.pk) | Exists(Membership.objects.filter(
            cadre_id=OuterRef("pk"), end_date__isnull=True, team_id__in=led)))
    if found is None:
        raise Http404
    return jurisdiction_by_id(found)


def team_scope_q(scope: Scope) -> Q:
    q = scope_q(scope, jurisdiction="jurisdiction_id", org_path="host_unit__path", team="id")
    if scope.member_team_id:
        q |= Q(id=scope.member_team_id)
    if scope.dispatch_unit_ids:
        q |= Q(lead_unit_id__in=scope.dispatch_unit_ids) | Q(
            memberships__cadre__dispatch_unit_id__in=scope.dispatch_unit_ids, memberships__end_date__isnull=True)
    return q


def active_memberships_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(end_date__isnull=True)
        .select_related("cadre", "cadre__dispatch_unit", "village", "handover", "handover__successor")
        .order_by(Case(When(role=Membership.Role.LEADER, then=0), default=1), "start_date", "id"),
        to_attr="active_memberships",
    )


def team_list(*, user, jurisdiction=None):
    scope = scope_for(user)
    qs = (
        Team.objects.filter(team_scope_q(scope))
        .select_related("jurisdiction", "host_unit", "host_unit__parent", "lead_unit")
        .annotate(active_count=Count("memberships", filter=Q(memberships__end_date__isnull=True), distinct=True))
        .distinct()
        .order_by("id")
    )
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    return qs


def access_team(*, user, team_id, for_update: bool = False) -> Team:
    scope = scope_for(user)
    team = get_in_scope(Team.objects.filter(team_scope_q(scope)).distinct(), team_id)
    qs = Team.objects.select_related("jurisdiction", "host_unit", "host_unit__parent", "lead_unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return qs.prefetch_related("member_units", active_memberships_prefetch()).get(pk=team.pk)


def team_history(*, team: Team):
    return (
        Membership.objects.filter(team=team)
        .select_related("cadre", "village", "handover", "handover__successor")
        .prefetch_related("overrides", "overrides__overridden_by")
        .order_by("-start_date", "id")
    )


def cadre_active_membership(cadre: Cadre) -> Membership | None:
    return (
        Membership.objects.filter(cadre=cadre, end_date__isnull=True)
        .select_related("team", "team__host_unit", "team__host_unit__parent", "village")
        .first()
    )


def access_membership(*, user, membership_id) -> Membership:
    scope = scope_for(user)
    qs = Membership.objects.filter(team__in=Team.objects.filter(team_scope_q(scope))).select_related(
        "team", "team__jurisdiction", "team__host_unit", "cadre")
    return get_in_scope(qs, membership_id)


# ---- personnel cases (issue 11) ---------------------------------------------------------------------------------

def case_scope_q(scope: Scope) -> Q:
    """Like a leave request: the jurisdiction, the township, the cadre's dispatch unit, the cadre, the team led."""
    return scope_q(scope, jurisdiction="jurisdiction_id", org_path="township__path",
                   dispatch_unit="cadre__dispatch_unit_id", cadre="cadre_id", team="team_id")


def _case_base():
    from .models import CaseApproval, PersonnelCase

    return (PersonnelCase.objects.select_related("cadre", "cadre__dispatch_unit", "team", "township", "jurisdiction",
                                                 "successor", "proposed_by")
            .prefetch_related(Prefetch("approvals", queryset=CaseApproval.objects.select_related("decided_by")),
                              "filings", "consequences"))


def personnel_case_list(*, user, cadre_id: int | None = None, status: str | None = None, team_id=None):
    qs = _case_base().filter(case_scope_q(scope_for(user))).order_by("-created_at", "-id")
    if cadre_id is not None:
        qs = qs.filter(cadre_id=cadre_id)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def access_personnel_case(*, user, case_id):
    return get_in_scope(_case_base().filter(case_scope_q(scope_for(user))), case_id)


def case_pending_approval_q(scope: Scope) -> Q:
    """CaseApproval rows the user may decide now (the leave inbox's rule, on cases)."""
    from jurisdictions.approvals import decidable_q

    from .models import CaseApproval, PersonnelCase

    return decidable_q(scope, parent="case", approval_pending=CaseApproval.Status.PENDING,
                       parent_pending=PersonnelCase.Status.PENDING)


def case_approver_inbox(*, user):
    """GET personnel-cases/?mine=approver: cases with an approval waiting for this user."""
    from django.db.models import Exists, OuterRef

    from .models import CaseApproval

    mine = CaseApproval.objects.filter(case_pending_approval_q(scope_for(user)), case_id=OuterRef("pk"))
    return _case_base().filter(Exists(mine)).order_by("created_at", "id")


def recall_flag_queue(*, user):
    """recall_candidate flags in the user's scope that no case has taken up yet (the county's queue)."""
    from attendance.models import Flag

    scope = scope_for(user)
    return (Flag.objects.filter(scope_q(scope, jurisdiction="jurisdiction_id", org_path="cadre__station__path",
                                        dispatch_unit="cadre__dispatch_unit_id"),
                                kind=Flag.Kind.RECALL_CANDIDATE, personnel_cases__isnull=True,
                                cadre__memberships__end_date__isnull=True, cadre__memberships__isnull=False)
            .select_related("cadre").distinct().order_by("-created_at", "-id"))


def consequences_overlapping(*, cadre_id: int, first, last, kind: str | None = None):
    """Consequences of decided cases that run at some time in [first, last] (e.g. the year an annual assessment
    grades). One query."""
    from .models import Consequence

    qs = (Consequence.objects.filter(cadre_id=cadre_id, starts_on__lte=last)
          .filter(Q(until__isnull=True) | Q(until__gte=first)).select_related("case").order_by("starts_on", "id"))
    if kind is not None:
        qs = qs.filter(kind=kind)
    return list(qs)


def consequences_in_force(*, cadre_id: int, on, kind: str | None = None):
    """Consequences of decided cases in force on `on` (临汾 art.9: a recalled cadre is not awarded that year, not
    promoted for 2 years; the personnel-file entry has no end). One query."""
    from .models import Consequence

    qs = Consequence.objects.filter(cadre_id=cadre_id, starts_on__lte=on).filter(
        Q(until__isnull=True) | Q(until__gte=on)).order_by("starts_on", "id")
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs


def team_host_units(*, user):
    """Where the user may station a team: townships, streets and villages in scope (not counties or cities)."""
    from jurisdictions.models import OrgUnit
    from jurisdictions.selectors import org_unit_list

    return org_unit_list(user=user).exclude(kind__in=[OrgUnit.Kind.COUNTY, OrgUnit.Kind.CITY])


def team_villages(*, user, team):
    """The villages of the team's township a first secretary may be posted to."""
    from jurisdictions.selectors import org_unit_list

    return org_unit_list(user=user, jurisdiction=team.jurisdiction, kind="village").filter(
        path__startswith=team.township.path)


def cadre_memberships(*, cadre):
    """The cadre's posts, latest first, with the team, the village and the recorded exceptions."""
    return (Membership.objects.filter(cadre=cadre).select_related("team", "village")
            .prefetch_related("overrides", "overrides__overridden_by").order_by("-start_date"))


def case_events(*, case):
    """The case's history on its page: its audit rows (case.*), oldest first. The case was fetched in scope."""
    from jurisdictions.models import AuditEvent

    return AuditEvent.objects.filter(object_id=case.pk, action__startswith="case.").order_by("created_at")

"""Reads for cadres and teams. `access_*` fetches and authorizes in one step."""

from django.db.models import Case, Count, Prefetch, Q, When

from jurisdictions.scoping import Scope, get_in_scope, scope_for, scope_q

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
        .select_related("cadre", "cadre__dispatch_unit", "village")
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
        .select_related("cadre", "village")
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

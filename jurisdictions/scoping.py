"""The one scoping mechanism: what a user may see, used by every API view, page and selector.

A user's scope is the union of
- whole-jurisdiction grants (county office in a county, city offices, finance, admin),
- org-unit grants: that unit and everything below it (township staff, a county inside a city),
- dispatch-unit grants: cadres of that unit and what hangs off them,
- the user's own cadre (role `cadre`) and the teams it leads (role `team_leader`).

Selectors filter with `scope_q(...)`, naming how their model reaches each of those; an object
outside the scope is simply not found (404), so nothing leaks its existence.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from .models import COUNTY_ROLES, OrgUnit, Role, RoleGrant


@dataclass
class Scope:
    user: object
    is_superuser: bool = False
    grants: list = field(default_factory=list)
    jurisdiction_ids: set = field(default_factory=set)
    org_paths: list = field(default_factory=list)
    dispatch_unit_ids: set = field(default_factory=set)
    cadre_id: int | None = None
    cadre_jurisdiction_id: int | None = None
    led_team_ids: set = field(default_factory=set)
    member_team_id: int | None = None
    cadre_facts_loaded: bool = False  # the four fields above (`grant_scope` leaves them out; `scope_for` fills them)

    @property
    def is_empty(self) -> bool:
        return not (self.is_superuser or self.jurisdiction_ids or self.org_paths or self.dispatch_unit_ids
                    or self.cadre_id)

    @property
    def visible_jurisdiction_ids(self) -> set:
        ids = set(self.jurisdiction_ids)
        ids.update(g.jurisdiction_id for g in self.grants)
        if self.cadre_jurisdiction_id:
            ids.add(self.cadre_jurisdiction_id)
        return ids

    def roles(self) -> set[str]:
        roles = {g.role for g in self.grants}
        if self.cadre_id:
            roles.add(Role.CADRE)
        if self.led_team_ids:
            roles.add(Role.TEAM_LEADER)
        return roles

    def holds(self, role: str, *, jurisdiction_id: int, org_path: str | None = None,
              dispatch_unit_id: int | None = None) -> bool:
        """Does the user hold `role` over an object of this jurisdiction at this place? No query."""
        if self.is_superuser:
            return True
        for g in self.grants:
            if g.role != role or g.jurisdiction_id != jurisdiction_id:
                continue
            if g.org_unit_id is None and g.dispatch_unit_id is None:
                return True
            if g.org_unit_id and org_path and org_path.startswith(g.org_unit.path):
                return True
            if g.dispatch_unit_id and g.dispatch_unit_id == dispatch_unit_id:
                return True
        return False

    def holds_any(self, roles, **where) -> bool:
        return any(self.holds(r, **where) for r in roles)

    def is_admin_of(self, jurisdiction_id: int) -> bool:
        return self.holds(Role.JURISDICTION_ADMIN, jurisdiction_id=jurisdiction_id)

    def is_county_level(self, jurisdiction_id: int, org_path: str | None = None) -> bool:
        return self.holds_any(COUNTY_ROLES | {Role.JURISDICTION_ADMIN, Role.CITY_OFFICE, Role.CITY_ORG_DEPT,
                                              Role.CITY_RR_BUREAU}, jurisdiction_id=jurisdiction_id,
                              org_path=org_path)


def _grants_scope(user) -> Scope:
    """What the role grants give. One query (none for an anonymous user or a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return Scope(user=None, cadre_facts_loaded=True)
    if user.is_superuser:
        return Scope(user=user, is_superuser=True, cadre_facts_loaded=True)
    scope = Scope(user=user)
    grants = getattr(user, "_portal_grants", None)  # read with the API token (`grants_sql`): this request's
    scope.grants = grants if grants is not None else list(RoleGrant.objects.filter(user=user).select_related("org_unit"))
    for g in scope.grants:
        if g.org_unit_id:
            scope.org_paths.append(g.org_unit.path)
        elif g.dispatch_unit_id:
            scope.dispatch_unit_ids.add(g.dispatch_unit_id)
        else:
            scope.jurisdiction_ids.add(g.jurisdiction_id)
    return scope


def grants_sql(user_id_column: str) -> str | None:
    """A scalar subquery for a query that runs anyway on every API request (the token's,
    `config.security.ExpiringTokenAuthentication`): the role grants of the user in `user_id_column`, each with its
    org unit, as a JSON array, so that `scope_for` needs no query of its own. Read afresh on every request (a revoked
    grant takes effect on the next one). PostgreSQL only (None elsewhere: `scope_for` reads them itself)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    grants, units = RoleGrant._meta.db_table, OrgUnit._meta.db_table  # names from code: no input reaches the SQL
    return ("(SELECT json_agg(json_build_object('g', row_to_json(g), 'o', row_to_json(o)) ORDER BY g.id) "  # noqa: S608
            f"FROM {grants} g LEFT JOIN {units} o ON o.id = g.org_unit_id WHERE g.user_id = {user_id_column})")


def _from_json(model, row: dict):
    fields = model._meta.concrete_fields
    return model.from_db("default", [f.attname for f in fields],
                         [None if row[f.column] is None else f.to_python(row[f.column]) for f in fields])


def preload_grants(user, raw) -> None:
    """Keep on `user` (this request's object) the grants `grants_sql` read, as the query of `scope_for` would have
    returned them (RoleGrants with their org unit)."""
    import json

    grants = []
    for item in (json.loads(raw) if isinstance(raw, str) else raw) or []:
        grant = _from_json(RoleGrant, item["g"])
        if item["o"] is not None:
            grant.org_unit = _from_json(OrgUnit, item["o"])
        grants.append(grant)
    user._portal_grants = grants


def scope_for(user) -> Scope:
    """Computed once per request and kept on the user object. Three queries at most."""
    scope = getattr(user, "_portal_scope", None)
    if scope is None:
        scope = user._portal_scope = _grants_scope(user)
    if not scope.cadre_facts_loaded:
        from teams.selectors import cadre_scope_facts  # teams builds on this app, not the reverse

        scope.cadre_id, scope.cadre_jurisdiction_id, scope.member_team_id, scope.led_team_ids = cadre_scope_facts(user)
        scope.cadre_facts_loaded = True
    return scope


def grant_scope(user) -> Scope:
    """The role grants' part of `scope_for` alone (one query; kept for the request on the user object, where
    `scope_for` completes it): for a check that asks the database about the caller's own cadre and the teams it
    leads inside its own query (`teams.selectors.cadre_jurisdiction_in_scope`), so that the caller's cadre is not read when
    the grants decide. Its `cadre_id`, `led_team_ids`… are not loaded: never pass it to `scope_q(cadre=…)`."""
    scope = getattr(user, "_portal_scope", None)
    if scope is None:
        scope = user._portal_scope = _grants_scope(user)
    return scope


def scope_q(scope: Scope, *, jurisdiction: str | None = None, org_path: str | None = None,
            dispatch_unit: str | None = None, cadre: str | None = None, team: str | None = None) -> Q:
    """A filter for a model, given the lookups by which it reaches each kind of scope."""
    if scope.is_superuser:
        return Q()
    q = Q(pk__in=[])
    if jurisdiction and scope.jurisdiction_ids:
        q |= Q(**{f"{jurisdiction}__in": scope.jurisdiction_ids})
    if org_path:
        for path in scope.org_paths:
            q |= Q(**{f"{org_path}__startswith": path})
    if dispatch_unit and scope.dispatch_unit_ids:
        q |= Q(**{f"{dispatch_unit}__in": scope.dispatch_unit_ids})
    if cadre and scope.cadre_id:
        q |= Q(**{cadre: scope.cadre_id})
    if team and scope.led_team_ids:
        q |= Q(**{f"{team}__in": scope.led_team_ids})
    return q


def get_in_scope(queryset, pk):
    """Fetch one object from an already scoped queryset; anything else is a 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj

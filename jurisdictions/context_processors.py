from .models import CITY_ROLES, COUNTY_ROLES, Notification, Role
from .scoping import scope_for

# Which links a role sees (pages still check permissions themselves; this only keeps menus honest).
TOWNSHIP = {Role.TOWNSHIP_SECRETARY, Role.ATTENDANCE_CLERK}
UPPER = COUNTY_ROLES | CITY_ROLES | {Role.JURISDICTION_ADMIN}
MENU = {
    "check_in": {Role.CADRE},
    "sheet": TOWNSHIP | UPPER | {Role.TEAM_LEADER},
    "diaries": {Role.CADRE, Role.TEAM_LEADER} | TOWNSHIP | UPPER,
    "inspections": {Role.TOWNSHIP_SECRETARY} | UPPER,
    "leave_mine": {Role.CADRE, Role.ATTENDANCE_CLERK, Role.TOWNSHIP_SECRETARY},
    # leave.services.leave_request_submit: the cadre or the township's attendance clerk, nobody else
    "leave_new": {Role.CADRE, Role.ATTENDANCE_CLERK},
    "leave_inbox": {Role.TEAM_LEADER, Role.TOWNSHIP_SECRETARY, Role.DISPATCH_UNIT} | UPPER,
    "subsidy_runs": {Role.FINANCE, Role.JURISDICTION_ADMIN},
    "subsidy_mine": {Role.CADRE},
    "funds": {Role.TEAM_LEADER, Role.TOWNSHIP_SECRETARY, Role.FINANCE, Role.DISPATCH_UNIT} | UPPER,
    "funds_sign": {Role.TEAM_LEADER, Role.TOWNSHIP_SECRETARY},
    "people": TOWNSHIP | UPPER | {Role.TEAM_LEADER, Role.DISPATCH_UNIT, Role.FINANCE},
    "manage_people": COUNTY_ROLES | {Role.JURISDICTION_ADMIN, Role.CITY_ORG_DEPT, Role.CITY_OFFICE},
    "audit": {Role.JURISDICTION_ADMIN},
    "dashboard": UPPER | {Role.TOWNSHIP_SECRETARY},  # issue 12 (reports)
    # assessment (issue 10): the org department grades, the township and dispatch unit give opinions, the cadre 述职
    "assessment": COUNTY_ROLES | CITY_ROLES | {Role.JURISDICTION_ADMIN, Role.DISPATCH_UNIT},
    "assessment_opinions": {Role.TOWNSHIP_SECRETARY, Role.DISPATCH_UNIT},
    "assessment_mine": {Role.CADRE},
    # issue 11: personnel cases (recall, adjustment): proposers, deciders and the dispatch unit
    "cases": {Role.TOWNSHIP_SECRETARY, Role.DISPATCH_UNIT, Role.CADRE} | UPPER,
    "jurisdiction_new": set(),  # superusers only: a new county (issue 16)
    "duties": {Role.CADRE, Role.TEAM_LEADER} | TOWNSHIP | UPPER,  # issue 13
}


def sheet_mode(roles: set, is_superuser: bool = False) -> str:
    """What the attendance sheet is to the user: 'keep' (the township enters and confirms it,
    attendance.services.sheet_confirm), 'team' (a team leader: its own team, entered where the policy names it),
    'view' (county and city offices, org departments, admins: read only)."""
    if is_superuser or roles & TOWNSHIP:
        return "keep"
    if Role.TEAM_LEADER in roles:
        return "team"
    return "view"


def portal(request):
    """Unread notifications and the menu entries the user's roles open. Reuses the request's scope."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    roles = scope.roles()
    menu = {name: scope.is_superuser or bool(roles & allowed) for name, allowed in MENU.items()}
    menu["sheet_mode"] = sheet_mode(roles, scope.is_superuser)
    return {
        "unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "menu": menu,
    }

"""Menus and home tiles per role (jurisdictions/context_processors.py): every link a role is offered opens
(no 403, no 404), and a role is not offered an action the services would refuse it (issue 9: the org department,
county and city offices must not be offered clerk actions they cannot do)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from jurisdictions.models import Role
from leave.tests.conftest import build_leave_world
from tests import factories as f

HREF = re.compile(r'href="(/[^"#?]*)(?:\?[^"]*)?"')
ROLES = [Role.CADRE, Role.TEAM_LEADER, Role.TOWNSHIP_SECRETARY, Role.ATTENDANCE_CLERK, Role.COUNTY_OFFICE,
         Role.COUNTY_GROUP, Role.COUNTY_ORG_DEPT, Role.COUNTY_RR_BUREAU, Role.CITY_OFFICE, Role.CITY_ORG_DEPT,
         Role.CITY_RR_BUREAU, Role.DISPATCH_UNIT, Role.FINANCE, Role.JURISDICTION_ADMIN]
UPPER = [Role.COUNTY_OFFICE, Role.COUNTY_GROUP, Role.COUNTY_ORG_DEPT, Role.COUNTY_RR_BUREAU, Role.CITY_OFFICE,
         Role.CITY_ORG_DEPT, Role.CITY_RR_BUREAU, Role.JURISDICTION_ADMIN]


@pytest.fixture
def people(db):
    """One login per role over the ganzhou leave world (team A in township A)."""
    lw = build_leave_world("ganzhou")
    j = lw.w.jurisdiction
    users = dict(lw.users)
    users[Role.CADRE] = lw.member.user
    for role in (Role.CITY_ORG_DEPT, Role.CITY_RR_BUREAU, Role.FINANCE, Role.JURISDICTION_ADMIN):
        users[role] = f.user_with_role(role, jurisdiction=j)
    return lw, users


def login(user):
    client = Client()
    client.force_login(user)
    return client


def offered_links(html: str) -> set[str]:
    """The links of the top menu and the home tiles (the logout form and static files aside)."""
    return {h for h in HREF.findall(html) if not h.startswith(("/static/", "/admin/", "/media/"))}


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_role_is_offered_on_the_home_page_opens(people, role):
    _, users = people
    client = login(users[role])
    home = client.get("/")
    assert home.status_code == 200
    links = offered_links(home.content.decode())
    assert links, role
    for link in sorted(links):
        status = client.get(link).status_code
        assert status == 200, (role, link, status)


@pytest.mark.parametrize("role", UPPER)
def test_county_and_city_offices_are_offered_the_attendance_sheet_read_only_not_as_clerks(people, role):
    lw, users = people
    client = login(users[role])
    home = client.get("/").content.decode()
    assert "逐日录入、确认" not in home and "查看各乡镇考勤表（只读" in home
    sheet = client.get(f"/attendance/sheet/?township={lw.w.township_a.pk}").content.decode()
    assert "只读查看" in sheet and reverse("attendance-sheet-confirm") not in sheet


@pytest.mark.parametrize("role", [Role.TOWNSHIP_SECRETARY, Role.ATTENDANCE_CLERK])
def test_the_township_keeps_the_sheet_and_is_offered_entry_and_confirmation(people, role):
    _, users = people
    assert "逐日录入、确认、打印" in login(users[role]).get("/").content.decode()


@pytest.mark.parametrize("role", [Role.TOWNSHIP_SECRETARY] + UPPER + [Role.DISPATCH_UNIT, Role.FINANCE])
def test_roles_that_cannot_enter_leave_requests_are_not_offered_the_leave_form(people, role):
    """leave.services.leave_request_submit: only the cadre or the township's attendance clerk enters a request."""
    _, users = people
    client = login(users[role])
    for page in ("/", "/leave/"):
        assert reverse("leave-new") not in client.get(page).content.decode(), (role, page)
    answer = client.get(reverse("leave-new"))
    assert answer.status_code == 403 and "只有驻村干部本人或所在乡镇考勤员" in answer.content.decode()


@pytest.mark.parametrize("role", [Role.CADRE, Role.ATTENDANCE_CLERK])
def test_the_cadre_and_the_clerk_are_offered_the_leave_form_and_can_submit_it(people, role):
    lw, users = people
    client = login(users[role])
    assert reverse("leave-new") in client.get("/leave/").content.decode()
    form = client.get(reverse("leave-new")).content.decode()
    assert f'value="{lw.member.pk}"' in form


def test_a_cadre_who_approves_nothing_is_not_offered_the_approval_inbox(people):
    _, users = people
    client = login(users[Role.CADRE])
    assert reverse("leave-inbox") not in client.get("/").content.decode()
    assert reverse("leave-inbox") not in client.get("/leave/").content.decode()


def test_menu_entries_for_actions_offer_exactly_the_roles_the_services_permit():
    """A menu entry that opens an action names the same roles as the service's own permission check."""
    from attendance.services import INSPECTORS
    from jurisdictions.context_processors import MENU
    from leave.services import CLERK_ROLES
    from subsidies.services import RUN_ROLES
    from teams.services import MANAGER_ROLES

    assert MENU["leave_new"] == {Role.CADRE, *CLERK_ROLES}
    assert MENU["manage_people"] == set(MANAGER_ROLES)
    assert MENU["inspections"] == set().union(*INSPECTORS.values())
    assert MENU["subsidy_runs"] == set(RUN_ROLES)

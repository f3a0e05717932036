"""Issue 14, authorization gaps in the Django admin: every admin write goes through the services, and the
database itself refuses an org unit without a well-formed path."""

import pytest
from django.db import IntegrityError, transaction
from guardian.shortcuts import get_perms

from jurisdictions.models import AuditEvent, OrgUnit, Role, RoleGrant
from jurisdictions.scoping import scope_for
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(world):
    """The jurisdiction admin of the world, with staff access to the Django admin."""
    user = f.user_with_role(Role.JURISDICTION_ADMIN, username="gz_staff", jurisdiction=world.jurisdiction,
                            is_staff=True, is_superuser=True)
    return user


def test_an_org_unit_added_in_the_django_admin_gets_its_path_and_an_audit_row(client, world, staff_admin):
    client.force_login(staff_admin)
    response = client.post("/admin/jurisdictions/orgunit/add/", {
        "jurisdiction": world.jurisdiction.pk, "kind": "village", "name": "后台新村", "parent": world.township_a.pk,
        "town_type": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = OrgUnit.objects.get(name="后台新村")
    assert unit.path == f"{world.township_a.path}{unit.pk}/"
    assert AuditEvent.objects.filter(action="org_unit.create", object_id=unit.pk).exists()


def test_a_grant_on_an_admin_made_unit_does_not_reach_another_jurisdiction(client, world, other_world, staff_admin):
    client.force_login(staff_admin)
    client.post("/admin/jurisdictions/orgunit/add/", {
        "jurisdiction": world.jurisdiction.pk, "kind": "township", "name": "后台新镇", "parent": world.county.pk,
        "town_type": ""})
    unit = OrgUnit.objects.get(name="后台新镇")
    secretary = f.user_with_role(Role.TOWNSHIP_SECRETARY, org_unit=unit)
    scope = scope_for(secretary)
    assert not scope.holds(Role.TOWNSHIP_SECRETARY, jurisdiction_id=world.jurisdiction.pk,
                           org_path=world.township_a.path)
    assert not scope.holds(Role.TOWNSHIP_SECRETARY, jurisdiction_id=other_world.jurisdiction.pk,
                           org_path=other_world.township_a.path)


@pytest.mark.parametrize("path", ["", "/", "/abc/", "/1/2"])
def test_the_database_refuses_an_org_unit_whose_path_is_empty_or_malformed(world, path):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(jurisdiction=world.jurisdiction, kind="township", name="无路径镇", path=path)


def test_renaming_an_org_unit_in_the_django_admin_is_audited_and_keeps_its_place(client, world, staff_admin):
    client.force_login(staff_admin)
    response = client.post(f"/admin/jurisdictions/orgunit/{world.village_a.pk}/change/",
                           {"name": "甲村（新名）", "town_type": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    world.village_a.refresh_from_db()
    assert world.village_a.name == "甲村（新名）"
    assert world.village_a.path == f"{world.township_a.path}{world.village_a.pk}/"
    assert AuditEvent.objects.filter(action="org_unit.update", object_id=world.village_a.pk).exists()


def test_deleting_role_grants_with_the_admins_bulk_action_audits_each_and_removes_the_guardian_permission(
        client, world, staff_admin, alice, bob):
    grants = list(RoleGrant.objects.filter(user__in=[alice, bob]))
    assert "township_secretary" in get_perms(alice, world.township_a)
    client.force_login(staff_admin)
    response = client.post("/admin/jurisdictions/rolegrant/", {
        "action": "delete_selected", "_selected_action": [g.pk for g in grants], "post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not RoleGrant.objects.filter(user__in=[alice, bob]).exists()
    assert AuditEvent.objects.filter(action="role_grant.revoke").count() == len(grants)
    assert "township_secretary" not in get_perms(alice, world.township_a)
    assert "township_secretary" not in get_perms(bob, world.township_b)

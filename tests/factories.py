"""factory_boy factories shared by every app's tests."""

from datetime import date

import factory

from jurisdictions.models import DispatchUnit, Jurisdiction, OrgUnit, RoleGrant, User
from teams.idcard import with_check_digit
from teams.models import Cadre, Membership, Team


def jurisdiction(code: str) -> Jurisdiction:
    """The seeded jurisdiction (seed_policies runs once per test session)."""
    return Jurisdiction.objects.get(code=code)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    jurisdiction = factory.LazyFunction(lambda: jurisdiction("ganzhou"))
    kind = OrgUnit.Kind.TOWNSHIP
    name = factory.Sequence(lambda n: f"测试单位{n}")
    parent = None
    path = factory.LazyAttribute(lambda o: OrgUnit.placeholder_path(o.parent))  # the real one below (issue 14)

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):
        obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        obj.save(update_fields=["path"])


class DispatchUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispatchUnit

    jurisdiction = factory.LazyFunction(lambda: jurisdiction("ganzhou"))
    name = factory.Sequence(lambda n: f"派出单位{n}")
    level = DispatchUnit.Level.CITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    jurisdiction = factory.LazyFunction(lambda: jurisdiction("ganzhou"))
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def _id_number(birth: date, n: int, gender: str) -> str:
    seq = f"{n % 100:02d}{(1 if gender == 'male' else 2) + 2 * (n % 4)}"
    return with_check_digit(f"360702{birth:%Y%m%d}{seq}")


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    jurisdiction = factory.LazyFunction(lambda: jurisdiction("ganzhou"))
    name = factory.Sequence(lambda n: f"干部{n}")
    gender = Cadre.Gender.MALE
    birth_date = date(1985, 6, 15)
    id_number = factory.LazyAttributeSequence(lambda o, n: _id_number(o.birth_date, n, o.gender))
    party_status = Cadre.PartyStatus.MEMBER
    party_joined_on = date(2008, 7, 1)
    work_started_on = date(2008, 8, 1)
    rank = Cadre.Rank.SECTION
    category = Cadre.Category.CIVIL_SERVANT
    dispatch_unit = factory.SubFactory(DispatchUnitFactory, jurisdiction=factory.SelfAttribute("..jurisdiction"))
    dispatch_level = factory.SelfAttribute("dispatch_unit.level")
    phone = factory.Sequence(lambda n: f"1390000{n:04d}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    jurisdiction = factory.LazyFunction(lambda: jurisdiction("ganzhou"))
    kind = Team.Kind.VILLAGE
    name = factory.Sequence(lambda n: f"工作队{n}")
    host_unit = factory.SubFactory(OrgUnitFactory, kind=OrgUnit.Kind.VILLAGE,
                                   jurisdiction=factory.SelfAttribute("..jurisdiction"))
    dispatch_level = DispatchUnit.Level.CITY
    term_start = date(2025, 1, 1)
    term_end = date(2027, 12, 31)


class MembershipFactory(factory.django.DjangoModelFactory):
    """Direct row creation for test set-up; the rules are exercised through services/API tests."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    cadre = factory.SubFactory(CadreFactory, jurisdiction=factory.SelfAttribute("..team.jurisdiction"))
    role = Membership.Role.MEMBER
    start_date = date(2025, 1, 1)

    @factory.post_generation
    def station(obj, create, extracted, **kwargs):
        obj.cadre.station = obj.village or obj.team.host_unit
        obj.cadre.save(update_fields=["station"])


def grant(user: User, role: str, *, jurisdiction=None, org_unit=None, dispatch_unit=None) -> RoleGrant:
    from guardian.shortcuts import assign_perm

    j = jurisdiction or (org_unit.jurisdiction if org_unit else None) or \
        (dispatch_unit.jurisdiction if dispatch_unit else None) or user.jurisdiction
    g = RoleGrant.objects.create(user=user, role=role, jurisdiction=j, org_unit=org_unit, dispatch_unit=dispatch_unit)
    assign_perm(f"jurisdictions.{role}", user, org_unit or dispatch_unit or j)
    return g


def user_with_role(role: str, *, username: str | None = None, jurisdiction=None, org_unit=None, dispatch_unit=None,
                   **user_fields) -> User:
    """A login holding one role over one scope (a jurisdiction, an org unit or a dispatch unit)."""
    j = jurisdiction or (org_unit.jurisdiction if org_unit else None) or (dispatch_unit.jurisdiction if dispatch_unit
                                                                          else None)
    if username:
        user_fields["username"] = username
    user = UserFactory(jurisdiction=j, **user_fields)
    grant(user, role, jurisdiction=jurisdiction, org_unit=org_unit, dispatch_unit=dispatch_unit)
    return user


# ---- attendance rows for allowance tests (subsidies) ------------------------------------------------

def attendance_days(cadre, township, days, status="on_duty"):
    """Create one DailyRecord per day (a list of dates) for the cadre in the township."""
    from attendance.models import DailyRecord

    return DailyRecord.objects.bulk_create([
        DailyRecord(jurisdiction_id=cadre.jurisdiction_id, cadre=cadre, township=township, date=d, status=status)
        for d in days])


def confirm_sheet(township, month, user, *, reviewed: bool = True):
    """A confirmed (locked) attendance sheet for the township's month (first day); `reviewed`: also reviewed by the
    county, so that it is payable where the policy asks for a review before pay (fengdu art.20)."""
    from django.utils import timezone

    from attendance.models import AttendanceSheet

    return AttendanceSheet.objects.create(jurisdiction_id=township.jurisdiction_id, township=township, month=month,
                                          confirmed_by=user, reviewed_by=user if reviewed else None,
                                          reviewed_at=timezone.now() if reviewed else None)


# ---- real file contents for uploads (issue 14: uploads are checked by content) ------------------------------------

def tiny_jpeg() -> bytes:
    """A real 2×2 JPEG (Pillow), for tests that upload a photo or receipt."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()

"""Writes for duties (issue 13): a duty done, a paired household, the daily reminder digest."""

import zipfile
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from jurisdictions.audit import audit_record
from jurisdictions.errors import InvalidInput, NotPermitted
from jurisdictions.models import CITY_ROLES, COUNTY_ROLES, Notification, Role
from jurisdictions.policy import policy_in_force
from jurisdictions.scoping import scope_for

from . import duty_rules
from .models import DutyDigest, DutyKind, DutyRecord, MonitoredHousehold

TEAM_KINDS = {DutyKind.GROUP_STUDY, DutyKind.TEAM_MEETING, DutyKind.COUNTY_MEETING, DutyKind.RESEARCH_REPORT,
              DutyKind.ANNUAL_SUMMARY, DutyKind.HALF_YEAR_REPORT}
PERSONAL_KINDS = {DutyKind.TRAINING, DutyKind.PHYSICAL_EXAM, DutyKind.INSURANCE, DutyKind.HOUSEHOLD_VISIT,
                  DutyKind.HALF_YEAR_REPORT}
# Who besides the cadre (or, for a team, its members) may record a duty: the township and the county above it.
RECORDERS = {Role.TOWNSHIP_SECRETARY, Role.ATTENDANCE_CLERK, Role.JURISDICTION_ADMIN} | COUNTY_ROLES | CITY_ROLES
MAX_UPLOAD = 10 * 1024 * 1024


def check_upload(upload) -> str:
    """PDF, Word (.doc/.docx) or an image, judged by its content, at most 10MB. Returns the type found."""
    if upload.size > MAX_UPLOAD:
        raise InvalidInput("附件不能超过10MB。", code="file_too_large")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = "doc"
    elif head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as z:
                if "word/document.xml" in z.namelist():
                    kind = "docx"
        except zipfile.BadZipFile:
            pass
        upload.seek(0)
    else:
        from PIL import Image

        try:
            with Image.open(upload) as img:
                img.verify()
                kind = "image"
        except Exception:  # noqa: BLE001 - anything Pillow cannot read is not an image
            kind = None
        upload.seek(0)
    if kind is None:
        raise InvalidInput("附件应为 PDF、Word 文档或图片（按文件内容检查）。", code="bad_file")
    return kind


def _rule_ref_for(policy, kind: str, subject: str) -> str:
    for s in duty_rules.schedules(policy):
        if s.kind == kind and s.subject == subject:
            return s.rule_ref
    return ""


@transaction.atomic
def duty_record_create(*, actor, kind: str, day: date, cadre_id=None, team_id=None, household_id=None,
                       note: str = "", file=None) -> DutyRecord:
    """Record a duty done. A team duty names the team (its members, the township or the county record it); a
    personal one the cadre (the cadre itself, its team leader, the township or the county)."""
    from teams.models import Membership
    from teams.selectors import access_cadre, access_team

    from . import duties_selectors

    if kind not in DutyKind.values:
        raise InvalidInput(f"未知的履职事项：{kind}。", code="bad_kind")
    if day > timezone.localdate():
        raise InvalidInput("日期不能晚于今天。", code="future_date")
    scope = scope_for(actor)
    household = None
    if kind == DutyKind.HOUSEHOLD_VISIT:
        if not household_id:
            raise InvalidInput("走访结对户须选择结对户。", code="household_required")
        household = duties_selectors.access_household(user=actor, household_id=household_id)
        cadre_id = household.cadre_id
    if bool(cadre_id) == bool(team_id):
        raise InvalidInput("个人事项请指定干部，工作队事项请指定工作队（二者选一）。", code="cadre_or_team")
    if team_id:
        if kind not in TEAM_KINDS:
            raise InvalidInput(f"“{DutyKind(kind).label}”是个人事项，请指定干部。", code="personal_duty")
        team = access_team(user=actor, team_id=team_id)
        jurisdiction = team.jurisdiction
        member = Membership.objects.filter(team=team, cadre__user=actor, end_date__isnull=True).exists()
        allowed = member or scope.holds_any(RECORDERS, jurisdiction_id=team.jurisdiction_id,
                                            org_path=team.host_unit.path)
        cadre = None
    else:
        if kind not in PERSONAL_KINDS:
            raise InvalidInput(f"“{DutyKind(kind).label}”是工作队事项，请指定工作队。", code="team_duty")
        cadre = access_cadre(user=actor, cadre_id=cadre_id)
        team = None
        jurisdiction = cadre.jurisdiction
        leads = Membership.objects.filter(cadre=cadre, team_id__in=scope.led_team_ids, end_date__isnull=True).exists()
        allowed = cadre.user_id == actor.id or leads or scope.holds_any(
            RECORDERS | {Role.DISPATCH_UNIT}, jurisdiction_id=cadre.jurisdiction_id,
            org_path=cadre.station.path if cadre.station_id else None, dispatch_unit_id=cadre.dispatch_unit_id)
    if not allowed:
        raise NotPermitted("您不能为该干部或工作队记录履职事项。", code="not_permitted")
    policy = policy_in_force(jurisdiction, day)  # a date before the regulation: 400 no_policy
    if file is not None:
        check_upload(file)
    record = DutyRecord.objects.create(
        jurisdiction=jurisdiction, kind=kind, cadre=cadre, team=team, household=household, date=day,
        note=note.strip(), file=file or "", recorded_by=actor,
        rule_ref=_rule_ref_for(policy, kind, "household" if household else ("team" if team else "cadre")))
    audit_record(actor=actor, action="duty.record", obj=record, jurisdiction=jurisdiction,
                 summary=f"{record.get_kind_display()} {day} {(cadre or team)}", data={"rule_ref": record.rule_ref})
    return record


@transaction.atomic
def household_create(*, actor, cadre_id, name: str, paired_on: date, note: str = "", village_id=None
                     ) -> MonitoredHousehold:
    """Pair a cadre with a 三类监测对象 household (ganzhou art.11): the cadre itself, the township or the county."""
    from teams.selectors import access_cadre

    cadre = access_cadre(user=actor, cadre_id=cadre_id)
    scope = scope_for(actor)
    if cadre.user_id != actor.id and not scope.holds_any(
            RECORDERS, jurisdiction_id=cadre.jurisdiction_id, org_path=cadre.station.path if cadre.station_id else None):
        raise NotPermitted("您不能为该干部登记结对户。", code="not_permitted")
    if not name.strip():
        raise InvalidInput("请填写户主姓名。", code="name_required")
    household = MonitoredHousehold.objects.create(jurisdiction_id=cadre.jurisdiction_id, cadre=cadre,
                                                  name=name.strip(), paired_on=paired_on, note=note.strip(),
                                                  village_id=village_id, created_by=actor)
    audit_record(actor=actor, action="duty.household", obj=household, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name} 结对 {household.name}")
    return household


def duty_digests_send(*, jurisdiction, on: date) -> int:
    """The daily reminder: each person reminded of a duty gets one digest (a Notification and an email) of what is
    due in the next 7 days and what is overdue. Idempotent per person per day (`DutyDigest` unique on user and
    day): a second run the same day sends nothing. Only the person the duty falls on is reminded (the cadre, or a
    team's leader), so nobody hears of duties outside their own scope. Returns how many digests were sent."""
    from django.contrib.auth import get_user_model

    from . import duties_selectors

    items = duties_selectors.duty_findings(jurisdiction=jurisdiction, on=on)
    by_user: dict[int, list[dict]] = {}
    for item in items:
        if item["remind_user"]:
            by_user.setdefault(item["remind_user"], []).append(item)
    users = get_user_model().objects.in_bulk(list(by_user))
    sent = 0
    for user_id, mine in by_user.items():
        user = users[user_id]
        overdue = [i for i in mine if i["overdue"]]
        soon = [i for i in mine if not i["overdue"]]
        lines = [f"{'已逾期' if i['overdue'] else '即将到期'}：{i['label']}（{i['name']}，应于{i['due']}前，"
                 f"{i['rule_ref']}）" for i in overdue + soon]
        try:
            with transaction.atomic():
                DutyDigest.objects.create(user=user, day=on, items=[
                    {k: i[k] for k in ("kind", "due", "rule_ref", "cadre", "team", "household")} for i in mine])
                message = f"履职提醒：{len(overdue)}项已逾期，{len(soon)}项7天内到期。"
                Notification.objects.create(user=user, message=message[:255], link=reverse("duties-page"))
                if user.email:
                    body = "\n".join(lines)
                    transaction.on_commit(lambda u=user, m=message, b=body: send_mail(
                        f"【驻村通】{m}", b, settings.DEFAULT_FROM_EMAIL, [u.email], fail_silently=True))
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent


@transaction.atomic
def board_profile_set(*, actor, pledges: str, photo=None):
    """The cadre's own photo and pledges for the whereabouts board (fengdu art.8). Only where the jurisdiction's
    `attendance.whereabouts_board` row lists them; the photo must be an image (checked by content)."""
    from teams.models import Cadre

    from .models import BoardProfile

    cadre = Cadre.objects.filter(user=actor).select_related("jurisdiction").first()
    if cadre is None:
        raise NotPermitted("只有驻村干部本人可以填写公示信息。", code="not_a_cadre")
    board = policy_in_force(cadre.jurisdiction, timezone.localdate()).get("attendance.whereabouts_board")
    fields = set((board.value or {}).get("fields", [])) if board else set()
    if not fields & {"photo", "pledges"}:
        raise InvalidInput("本辖区去向牌不公示照片和承诺。", code="not_on_board")
    if photo is not None and check_upload(photo) != "image":
        raise InvalidInput("照片应为图片。", code="bad_photo")
    profile, _ = BoardProfile.objects.select_for_update().get_or_create(cadre=cadre)
    if "pledges" in fields:
        profile.pledges = pledges.strip()
    if photo is not None and "photo" in fields:
        profile.photo = photo
    profile.save()
    audit_record(actor=actor, action="duty.board_profile", obj=profile, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name} 更新去向牌照片与承诺", data={"rule_ref": board.rule_ref})
    return profile

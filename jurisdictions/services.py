"""Writes for tenants, org units, dispatch units, users, role grants, policy rows and the calendar."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from . import reference_cache
from .audit import audit_record
from .errors import InvalidInput, NotPermitted, StateConflict
from .models import CalendarDay, DispatchUnit, Jurisdiction, OrgUnit, PolicyRow, Role, RoleGrant, User
from .money import to_money
from .policy_labels import key_label
from .scoping import scope_for

# Which org-unit kinds may sit under which (county → township/street → village; a city holds counties).
ALLOWED_PARENTS = {
    OrgUnit.Kind.CITY: {None},
    OrgUnit.Kind.COUNTY: {None, OrgUnit.Kind.CITY},
    OrgUnit.Kind.TOWNSHIP: {None, OrgUnit.Kind.COUNTY, OrgUnit.Kind.CITY},
    OrgUnit.Kind.STREET: {None, OrgUnit.Kind.COUNTY, OrgUnit.Kind.CITY},
    OrgUnit.Kind.VILLAGE: {OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.STREET},
}


def _require_admin(actor, jurisdiction: Jurisdiction) -> None:
    if not scope_for(actor).is_admin_of(jurisdiction.id):
        raise NotPermitted("只有本辖区管理员可以进行此操作。")


@transaction.atomic
def org_unit_create(*, actor, jurisdiction: Jurisdiction, kind: str, name: str, parent: OrgUnit | None = None,
                    town_type: str = "") -> OrgUnit:
    _require_admin(actor, jurisdiction)
    if parent is not None and parent.jurisdiction_id != jurisdiction.id:
        raise InvalidInput("上级单位不属于该辖区。", code="parent_other_jurisdiction")
    if (parent.kind if parent else None) not in ALLOWED_PARENTS[kind]:
        raise InvalidInput(f"{OrgUnit.Kind(kind).label}不能设在{parent.get_kind_display() if parent else '顶层'}之下。",
                           code="bad_parent")
    if OrgUnit.objects.filter(jurisdiction=jurisdiction, parent=parent, name=name).exists():
        raise InvalidInput(f"同一上级下已有名为“{name}”的单位。", code="duplicate_name")
    # The path holds the row's own id: insert under a placeholder segment "0/" (no row has id 0; the database
    # refuses an empty or malformed path, issue 14) and set the real one in the same transaction.
    unit = OrgUnit.objects.create(jurisdiction=jurisdiction, kind=kind, name=name, parent=parent, town_type=town_type,
                                  path=OrgUnit.placeholder_path(parent))
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit_record(actor=actor, action="org_unit.create", obj=unit, summary=f"新建{unit.get_kind_display()}：{name}")
    return unit


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, name: str, town_type: str = "") -> OrgUnit:
    """Rename a unit or change its town type. Its place in the tree (parent, kind, path) never changes: scopes and
    history hang on it."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _require_admin(actor, unit.jurisdiction)
    if OrgUnit.objects.filter(jurisdiction=unit.jurisdiction, parent=unit.parent_id, name=name).exclude(
            pk=unit.pk).exists():
        raise InvalidInput(f"同一上级下已有名为“{name}”的单位。", code="duplicate_name")
    before = {"name": unit.name, "town_type": unit.town_type}
    unit.name, unit.town_type = name, town_type
    unit.save(update_fields=["name", "town_type"])
    audit_record(actor=actor, action="org_unit.update", obj=unit, summary=f"修改{unit.get_kind_display()}：{name}",
                 data={"before": before, "after": {"name": name, "town_type": town_type}})
    return unit


@transaction.atomic
def org_unit_delete(*, actor, unit: OrgUnit) -> None:
    """Only a unit nothing hangs on (no child, team, grant...) goes: the foreign keys protect the rest."""
    from django.db.models import ProtectedError

    _require_admin(actor, unit.jurisdiction)
    if unit.children.exists() or RoleGrant.objects.filter(org_unit=unit).exists():
        raise StateConflict("该单位下仍有下级单位或授权，不能删除。", code="unit_in_use")
    audit_record(actor=actor, action="org_unit.delete", obj=unit, summary=f"删除{unit.get_kind_display()}：{unit.name}")
    try:
        with transaction.atomic():
            unit.delete()
    except ProtectedError:
        raise StateConflict("该单位仍被其他记录引用，不能删除。", code="unit_in_use") from None


@transaction.atomic
def dispatch_unit_create(*, actor, jurisdiction: Jurisdiction, name: str, level: str) -> DispatchUnit:
    _require_admin(actor, jurisdiction)
    if DispatchUnit.objects.filter(jurisdiction=jurisdiction, name=name).exists():
        raise InvalidInput(f"已有名为“{name}”的派出单位。", code="duplicate_name")
    unit = DispatchUnit.objects.create(jurisdiction=jurisdiction, name=name, level=level)
    audit_record(actor=actor, action="dispatch_unit.create", obj=unit, summary=f"新建派出单位：{name}")
    return unit


def _validate_password(password: str, user) -> None:
    """Django's full validator set (settings.AUTH_PASSWORD_VALIDATORS), messages in Chinese (issue 14)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as e:
            raise InvalidInput("密码不符合要求：" + " ".join(str(m) for m in e.messages), code="weak_password") from None


@transaction.atomic
def user_create(*, actor, username: str, password: str, jurisdiction: Jurisdiction, cadre=None,
                display_name: str = "") -> User:
    _require_admin(actor, jurisdiction)
    if User.objects.filter(username=username).exists():
        raise InvalidInput("用户名已存在。", code="duplicate_username")
    _validate_password(password, User(username=username, display_name=display_name))
    if cadre is not None:
        if cadre.jurisdiction_id != jurisdiction.id:
            raise InvalidInput("干部不属于该辖区。", code="cadre_other_jurisdiction")
        if cadre.user_id:
            raise InvalidInput("该干部已有登录账号。", code="cadre_has_user")
    user = User(username=username, jurisdiction=jurisdiction, display_name=display_name or (cadre.name if cadre else ""))
    user.set_password(password)
    user.save()
    if cadre is not None:
        cadre.user = user
        cadre.save(update_fields=["user"])
    audit_record(actor=actor, action="user.create", obj=user, jurisdiction=jurisdiction,
                 summary=f"新建用户：{username}", data={"cadre": cadre.pk if cadre else None})
    return user


def _grant_target(grant: RoleGrant):
    return grant.org_unit or grant.dispatch_unit or grant.jurisdiction


@transaction.atomic
def role_grant_create(*, actor, user: User, role: str, jurisdiction: Jurisdiction | None = None,
                      org_unit: OrgUnit | None = None, dispatch_unit: DispatchUnit | None = None) -> RoleGrant:
    jurisdiction = jurisdiction or (org_unit.jurisdiction if org_unit else None) or \
        (dispatch_unit.jurisdiction if dispatch_unit else None) or user.jurisdiction
    if jurisdiction is None:
        raise InvalidInput("请指定授权范围（辖区、组织单位或派出单位）。", code="scope_required")
    _require_admin(actor, jurisdiction)
    if role in (Role.TEAM_LEADER, Role.CADRE):
        raise InvalidInput("队长和干部角色由任职关系自动产生，无需授权。", code="derived_role")
    for unit in (org_unit, dispatch_unit):
        if unit is not None and unit.jurisdiction_id != jurisdiction.id:
            raise InvalidInput("授权范围不属于该辖区。", code="scope_other_jurisdiction")
    if user.jurisdiction_id and user.jurisdiction_id != jurisdiction.id and not user.is_superuser:
        raise InvalidInput("用户不属于该辖区。", code="user_other_jurisdiction")
    needs = {Role.TOWNSHIP_SECRETARY: "township", Role.ATTENDANCE_CLERK: "township", Role.DISPATCH_UNIT: "dispatch"}
    if needs.get(role) == "township" and (org_unit is None or not org_unit.is_township):
        raise InvalidInput("乡镇角色须授予某个乡镇（街道）。", code="township_required")
    if needs.get(role) == "dispatch" and dispatch_unit is None:
        raise InvalidInput("派出单位角色须指定派出单位。", code="dispatch_unit_required")
    if org_unit is not None and dispatch_unit is not None:
        raise InvalidInput("授权范围只能是一个组织单位或一个派出单位。", code="one_scope")
    grant = RoleGrant.objects.create(user=user, role=role, jurisdiction=jurisdiction, org_unit=org_unit,
                                     dispatch_unit=dispatch_unit, granted_by=actor if actor.pk else None)
    # The guardian object permission mirrors the grant on its scope object (admin, has_perm checks).
    assign_perm(f"jurisdictions.{role}", user, _grant_target(grant))
    audit_record(actor=actor, action="role_grant.create", obj=grant, jurisdiction=jurisdiction,
                 summary=f"授予{user}：{grant.get_role_display()}（{_grant_target(grant)}）")
    return grant


@transaction.atomic
def role_grant_revoke(*, actor, grant: RoleGrant) -> None:
    _require_admin(actor, grant.jurisdiction)
    target = _grant_target(grant)
    audit_record(actor=actor, action="role_grant.revoke", obj=grant, jurisdiction=grant.jurisdiction,
                 summary=f"撤销{grant.user}：{grant.get_role_display()}（{target}）")
    same = RoleGrant.objects.filter(user=grant.user, role=grant.role, org_unit=grant.org_unit,
                                    dispatch_unit=grant.dispatch_unit, jurisdiction=grant.jurisdiction)
    if same.count() == 1:
        remove_perm(f"jurisdictions.{grant.role}", grant.user, target)
    grant.delete()


@transaction.atomic
def policy_row_add(*, actor, jurisdiction: Jurisdiction, key: str, value, effective_from: date, rule_ref: str,
                   note: str = "", is_default: bool = False) -> PolicyRow:
    """A new version of a rule. Existing versions are never edited: history keeps what it applied."""
    if actor is not None:
        _require_admin(actor, jurisdiction)
    if PolicyRow.objects.filter(jurisdiction=jurisdiction, key=key, effective_from=effective_from).exists():
        raise InvalidInput("该规则在此生效日期已有版本，请选择新的生效日期。", code="duplicate_version")
    if not rule_ref.strip():
        raise InvalidInput("请填写依据条款（如 ganzhou art.17）。", code="rule_ref_required")
    row = PolicyRow.objects.create(jurisdiction=jurisdiction, key=key, value=value, effective_from=effective_from,
                                   rule_ref=rule_ref.strip(), note=note, is_default=is_default,
                                   created_by=actor if actor is not None and actor.pk else None)
    reference_cache.forget()  # the rest of this request reads the new version too
    audit_record(actor=actor, action="policy_row.add", obj=row, jurisdiction=jurisdiction,
                 summary=f"{key} 自{effective_from}起生效", data={"value": value, "rule_ref": row.rule_ref})
    return row


def _rate_field(raw) -> bool:
    """A field that holds a rate: a yuan string like "100.00", or null while the text leaves it open."""
    if raw is None:
        return True
    if not isinstance(raw, str):
        return False
    try:
        Decimal(raw)
    except (InvalidOperation, ValueError):
        return False
    return "." in raw


def _check_version(jurisdiction: Jurisdiction, key: str, value, effective_from: date) -> None:
    """A single version is checked by the same schema as a pack row; a leave route also with the other routes
    in force that day (every day count from 1 up exactly one route). 400 `invalid_policy`, nothing saved."""
    from .policy import NoPolicy, policy_in_force
    from .policy_schema import ROUTE_PREFIX, InvalidPolicy, route_coverage_errors, validate_value

    errors = validate_value(key, value)
    if not errors and key.startswith(ROUTE_PREFIX):
        try:
            routes = {pv.key: pv.value for pv in policy_in_force(jurisdiction, effective_from).with_prefix(ROUTE_PREFIX)}
        except NoPolicy:
            routes = {}
        errors = route_coverage_errors(routes | {key: value})
    if errors:
        raise InvalidPolicy(errors)


@transaction.atomic
def policy_version_add(*, actor, jurisdiction: Jurisdiction, key: str, value, effective_from: date,
                       rule_ref: str | None = None, note: str = "", reason: str = "") -> PolicyRow:
    """A jurisdiction admin enters a new version of an existing policy row (e.g. a rate the regulation leaves
    open), from the API or the policy page. Rows are never edited: the new version takes effect on
    `effective_from`; a second version on the same date is a 409, a key the jurisdiction lacks a 400. A dict value
    is merged into the version it follows (fields not given carry over); a rate field must be yuan (≥ 0, 2 places).
    The article carries over unless given; a version citing no article (`<code> default`) is marked default."""
    # callers fetch the jurisdiction through `access_jurisdiction` first (out of scope: 404)
    if not scope_for(actor).is_admin_of(jurisdiction.id):
        raise NotPermitted("只有本辖区管理员可以录入政策规则的新版本。")
    Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()  # two admins entering the same date
    rows = PolicyRow.objects.filter(jurisdiction=jurisdiction, key=key)
    base = (rows.filter(effective_from__lte=effective_from).order_by("-effective_from").first()
            or rows.order_by("effective_from").first())
    if base is None:
        raise InvalidInput(f"本辖区没有规则“{key_label(key)}”（{key}），只能为已有规则录入新版本。", code="unknown_key")
    if rows.filter(effective_from=effective_from).exists():
        raise StateConflict(f"规则“{key_label(key)}”在{effective_from}已有版本；已有版本不能修改，请选择新的生效日期。",
                            code="duplicate_version")
    if type(value) is not type(base.value):
        raise InvalidInput("取值格式与原规则不一致。", code="bad_value")
    if effective_from < timezone.localdate() and not reason.strip():
        # issue 16: a back-dated version needs its reason on record (decisions already taken keep their snapshots)
        raise InvalidInput(f"生效日期{effective_from}早于今天：追溯生效的版本须填写原因（已作出的决定不受影响）。",
                           code="reason_required")
    if isinstance(base.value, dict):
        if not isinstance(value, dict):
            raise InvalidInput("取值应为对象（字段: 值）。", code="invalid_value")
        unknown = sorted(set(value) - set(base.value))
        if unknown:
            raise InvalidInput(f"规则“{key_label(key)}”没有字段：{'、'.join(unknown)}。", code="unknown_field")
        merged = dict(base.value)
        for name, raw in value.items():
            if _rate_field(base.value.get(name)) and raw is not None:
                try:
                    amount = to_money(str(raw))
                except (InvalidOperation, ValueError):
                    amount = None
                if amount is None or amount < 0:
                    raise InvalidInput(f"“{name}”应为不小于0的金额（元，两位小数）。", code="invalid_rate")
                raw = str(amount)
            merged[name] = raw
        value = merged
    _check_version(jurisdiction, key, value, effective_from)
    ref = (rule_ref or "").strip() or base.rule_ref
    row = PolicyRow.objects.create(jurisdiction=jurisdiction, key=key, value=value, effective_from=effective_from,
                                   rule_ref=ref, note=note.strip(), is_default=ref.endswith(" default"),
                                   created_by=actor if actor.pk else None)
    reference_cache.forget()  # the rest of this request reads the new version too
    audit_record(actor=actor, action="policy_row.add", obj=row, jurisdiction=jurisdiction,
                 summary=f"{key} 新版本自{effective_from}起生效",
                 data={"value": value, "previous": base.value, "previous_id": base.pk, "rule_ref": ref,
                       "reason": reason.strip()})
    return row


@transaction.atomic
def calendar_day_set(*, actor, day: date, is_working_day: bool, name: str = "") -> CalendarDay:
    # The State Council's calendar is national: one entry serves every jurisdiction, so only a superuser edits it.
    if not getattr(actor, "is_superuser", False):
        raise NotPermitted("法定节假日安排由系统管理员统一录入。")
    entry, _ = CalendarDay.objects.update_or_create(date=day, defaults={"is_working_day": is_working_day, "name": name})
    reference_cache.forget()  # the rest of this request reads the entered day too
    audit_record(actor=actor, action="calendar_day.set", obj=entry, jurisdiction=None,
                 summary=f"{day} {'上班' if is_working_day else '放假'} {name}")
    return entry


def notify(*, user, message: str, link: str = "") -> None:
    from .models import Notification

    Notification.objects.create(user=user, message=message[:255], link=link)


@transaction.atomic
def notifications_mark_read(*, actor) -> int:
    from django.utils import timezone

    from .models import Notification

    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


# ---- onboarding and policy packs (issue 16) ------------------------------------------------------------------

@transaction.atomic
def jurisdiction_create(*, actor, code: str, name: str, level: str, effective_from: date, document: str = "",
                        admin_username: str = "", admin_password: str = "") -> Jurisdiction:
    """A superuser opens a new county: the tenant and (optionally) its first jurisdiction admin. Its rules come
    next, as a policy pack imported by that admin; until then every rule answers `no_policy`."""
    from .models import Role as R

    if not getattr(actor, "is_superuser", False):
        raise NotPermitted("只有系统管理员可以新建辖区。")
    code = code.strip().lower()
    if Jurisdiction.objects.filter(code=code).exists():
        raise InvalidInput(f"代码“{code}”已被使用。", code="duplicate_code")
    if level not in Jurisdiction.Level.values:
        raise InvalidInput("层级应为 city、county 或 district。", code="bad_level")
    j = Jurisdiction.objects.create(code=code, name=name.strip(), level=level, document=document.strip(),
                                    effective_from=effective_from)
    audit_record(actor=actor, action="jurisdiction.create", obj=j, jurisdiction=j,
                 summary=f"新建辖区：{j.name}（{code}），文件自{effective_from}起施行")
    if admin_username:
        admin = user_create(actor=actor, username=admin_username, password=admin_password, jurisdiction=j,
                            display_name=f"{j.name}管理员")
        role_grant_create(actor=actor, user=admin, role=R.JURISDICTION_ADMIN, jurisdiction=j)
    return j


def _pack_row_create(*, actor, jurisdiction, row: dict, effective_from: date, reason: str, data: dict) -> PolicyRow:
    new = PolicyRow.objects.create(jurisdiction=jurisdiction, key=row["key"], value=row["value"],
                                   effective_from=effective_from, rule_ref=row["rule_ref"], note=row["note"],
                                   is_default=row["is_default"],
                                   created_by=actor if actor is not None and actor.pk else None)
    reference_cache.forget()  # the rest of this request reads the new version too
    audit_record(actor=actor, action="policy_row.add", obj=new, jurisdiction=jurisdiction,
                 summary=f"{row['key']} 自{effective_from}起生效（政策包导入）",
                 data={"value": row["value"], "rule_ref": row["rule_ref"], "reason": reason, **data})
    return new


@transaction.atomic
def policy_pack_import(*, actor, jurisdiction: Jurisdiction, rows: dict, effective_from: date, dry_run: bool,
                       reason: str = "") -> dict:
    """Import a pack (parsed by `packs.parse_pack`): the pack is the whole set of rules in force from
    `effective_from`. Every row is checked against its schema and the rows together (leave routes); any error
    refuses the pack (400 `invalid_policy`) and nothing is saved. The answer is the diff against the rules in
    force that day — added, changed (old → new), removed — and `saved`; with `dry_run` nothing is saved.
    Saving writes a new version of each added or changed row and a removal version of each removed one;
    unchanged rows are not touched and no existing version is edited, so decisions keep their snapshots.
    A date before today (a back-dated version) needs a reason."""
    from django.utils import timezone

    from .packs import current_rows, diff_rows, validate_pack
    from .policy import REMOVED
    from .policy_schema import unavailable_features

    if not scope_for(actor).is_admin_of(jurisdiction.id):
        raise NotPermitted("只有本辖区管理员可以导入政策包。")
    validate_pack(rows)
    Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
    diff = diff_rows(current_rows(jurisdiction, effective_from), rows)
    answer = {**diff, "effective_from": effective_from.isoformat(), "saved": False,
              "unavailable": unavailable_features(rows), "backdated": effective_from < timezone.localdate(),
              # articles still citing another jurisdiction's document (a pack begun from its export): allowed, but
              # the page says so, since "fengdu art.9" would read as Fengdu's article in this county
              "foreign_refs": sorted(k for k, r in rows.items() if r["rule_ref"].split(" ", 1)[0] != jurisdiction.code)}
    if dry_run:
        return answer
    reason = reason.strip()
    if answer["backdated"] and not reason:
        raise InvalidInput(f"生效日期{effective_from}早于今天：追溯生效的版本须填写原因（已作出的决定不受影响）。",
                           code="reason_required")
    touched = diff["added"] + [c["key"] for c in diff["changed"]] + diff["removed"]
    taken = set(PolicyRow.objects.filter(jurisdiction=jurisdiction, effective_from=effective_from, key__in=touched)
                .values_list("key", flat=True))
    if taken:
        raise StateConflict(f"规则“{'、'.join(sorted(taken))}”在{effective_from}已有版本；已有版本不能修改，"
                            "请选择新的生效日期。", code="duplicate_version")
    for key in diff["added"] + [c["key"] for c in diff["changed"]]:
        _pack_row_create(actor=actor, jurisdiction=jurisdiction, row=rows[key], effective_from=effective_from,
                         reason=reason, data={"pack": True})
    for key in diff["removed"]:
        _pack_row_create(actor=actor, jurisdiction=jurisdiction,
                         row={"key": key, "value": REMOVED, "rule_ref": f"{jurisdiction.code} default",
                              "note": "政策包未含此规则，自此日起不适用", "is_default": True},
                         effective_from=effective_from, reason=reason, data={"pack": True, "removed": True})
    audit_record(actor=actor, action="policy_pack.import", obj=jurisdiction, jurisdiction=jurisdiction,
                 summary=f"导入政策包，自{effective_from}起：新增{len(diff['added'])}条，变更{len(diff['changed'])}条，"
                         f"停用{len(diff['removed'])}条",
                 data={"added": diff["added"], "changed": [c["key"] for c in diff["changed"]],
                       "removed": diff["removed"], "reason": reason})
    answer["saved"] = True
    return answer


@transaction.atomic
def pack_load(*, jurisdiction: Jurisdiction, rows: list[dict]) -> tuple[int, int]:
    """The seeded jurisdictions' packs (`seed_policies`): rows [{key, value, rule_ref, is_default, note,
    effective_from}] checked by the same schemas as an import (the set in force on each of their dates), then
    written idempotently: a missing version is created, a seeded version (no one entered it) refreshed from the
    code; a version an admin entered is never touched. Returns (created, updated)."""
    from .policy_schema import check_rows

    for day in sorted({r["effective_from"] for r in rows}):
        in_force: dict = {}
        for r in sorted((r for r in rows if r["effective_from"] <= day), key=lambda r: r["effective_from"]):
            in_force[r["key"]] = r["value"]
        check_rows(in_force)
    created = updated = 0
    for r in rows:
        existing = PolicyRow.objects.filter(jurisdiction=jurisdiction, key=r["key"],
                                            effective_from=r["effective_from"]).first()
        values = {"value": r["value"], "rule_ref": r["rule_ref"], "note": r["note"], "is_default": r["is_default"]}
        if existing is None:
            PolicyRow.objects.create(jurisdiction=jurisdiction, key=r["key"], effective_from=r["effective_from"],
                                     **values)
            created += 1
        elif existing.created_by_id is None and any(getattr(existing, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(existing, k, v)
            existing.save()
            updated += 1
    reference_cache.forget()
    return created, updated

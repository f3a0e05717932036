"""Every write on cadres, teams and memberships. Rules come from the policy table (POLICY.md §2–§3)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jurisdictions.approvals import approve_in_stage
from jurisdictions.audit import audit_record
from jurisdictions.errors import InvalidInput, NotPermitted, RuleViolation, StateConflict
from jurisdictions.models import COUNTY_ROLES, DispatchUnit, Jurisdiction, OrgUnit, Role
from jurisdictions.policy import Policy, policy_in_force
from jurisdictions.scoping import scope_for

from . import rules
from .idcard import id_number_problems
from .models import Cadre, Handover, Membership, RuleOverride, Team
from .rules import Candidate, Finding, TeamFacts, add_years, selection_findings, team_checks

# Who manages people in a jurisdiction: the admin and the county (or city) departments.
MANAGER_ROLES = COUNTY_ROLES | {Role.JURISDICTION_ADMIN, Role.CITY_ORG_DEPT, Role.CITY_OFFICE}


def require_manager(actor, jurisdiction: Jurisdiction, org_path: str | None = None) -> None:
    """Managers over the place (`org_path`), or — for people not yet placed — anywhere in the jurisdiction,
    including a county office granted on a county inside a city."""
    scope = scope_for(actor)
    if org_path is not None:
        allowed = scope.holds_any(MANAGER_ROLES, jurisdiction_id=jurisdiction.id, org_path=org_path)
    else:
        allowed = scope.is_superuser or any(g.role in MANAGER_ROLES and g.jurisdiction_id == jurisdiction.id
                                            for g in scope.grants)
    if not allowed:
        raise NotPermitted("只有辖区管理员或县（市）组织、驻村工作部门可以进行此操作。")


# ---- cadres -----------------------------------------------------------------------------------

CADRE_FIELDS = ("name", "gender", "birth_date", "id_number", "party_status", "party_joined_on", "work_started_on",
                "rank", "reserve_cadre", "category", "dispatch_unit", "dispatch_level", "phone", "commute_km",
                "self_driving")


def registered_id_numbers(jurisdiction: Jurisdiction, id_numbers) -> set[str]:
    """Which of these ID numbers are already registered. One query, for a form or a whole roster."""
    wanted = {n.upper() for n in id_numbers if n}
    if not wanted:
        return set()
    return set(Cadre.objects.filter(jurisdiction=jurisdiction, id_number__in=wanted).values_list("id_number", flat=True))


def cadre_problems(*, jurisdiction: Jurisdiction, data: dict, exclude_id: int | None = None,
                   registered: set[str] | None = None) -> dict[str, list[str]]:
    """Field -> Chinese messages. Shared by the API, the page form and the roster import (which passes the
    `registered` ID numbers it looked up for all rows at once)."""
    problems: dict[str, list[str]] = {}
    if data.get("id_number"):
        msgs = id_number_problems(data["id_number"], birth_date=data.get("birth_date"), gender=data.get("gender"))
        if msgs:
            problems["id_number"] = msgs
        else:
            number = data["id_number"].upper()
            if registered is None:
                dup = Cadre.objects.filter(jurisdiction=jurisdiction, id_number=number)
                duplicate = dup.exclude(pk=exclude_id).exists() if exclude_id else dup.exists()
            else:
                duplicate = number in registered
            if duplicate:
                problems["id_number"] = ["该身份证号已登记。"]
    unit = data.get("dispatch_unit")
    if unit is not None and unit.jurisdiction_id != jurisdiction.id:
        problems["dispatch_unit"] = ["派出单位不属于该辖区。"]
    today = timezone.localdate()
    for f, label in (("birth_date", "出生日期"), ("party_joined_on", "入党时间"), ("work_started_on", "参加工作时间")):
        if data.get(f) and data[f] > today:
            problems.setdefault(f, []).append(f"{label}不能晚于今天。")
    if data.get("party_status") == "none" and data.get("party_joined_on"):
        problems.setdefault("party_joined_on", []).append("非党员不应填写入党时间。")
    if data.get("party_joined_on") and data.get("birth_date") and data["party_joined_on"] <= data["birth_date"]:
        problems.setdefault("party_joined_on", []).append("入党时间应晚于出生日期。")
    return problems


def _raise_problems(problems: dict[str, list[str]]) -> None:
    if problems:
        field, msgs = next(iter(problems.items()))
        raise InvalidInput(msgs[0], code="invalid_" + field, errors=problems)


def _cadre_build(jurisdiction: Jurisdiction, data: dict) -> Cadre:
    values = {f: data.get(f) for f in CADRE_FIELDS if f in data}
    values["id_number"] = (values.get("id_number") or "").upper()
    for f in ("phone",):
        values[f] = values.get(f) or ""
    for f in ("reserve_cadre", "self_driving"):
        values[f] = bool(values.get(f))
    return Cadre(jurisdiction=jurisdiction, **values)


@transaction.atomic
def cadre_create(*, actor, jurisdiction: Jurisdiction, data: dict) -> Cadre:
    require_manager(actor, jurisdiction)
    _raise_problems(cadre_problems(jurisdiction=jurisdiction, data=data))
    cadre = _cadre_build(jurisdiction, data)
    try:
        with transaction.atomic():
            cadre.save()
    except IntegrityError:
        raise InvalidInput("该身份证号已登记。", code="invalid_id_number") from None
    audit_record(actor=actor, action="cadre.create", obj=cadre, summary=f"登记干部：{cadre.name}")
    return cadre


@transaction.atomic
def cadre_update(*, actor, cadre: Cadre, data: dict) -> Cadre:
    require_manager(actor, cadre.jurisdiction)
    cadre = Cadre.objects.select_for_update().select_related("jurisdiction").get(pk=cadre.pk)
    merged = {f: getattr(cadre, f) for f in CADRE_FIELDS} | data
    _raise_problems(cadre_problems(jurisdiction=cadre.jurisdiction, data=merged, exclude_id=cadre.pk))
    changed = {}
    for f, v in data.items():
        if f in CADRE_FIELDS and getattr(cadre, f) != v:
            changed[f] = str(v)
            setattr(cadre, f, v.upper() if f == "id_number" and v else v)
    cadre.save()
    audit_record(actor=actor, action="cadre.update", obj=cadre, summary=f"修改干部信息：{cadre.name}", data=changed)
    return cadre


@transaction.atomic
def cadres_import(*, actor, jurisdiction: Jurisdiction, rows: list[dict]) -> list[Cadre]:
    """All or nothing: the caller validated every row already; this re-checks and saves them together."""
    require_manager(actor, jurisdiction)
    created = []
    registered = registered_id_numbers(jurisdiction, [r.get("id_number", "") for r in rows])
    for data in rows:
        _raise_problems(cadre_problems(jurisdiction=jurisdiction, data=data, registered=registered))
        cadre = _cadre_build(jurisdiction, data)
        cadre.save()
        created.append(cadre)
    audit_record(actor=actor, action="cadre.import", obj=created[0] if created else jurisdiction,
                 jurisdiction=jurisdiction, summary=f"批量导入干部{len(created)}人",
                 data={"ids": [c.pk for c in created]})
    return created


# ---- teams ------------------------------------------------------------------------------------

@transaction.atomic
def team_create(*, actor, jurisdiction: Jurisdiction, kind: str, name: str, host_unit: OrgUnit, dispatch_level: str,
                term_start: date, term_end: date | None = None, lead_unit: DispatchUnit | None = None,
                member_units: list[DispatchUnit] | tuple = ()) -> Team:
    require_manager(actor, jurisdiction, org_path=host_unit.path)
    if host_unit.jurisdiction_id != jurisdiction.id:
        raise InvalidInput("驻点不属于该辖区。", code="host_unit_other_jurisdiction")
    if host_unit.kind not in (OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.STREET, OrgUnit.Kind.VILLAGE):
        raise InvalidInput("驻点应为乡镇、街道或村。", code="bad_host_unit")
    if kind == Team.Kind.VILLAGE and host_unit.kind != OrgUnit.Kind.VILLAGE:
        raise InvalidInput("驻村工作队的驻点应为村。", code="bad_host_unit")
    for unit in [lead_unit, *member_units]:
        if unit is not None and unit.jurisdiction_id != jurisdiction.id:
            raise InvalidInput("牵头或成员单位不属于该辖区。", code="unit_other_jurisdiction")
    policy = policy_in_force(jurisdiction, term_start)
    if host_unit.kind == OrgUnit.Kind.VILLAGE:
        _refuse_second_team_in_village(policy, host_unit)
    term = policy.get("term.years")
    if term_end is None and term:
        term_end = add_years(term_start, term.value["years"])
    if term_end is not None and term_end <= term_start:
        raise InvalidInput("任期结束日期应晚于开始日期。", code="bad_term")
    if (term and term.value.get("minimum") and term.value.get("severity", "hard") == "hard" and term_end
            and term_end < add_years(term_start, term.value["years"])):
        raise RuleViolation(f"任期不少于{term.value['years']}年。", code="term_too_short", rule_ref=term.rule_ref,
                            overridable=False)
    team = Team.objects.create(jurisdiction=jurisdiction, kind=kind, name=name, host_unit=host_unit,
                               dispatch_level=dispatch_level, term_start=term_start, term_end=term_end,
                               term_rule_ref=term.rule_ref if term else "", lead_unit=lead_unit)
    if member_units:
        team.member_units.set(member_units)
    audit_record(actor=actor, action="team.create", obj=team, summary=f"组建工作队：{name}")
    return team


def _refuse_second_team_in_village(policy: Policy, village: OrgUnit, exclude_team_id: int | None = None) -> None:
    # linfen art.4: 省市县三级不能重复派驻 — one team per village
    pv = policy.get("team.one_team_per_village")
    if not pv:
        return
    # two appointments to the same village at once: the village row serializes them
    OrgUnit.objects.select_for_update().filter(pk=village.pk).first()
    others = Team.objects.filter(host_unit=village, ended_on__isnull=True)
    fs = Membership.objects.filter(village=village, first_secretary=True, end_date__isnull=True)
    if exclude_team_id:
        others = others.exclude(pk=exclude_team_id)
        fs = fs.exclude(team_id=exclude_team_id)
    if others.exists() or fs.exists():
        raise RuleViolation(f"{village.name}已有驻村工作队（第一书记），不得重复派驻。", code="village_has_team",
                            rule_ref=pv.rule_ref, overridable=False)


def team_facts(team: Team, memberships: list[Membership]) -> TeamFacts:
    leaders = [m for m in memberships if m.role == Membership.Role.LEADER]
    categories: dict[str, int] = {}
    for m in memberships:
        categories[m.cadre.category] = categories.get(m.cadre.category, 0) + 1
    return TeamFacts(
        member_count=len(memberships),
        leader_count=len(leaders),
        leader_is_first_secretary=leaders[0].first_secretary if leaders else None,
        categories=categories,
        leader_unit_id=leaders[0].cadre.dispatch_unit_id if leaders else None,
        lead_unit_id=team.lead_unit_id,
        member_unit_ids={u.id for u in team.member_units.all()},
        units_present={m.cadre.dispatch_unit_id for m in memberships if m.role != Membership.Role.LEADER},
        term_start=team.term_start,
        term_end=team.term_end,
    )


def team_checks_now(team: Team, memberships: list[Membership], policy: Policy | None = None) -> list[Finding]:
    policy = policy or policy_in_force(team.jurisdiction, timezone.localdate())
    return team_checks(policy, team_facts(team, memberships))


# ---- memberships ------------------------------------------------------------------------------

def _candidate(cadre: Cadre, *, role: str, first_secretary: bool, on: date,
               team_unit_ids: frozenset = frozenset()) -> Candidate:
    return Candidate(party_status=cadre.party_status, party_joined_on=cadre.party_joined_on,
                     work_started_on=cadre.work_started_on, birth_date=cadre.birth_date, rank=cadre.rank,
                     reserve_cadre=cadre.reserve_cadre, category=cadre.category, dispatch_level=cadre.dispatch_level,
                     role=role, first_secretary=first_secretary, on=on, dispatch_unit_id=cadre.dispatch_unit_id,
                     team_unit_ids=team_unit_ids)


def _team_unit_ids(team: Team) -> frozenset:
    """The team's lead and member units (成员单位), for 曲江 art.5 由成员单位在编人员担任."""
    ids = set(team.member_units.values_list("id", flat=True))
    if team.lead_unit_id:
        ids.add(team.lead_unit_id)
    return frozenset(ids)


def _require_team_manager(actor, team: Team) -> None:
    require_manager(actor, team.jurisdiction, org_path=team.host_unit.path)


@transaction.atomic
def membership_add(*, actor, team: Team, cadre: Cadre, role: str, start_date: date, first_secretary: bool = False,
                   village: OrgUnit | None = None, override_reason: str = "") -> tuple[Membership, list[Finding]]:
    """Put a cadre on a team. Hard rules refuse; soft rules refuse unless a reason is given, which is kept."""
    _require_team_manager(actor, team)
    return _membership_add(actor=actor, team=team, cadre=cadre, role=role, start_date=start_date,
                           first_secretary=first_secretary, village=village, override_reason=override_reason)


def _membership_add(*, actor, team: Team, cadre: Cadre, role: str, start_date: date, first_secretary: bool = False,
                    village: OrgUnit | None = None, override_reason: str = "") -> tuple[Membership, list[Finding]]:
    """membership_add without the manager check: also used when a personnel case's successor joins."""
    team = Team.objects.select_for_update().select_related("jurisdiction", "host_unit").get(pk=team.pk)
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if cadre.jurisdiction_id != team.jurisdiction_id:
        raise InvalidInput("干部与工作队不属于同一辖区。", code="cadre_other_jurisdiction")
    if role not in Membership.Role.values:
        raise InvalidInput("角色应为队长、队员或产业指导员。", code="bad_role")
    if team.ended_on:
        raise StateConflict("该工作队已撤队。", code="team_ended")
    if start_date < team.term_start:
        raise InvalidInput("到岗日期不能早于工作队任期开始日期。", code="start_before_term")
    if team.term_end and start_date >= team.term_end:
        raise InvalidInput("到岗日期不能晚于工作队任期结束日期。", code="start_after_term")
    if first_secretary:
        if village is None:
            raise InvalidInput("第一书记须指定任职村。", code="village_required")
    if village is not None:
        if village.kind != OrgUnit.Kind.VILLAGE or not village.path.startswith(team.township.path):
            raise InvalidInput("任职村须是工作队所在乡镇的村。", code="village_outside_team")

    policy = policy_in_force(team.jurisdiction, start_date)
    one = policy.get("team.one_active_assignment")
    if Membership.objects.filter(cadre=cadre, end_date__isnull=True).exists():
        raise RuleViolation(f"{cadre.name}已在其他工作队任职，一名干部只能有一个在岗任职。", code="cadre_already_assigned",
                            rule_ref=one.rule_ref if one else f"{team.jurisdiction.code} default", overridable=False)
    leader = policy.get("team.one_active_leader")
    if role == Membership.Role.LEADER and Membership.objects.filter(
            team=team, role=Membership.Role.LEADER, end_date__isnull=True).exists():
        raise RuleViolation("该工作队已有队长。", code="team_has_leader",
                            rule_ref=leader.rule_ref if leader else f"{team.jurisdiction.code} default", overridable=False)
    if first_secretary and village is not None:
        _refuse_second_team_in_village(policy, village, exclude_team_id=team.pk)

    needs_units = any(pv.value.get("check") == "from_team_unit" for pv in policy.with_prefix("selection."))
    findings = selection_findings(policy, _candidate(cadre, role=role, first_secretary=first_secretary, on=start_date,
                                                     team_unit_ids=_team_unit_ids(team) if needs_units else frozenset()))
    hard = [f for f in findings if f.severity == "hard"]
    if hard:
        raise RuleViolation(hard[0].detail, code=hard[0].code, rule_ref=hard[0].rule_ref, overridable=False,
                            errors=[f.as_dict() for f in hard])
    soft = [f for f in findings if f.severity == "soft"]
    reason = (override_reason or "").strip()
    if soft and not reason:
        raise RuleViolation(soft[0].detail + "如确需选派，请填写理由（override_reason）。", code=soft[0].code,
                            rule_ref=soft[0].rule_ref, overridable=True, errors=[f.as_dict() for f in soft])

    term = policy.get("term.years")
    planned_end = team.term_end or (add_years(start_date, term.value["years"]) if term else None)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                team=team, cadre=cadre, role=role, first_secretary=first_secretary, village=village,
                start_date=start_date, planned_end=planned_end, term_rule_ref=term.rule_ref if term else "",
                policy_snapshot=policy.snapshot([pv.key for pv in policy.with_prefix("selection.")]),
                created_by=actor if actor.pk else None,
            )
    except IntegrityError:
        raise StateConflict("该干部或队长岗位刚被其他操作占用，请刷新后重试。", code="assignment_race") from None
    for f in soft:
        RuleOverride.objects.create(membership=membership, code=f.code, rule_ref=f.rule_ref, detail=f.detail,
                                    reason=reason, overridden_by=actor)
    cadre.station = village or team.host_unit
    cadre.save(update_fields=["station"])
    audit_record(actor=actor, action="membership.add", obj=membership, jurisdiction=team.jurisdiction,
                 summary=f"{cadre.name}加入{team.name}（{membership.get_role_display()}）",
                 data={"overrides": [f.as_dict() | {"reason": reason} for f in soft]})
    return membership, soft


CASE_KINDS = ("recall", "adjustment")


def end_grounds(policy: Policy, kind: str) -> tuple[list[str], str | None]:
    pv = policy.get(f"term.end_grounds.{kind}")
    return (pv.value["grounds"], pv.rule_ref) if pv else ([], None)


@transaction.atomic
def membership_end(*, actor, membership: Membership, end_date: date, kind: str, ground: str,
                   note: str = "") -> Membership:
    """Rotation, adjustment, recall or term end; the grounds come from the policy's lists."""
    membership = Membership.objects.select_for_update().select_related(
        "team", "team__jurisdiction", "team__host_unit", "cadre").get(pk=membership.pk)
    team = membership.team
    _require_team_manager(actor, team)
    if membership.end_date:
        raise StateConflict("该任职已结束。", code="membership_ended")
    if end_date < membership.start_date:
        raise InvalidInput("离岗日期不能早于到岗日期。", code="end_before_start")
    if kind not in Membership.EndKind.values:
        raise InvalidInput("离岗方式无效。", code="bad_end_kind")
    policy = policy_in_force(team.jurisdiction, end_date)
    from .rules import case_route_prefix

    routes = policy.with_prefix(case_route_prefix(policy, kind)) if kind in CASE_KINDS else []
    if routes:  # issue 11: where the policy routes this kind through a case, it ends only by the case's decision
        raise RuleViolation(f"按规定，{Membership.EndKind(kind).label}须提出调整与召回申请，经审批后方可离岗"
                            f"（{routes[0].value.get('label', '')}）。", code="case_required",
                            rule_ref=routes[0].rule_ref, overridable=False,
                            errors={"link": f"/personnel-cases/new/?cadre={membership.cadre_id}&kind={kind}"})
    grounds, rule_ref = end_grounds(policy, kind)
    if grounds and ground not in grounds:
        raise InvalidInput("离岗事由须从规定的情形中选择：" + "；".join(grounds), code="bad_ground",
                           errors={"ground": grounds})
    keep = policy.get("team.keep_previous_member")
    if keep and kind in keep.value["on"]:
        # linfen art.4: on adjusting members keep at least one of the previous batch
        peers = Membership.objects.filter(team=team, end_date__isnull=True,
                                          start_date__lte=membership.start_date).exclude(pk=membership.pk)
        if not peers.exists():
            raise RuleViolation("调整队员时须保留至少1名原工作队队员。", code="keep_previous_member",
                                rule_ref=keep.rule_ref, overridable=False)
    _refuse_leaving_before_requirements(policy, membership, kind, end_date)
    membership.end_date = end_date
    membership.end_kind = kind
    membership.end_ground = ground
    membership.end_rule_ref = rule_ref or ""
    membership.end_note = note
    membership.save()
    cadre = membership.cadre
    cadre.station = None
    cadre.save(update_fields=["station"])
    audit_record(actor=actor, action=f"membership.{kind}", obj=membership, jurisdiction=team.jurisdiction,
                 summary=f"{cadre.name}离开{team.name}（{membership.get_end_kind_display()}：{ground}）",
                 data={"rule_ref": rule_ref, "note": note})
    return membership


def _leave_post_done(membership: Membership, required, end_date: date) -> set[str]:
    """Which of the `term.leave_post_after` requirements this membership meets by `end_date`: a graded term-end
    assessment of the cadre (of this membership, or of none named), and this membership's handover dated no later
    than the departure (handed over, then withdrawn: "完成…工作交接后方可撤回")."""
    from assessment.models import Assessment
    from assessment.models import Kind as AssessmentKind

    done = set()
    if "term_end_assessment" in required and Assessment.objects.filter(
            Q(membership=membership) | Q(membership__isnull=True), cadre_id=membership.cadre_id,
            period__kind=AssessmentKind.TERM_END, status=Assessment.Status.GRADED).exists():
        done.add("term_end_assessment")
    if "handover" in required and Handover.objects.filter(membership=membership, date__lte=end_date).exists():
        done.add("handover")
    return done


def _refuse_leaving_before_requirements(policy: Policy, membership: Membership, kind: str, end_date: date) -> None:
    """曲江 art.19/26 "完成期满考核和工作交接后方可撤回", 赣州 art.18 "压茬交接": leaving at the end of the term
    (term end, rotation) waits for what `term.leave_post_after` requires."""
    row = policy.get("term.leave_post_after")
    if row is None or kind not in rules.LEAVING_AT_TERM_END:
        return
    required = row.value.get("requires", [])
    _, missing = rules.leave_post_missing(policy, kind, _leave_post_done(membership, required, end_date))
    if missing:
        labels = [rules.LEAVE_POST_REQUIREMENTS.get(r, r) for r in missing]
        needed = "和".join(rules.LEAVE_POST_REQUIREMENTS.get(r, r) for r in required)
        raise RuleViolation(f"按规定，{membership.cadre.name}须完成{needed}后方可离岗；尚未完成："
                            f"{'、'.join(labels)}。", code="leave_post_requirements", rule_ref=row.rule_ref,
                            overridable=False, errors={"missing": missing, "requires": list(required)})


@transaction.atomic
def handover_record(*, actor, membership: Membership, successor: Cadre | None, day: date,
                    items: str) -> Handover:
    """工作交接: record what the leaving cadre handed over, when, and to whom (the successor may be none). One per
    membership; it is what `term.leave_post_after` "handover" asks for before a term-end departure."""
    membership = Membership.objects.select_for_update(of=("self",)).select_related(
        "team", "team__jurisdiction", "team__host_unit", "cadre").get(pk=membership.pk)
    team = membership.team
    _require_team_manager(actor, team)
    if Handover.objects.filter(membership=membership).exists():
        raise StateConflict(f"{membership.cadre.name}的本次任职已办理工作交接。", code="handover_exists")
    if membership.end_date:
        raise StateConflict("该任职已结束，不能再办理工作交接。", code="membership_ended")
    problems: dict[str, list[str]] = {}
    items = (items or "").strip()
    if not items:
        problems["items"] = ["请填写交接内容（工作台账、档案资料、在办事项等）。"]
    if day < membership.start_date:
        problems["date"] = ["交接日期不能早于到岗日期。"]
    elif day > timezone.localdate():
        problems["date"] = ["交接日期不能晚于今天：工作交接办完后再记录。"]
    if successor is not None:
        if successor.jurisdiction_id != team.jurisdiction_id:
            problems["successor"] = ["接手人员须为本辖区的干部。"]
        elif successor.pk == membership.cadre_id:
            problems["successor"] = ["接手人员不能是交出工作的干部本人。"]
    if problems:
        field, msgs = next(iter(problems.items()))
        raise InvalidInput(msgs[0], code="invalid_" + field, errors=problems)
    try:
        with transaction.atomic():
            handover = Handover.objects.create(jurisdiction_id=team.jurisdiction_id, membership=membership,
                                               successor=successor, date=day, items=items, recorded_by=actor)
    except IntegrityError:
        raise StateConflict(f"{membership.cadre.name}的本次任职已办理工作交接。", code="handover_exists") from None
    to = f"交给{successor.name}" if successor else "（无接手人员）"
    audit_record(actor=actor, action="membership.handover", obj=handover, jurisdiction=team.jurisdiction,
                 summary=f"{membership.cadre.name}在{team.name}办理工作交接{to}（{day}）",
                 data={"membership": membership.pk, "successor": successor.pk if successor else None,
                       "date": day.isoformat(), "items": items[:500]})
    return handover


# ---- personnel cases (issue 11): recall, adjustment, mid-term replacement ------------------------------------------
# The leave engine's shape: routes from policy rows (`case.route.*`), joint stages, filings, the case row locked on
# every decision (two deciders at once: one wins, the other 409), audit in the same transaction, the inbox.

def case_link(case) -> str:
    return f"/personnel-cases/{case.pk}/"


def _role_label(case, role: str) -> str:
    from leave.rules import role_label

    return role_label(role, case.jurisdiction.level)


def _notify_case_role(case, role: str, message: str) -> int:
    from jurisdictions.services import notify
    from leave.selectors import approver_users

    users = approver_users(request=case, role=role)
    for user in users:
        notify(user=user, message=message, link=case_link(case))
    return len(users)


def _may_propose(actor, cadre: Cadre, team: Team, township: OrgUnit, proposers) -> bool:
    scope = scope_for(actor)
    if scope.is_superuser:
        return True
    if "cadre" in proposers and cadre.user_id and cadre.user_id == actor.pk:
        return True
    return scope.holds_any([r for r in proposers if r != "cadre"], jurisdiction_id=cadre.jurisdiction_id,
                           org_path=township.path, dispatch_unit_id=cadre.dispatch_unit_id) or \
        scope.is_admin_of(cadre.jurisdiction_id)


def _keep_previous_member(policy, membership: Membership, kind: str) -> None:
    """linfen art.4: on adjusting members keep at least one of the previous batch."""
    keep = policy.get("team.keep_previous_member")
    if keep and rules.CASE_END_KIND[kind] in keep.value["on"]:
        peers = Membership.objects.filter(team_id=membership.team_id, end_date__isnull=True,
                                          start_date__lte=membership.start_date).exclude(pk=membership.pk)
        if not peers.exists():
            raise RuleViolation("调整队员时须保留至少1名原工作队队员。", code="keep_previous_member",
                                rule_ref=keep.rule_ref, overridable=False)


@transaction.atomic
def personnel_case_open(*, actor, cadre: Cadre, kind: str, ground, note: str = "", successor: Cadre | None = None,
                        flag=None):
    """POST personnel-cases/: the ground from the policy's list, the route (proposers, stages, filings) from
    `case.route.<kind>.*`, steps required first (曲江 art.20), one open case per cadre."""
    from .models import CadreWarning, CaseApproval, CaseFiling, PersonnelCase

    if kind not in PersonnelCase.Kind.values:
        raise InvalidInput("类型应为召回、调整或中途更换。", code="bad_kind")
    cadre = Cadre.objects.select_for_update().select_related("jurisdiction", "dispatch_unit").get(pk=cadre.pk)
    membership = (Membership.objects.filter(cadre=cadre, end_date__isnull=True)
                  .select_related("team", "team__host_unit", "team__host_unit__parent").first())
    if membership is None:
        raise InvalidInput("该干部当前没有驻村任职。", code="no_membership")
    team, township = membership.team, membership.team.township
    today = timezone.localdate()
    policy = policy_in_force(cadre.jurisdiction, today)
    route = rules.case_route(policy, kind, dispatch_level=cadre.dispatch_level, served_from=membership.start_date,
                             on=today)
    if route is None:
        raise InvalidInput("本辖区政策表中没有适用于该事项的审批规则，请联系辖区管理员。", code="no_route")
    proposers = route.value.get("proposers", [])
    if not _may_propose(actor, cadre, team, township, proposers):
        raise NotPermitted("按规定该事项应由" + "、".join(_role_label_for(cadre, r) for r in proposers) + "提出。")
    found = rules.case_ground(policy, kind, ground)
    if found is None:
        grounds = rules.case_grounds(policy, kind)
        raise InvalidInput("情形须从规定的情形中选择：" + "；".join(g["label"] for g in grounds), code="bad_ground",
                           rule_ref=grounds[0]["rule_ref"] if grounds else route.rule_ref,
                           errors={"ground": [g["code"] for g in grounds]})
    steps = route.value.get("requires_steps") or []
    if kind == PersonnelCase.Kind.RECALL and steps and not CadreWarning.objects.filter(
            cadre=cadre, kind__in=steps, date__gte=membership.start_date).exists():
        names = "或".join(CadreWarning.Kind(s).label for s in steps)
        raise RuleViolation(f"召回前须先对该干部进行{names}，经教育帮助仍不胜任的方可召回；请先记录{names}。",
                            code="steps_required", rule_ref=route.rule_ref, overridable=False)
    _keep_previous_member(policy, membership, kind)
    if successor is not None:
        if successor.jurisdiction_id != cadre.jurisdiction_id or successor.pk == cadre.pk:
            raise InvalidInput("接替人员须为本辖区的其他干部。", code="bad_successor")
        if Membership.objects.filter(cadre=successor, end_date__isnull=True).exists():
            raise InvalidInput(f"{successor.name}已在其他工作队任职。", code="successor_assigned")
    if flag is not None and (flag.cadre_id != cadre.pk or flag.kind != "recall_candidate"):
        raise InvalidInput("召回提示与该干部不符。", code="bad_flag")
    if PersonnelCase.objects.filter(cadre=cadre, status__in=["pending", "awaiting_successor"]).exists():
        raise StateConflict("该干部已有未办结的调整与召回申请。", code="case_open")
    stages = route.value.get("stages", [])
    case = PersonnelCase.objects.create(
        jurisdiction_id=cadre.jurisdiction_id, cadre=cadre, membership=membership, team=team, township=township,
        kind=kind, ground_code=found["code"], ground=found["label"], ground_rule_ref=found["rule_ref"],
        note=(note or "").strip(), route_key=route.key, rule_ref=route.rule_ref, route_is_default=route.is_default,
        route_snapshot=route.as_dict() | {"key": route.key},
        successor_required=bool(route.value.get("successor_required")), successor=successor, flag=flag,
        proposed_by=actor)
    CaseApproval.objects.bulk_create([
        CaseApproval(case=case, stage=n, role=role,
                     status=CaseApproval.Status.PENDING if n == 1 else CaseApproval.Status.WAITING)
        for n, stage in enumerate(stages, start=1) for role in stage])
    CaseFiling.objects.bulk_create([CaseFiling(case=case, role=role, rule_ref=route.rule_ref)
                                    for role in route.value.get("filings", [])])
    audit_record(actor=actor, action="case.open", obj=case,
                 summary=f"提出{cadre.name}{case.get_kind_display()}：{case.ground}（{route.rule_ref}）",
                 data={"route": route.key, "rule_ref": route.rule_ref, "ground": found, "stages": stages,
                       "flag": flag.pk if flag else None})
    for role in stages[0] if stages else []:
        _notify_case_role(case, role, f"待审批：{cadre.name}{case.get_kind_display()}（{case.ground}）")
    return case


def _role_label_for(cadre, role: str) -> str:
    from leave.rules import role_label

    return role_label(role, cadre.jurisdiction.level)


def _case_actionable(actor, case, approvals):
    from leave.selectors import may_act_as

    from .models import CaseApproval

    scope = scope_for(actor)
    mine = [a for a in approvals if may_act_as(scope, a.role, case)]
    if not mine:
        raise NotPermitted("您不是该事项的审批人。")
    if case.status != case.Status.PENDING:
        raise StateConflict(f"该事项当前状态为“{case.get_status_display()}”，不能再审批。", code="already_decided")
    if not scope.is_superuser and any(a.decided_by_id == actor.pk for a in approvals):
        raise StateConflict("您已审批过该事项；联合审批须由各审批单位分别审批。", code="already_decided")
    pending = [a for a in mine if a.status == CaseApproval.Status.PENDING]
    if pending:
        return pending[0]
    if any(a.status == CaseApproval.Status.APPROVED for a in mine):
        raise StateConflict("您所在单位已审批过该事项。", code="already_decided")
    raise NotPermitted("该事项尚未进入您的审批环节。")


def _lock_case(case_id: int):
    from .models import PersonnelCase

    return PersonnelCase.objects.select_for_update(of=("self",)).select_related(
        "cadre", "cadre__dispatch_unit", "cadre__jurisdiction", "township", "team", "jurisdiction", "membership",
    ).get(pk=case_id)


def _case_finish_approved(actor, case) -> None:
    """The last approval: the membership ends (end_kind, end_ground, rule_ref), consequences are recorded,
    filings filed, the dispatch unit notified; a case whose policy requires a successor waits for one."""
    from jurisdictions.services import notify

    from .models import Consequence

    now, today = timezone.now(), timezone.localdate()
    policy = policy_in_force(case.jurisdiction, today)
    _keep_previous_member(policy, case.membership, case.kind)
    membership = Membership.objects.select_for_update().get(pk=case.membership_id)
    end_kind = rules.CASE_END_KIND[case.kind]
    membership.end_date = max(today, membership.start_date)
    membership.end_kind = end_kind
    membership.end_ground = case.ground[:200]
    membership.end_rule_ref = case.rule_ref
    membership.end_note = f"调整与召回第{case.pk}号：{case.note}"[:2000]
    membership.save(update_fields=["end_date", "end_kind", "end_ground", "end_rule_ref", "end_note"])
    cadre = case.cadre
    cadre.station = None
    cadre.save(update_fields=["station"])
    Consequence.objects.bulk_create([
        Consequence(jurisdiction_id=case.jurisdiction_id, cadre=cadre, case=case, kind=kind, starts_on=today,
                    until=until, rule_ref=case.rule_ref)
        for kind, until in rules.consequence_spans(case.route_snapshot.get("value") or {}, today)])
    case.status = case.Status.AWAITING_SUCCESSOR if case.successor_required else case.Status.APPROVED
    case.decided_at = now
    if not case.successor_required:
        case.closed_at = now
    case.save(update_fields=["status", "decided_at", "closed_at"])
    audit_record(actor=actor, action=f"membership.{end_kind}", obj=membership, jurisdiction=case.jurisdiction,
                 summary=f"{cadre.name}离开{case.team.name}（{case.get_kind_display()}：{case.ground}）",
                 data={"rule_ref": case.rule_ref, "case": case.pk})
    message = f"{cadre.name}{case.get_kind_display()}已批准（{case.ground}）"
    for filing in case.filings.all():
        filing.filed_at = now
        filing.save(update_fields=["filed_at"])
        _notify_case_role(case, filing.role, f"备案：{message}")
        audit_record(actor=actor, action="case.file", obj=case, summary=f"报{_role_label(case, filing.role)}备案",
                     data={"role": filing.role, "rule_ref": filing.rule_ref})
    if not any(f.role == Role.DISPATCH_UNIT for f in case.filings.all()):
        _notify_case_role(case, Role.DISPATCH_UNIT, f"通知：{message}"
                          + ("，请及时选派接替人员" if case.successor_required else ""))
    if cadre.user_id:
        notify(user=cadre.user, link=case_link(case), message=f"您的{case.get_kind_display()}已批准（{case.ground}）")


@transaction.atomic
def personnel_case_approve(*, actor, case_id: int, comment: str = ""):
    case = _lock_case(case_id)
    approvals = list(case.approvals.order_by("stage", "id"))
    approval = _case_actionable(actor, case, approvals)
    opened = approve_in_stage(approval=approval, approvals=approvals, actor=actor, comment=comment)
    audit_record(actor=actor, action="case.approve", obj=case,
                 summary=f"{_role_label(case, approval.role)}同意（第{approval.stage}环节）",
                 data={"approval": approval.pk, "role": approval.role, "stage": approval.stage, "comment": comment})
    for a in opened or []:
        _notify_case_role(case, a.role, f"待审批：{case.cadre.name}{case.get_kind_display()}")
    if opened is None:
        _case_finish_approved(actor, case)
    return case


@transaction.atomic
def personnel_case_reject(*, actor, case_id: int, comment: str):
    from jurisdictions.services import notify

    from .models import CaseApproval

    if not (comment or "").strip():
        raise InvalidInput("不同意时请填写意见。", code="comment_required")
    case = _lock_case(case_id)
    approvals = list(case.approvals.order_by("stage", "id"))
    approval = _case_actionable(actor, case, approvals)
    now = timezone.now()
    approval.status = CaseApproval.Status.REJECTED
    approval.decided_by = actor
    approval.decided_at = now
    approval.comment = comment.strip()
    approval.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    case.approvals.filter(status__in=[CaseApproval.Status.PENDING, CaseApproval.Status.WAITING]).update(
        status=CaseApproval.Status.CLOSED)
    case.status = case.Status.REJECTED
    case.decided_at = case.closed_at = now
    case.save(update_fields=["status", "decided_at", "closed_at"])
    audit_record(actor=actor, action="case.reject", obj=case,
                 summary=f"{_role_label(case, approval.role)}不同意：{comment.strip()}",
                 data={"approval": approval.pk, "role": approval.role, "stage": approval.stage})
    if case.proposed_by_id:
        notify(user=case.proposed_by, link=case_link(case),
               message=f"{case.cadre.name}{case.get_kind_display()}未获批准：{comment.strip()}")
    return case


@transaction.atomic
def personnel_case_successor_join(*, actor, case_id: int, successor: Cadre, start_date: date,
                                  override_reason: str = ""):
    """The dispatch unit (or a manager) names the successor, who joins the team in the departed cadre's post
    (selection rules apply as for any new member); the case then closes (临汾 art.9 “派出单位要及时选派新人”)."""
    case = _lock_case(case_id)
    scope = scope_for(actor)
    manager = scope.holds_any(MANAGER_ROLES, jurisdiction_id=case.jurisdiction_id, org_path=case.township.path)
    if not manager and not scope.holds(Role.DISPATCH_UNIT, jurisdiction_id=case.jurisdiction_id,
                                       dispatch_unit_id=case.cadre.dispatch_unit_id):
        raise NotPermitted("只有该干部的派出单位或组织、驻村工作部门可以安排接替人员。")
    if case.status != case.Status.AWAITING_SUCCESSOR:
        raise StateConflict(f"该事项当前状态为“{case.get_status_display()}”，不能安排接替人员。", code="not_awaiting")
    old = case.membership
    membership, _ = _membership_add(actor=actor, team=case.team, cadre=successor, role=old.role,
                                    start_date=start_date, first_secretary=old.first_secretary, village=old.village,
                                    override_reason=override_reason)
    now = timezone.now()
    case.successor = successor
    case.status = case.Status.APPROVED
    case.closed_at = now
    case.save(update_fields=["successor", "status", "closed_at"])
    audit_record(actor=actor, action="case.successor", obj=case,
                 summary=f"{successor.name}接替{case.cadre.name}到岗（{case.rule_ref}）",
                 data={"successor": successor.pk, "membership": membership.pk, "rule_ref": case.rule_ref})
    return case


@transaction.atomic
def cadre_warning_record(*, actor, cadre: Cadre, kind: str, day: date, note: str = ""):
    """批评教育 / 诫勉谈话 by the township party committee (曲江 art.20), before a recall."""
    from .models import CadreWarning

    membership = Membership.objects.filter(cadre=cadre, end_date__isnull=True).select_related(
        "team", "team__host_unit", "team__host_unit__parent").first()
    if membership is None:
        raise InvalidInput("该干部当前没有驻村任职。", code="no_membership")
    township = membership.team.township
    if not scope_for(actor).holds_any([Role.TOWNSHIP_SECRETARY, Role.JURISDICTION_ADMIN],
                                      jurisdiction_id=cadre.jurisdiction_id, org_path=township.path):
        raise NotPermitted("批评教育、诫勉谈话由乡镇党委记录。")
    if kind not in CadreWarning.Kind.values:
        raise InvalidInput("方式应为批评教育或诫勉谈话。", code="bad_kind")
    if day > timezone.localdate():
        raise InvalidInput("日期不能晚于今天。", code="future_date")
    policy = policy_in_force(cadre.jurisdiction, day)
    route = rules.case_route(policy, "recall", dispatch_level=cadre.dispatch_level,
                             served_from=membership.start_date, on=day)
    ref = route.rule_ref if route else f"{cadre.jurisdiction.code} default"
    warning = CadreWarning.objects.create(jurisdiction_id=cadre.jurisdiction_id, cadre=cadre, kind=kind, date=day,
                                          note=(note or "").strip(), rule_ref=ref, recorded_by=actor)
    audit_record(actor=actor, action="case.warning", obj=warning, jurisdiction=cadre.jurisdiction,
                 summary=f"{cadre.name}：{warning.get_kind_display()}（{day}）", data={"rule_ref": ref})
    return warning

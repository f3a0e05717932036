"""Every write on fund accounts, expenditures, signatures and receipts (POLICY.md §9).

Lock order, everywhere: the account row first, then the expenditure row. Balance checks run under the
account lock; signatures under the expenditure lock (and the DB's one-live-signature constraints).
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from jurisdictions.audit import audit_record
from jurisdictions.errors import InvalidInput, NotPermitted, RuleViolation, StateConflict
from jurisdictions.models import COUNTY_ROLES, TOWNSHIP_ROLES, Role, RoleGrant
from jurisdictions.policy import Policy, policy_in_force
from jurisdictions.scoping import scope_for
from jurisdictions.services import notify
from teams.models import Membership, Team

from . import rules, selectors
from .models import Expenditure, FundAccount, Receipt, Signature, Source

MANAGER_ROLES = COUNTY_ROLES | {Role.JURISDICTION_ADMIN, Role.CITY_OFFICE, Role.CITY_ORG_DEPT, Role.CITY_RR_BUREAU,
                                Role.FINANCE}
RECEIPT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
RECEIPT_MAX_BYTES = 10 * 1024 * 1024
VOIDING_FIELDS = ("amount", "payee", "category")


def may_manage_funds(actor, team: Team) -> bool:
    """Team leader of the team, township staff of its township, county-level roles, admin, finance."""
    scope = scope_for(actor)
    if team.id in scope.led_team_ids:
        return True
    where = {"jurisdiction_id": team.jurisdiction_id, "org_path": team.host_unit.path,
             "dispatch_unit_id": team.lead_unit_id}
    return scope.holds_any(TOWNSHIP_ROLES | MANAGER_ROLES, **where)


def require_fund_manager(actor, team: Team) -> None:
    if not may_manage_funds(actor, team):
        raise NotPermitted("只有本队队长、所在乡镇、县级部门、财务或辖区管理员可以管理工作经费。",
                           code="not_fund_manager")


def policy_date_for_year(year: int) -> date:
    """The policy a year's budget is read from: today for this year, 31 Dec for past years, 1 Jan for future ones."""
    today = timezone.localdate()
    if year == today.year:
        return today
    return date(year, 12, 31) if year < today.year else date(year, 1, 1)


def team_facts(team: Team) -> rules.TeamFacts:
    members = Membership.objects.filter(team=team, end_date__isnull=True).count()
    return rules.TeamFacts(kind=team.kind, host_name=team.host_unit.name, dispatch_level=team.dispatch_level,
                           active_members=members)


def budget_proposal(*, team: Team, year: int, policy: Policy | None = None) -> rules.Proposal:
    policy = policy or policy_in_force(team.jurisdiction, policy_date_for_year(year))
    return rules.budget_proposal(policy, team_facts(team))


def forbidden_categories(account: FundAccount) -> dict[str, str]:
    """category → rule_ref of the categories the policy in force today forbids (the page disables them)."""
    pv = policy_in_force(account.jurisdiction, timezone.localdate()).get("funds.forbidden_categories")
    return {c: pv.rule_ref for c in pv.value.get("categories", [])} if pv else {}


def account_review(account: FundAccount) -> tuple[rules.Proposal, list[rules.Finding]]:
    """What the policy proposes for the account's team and year, and the checks on the account."""
    policy = policy_in_force(account.jurisdiction, policy_date_for_year(account.year))
    proposal = budget_proposal(team=account.team, year=account.year, policy=policy)
    total = Decimal("0.00")
    if proposal.minimum is not None:
        total = FundAccount.objects.filter(team_id=account.team_id, year=account.year, source=account.source
                                           ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return proposal, rules.budget_checks(policy, proposal=proposal, source=account.source, amount=account.amount,
                                         source_total=total)


def account_checks(account: FundAccount) -> list[rules.Finding]:
    return account_review(account)[1]


# ---- accounts ---------------------------------------------------------------------------------

@transaction.atomic
def account_open(*, actor, team: Team, year: int, source: str, amount: Decimal | None = None,
                 note: str = "") -> FundAccount:
    """Open a team's account for a year. Without `amount`, the amount the policy names is used."""
    require_fund_manager(actor, team)
    if team.ended_on:
        raise StateConflict("该工作队已撤队，不能再开立经费账户。", code="team_ended")
    if source not in Source.values:
        raise InvalidInput("经费来源无效。", code="bad_source")
    if not 2000 <= year <= 2100:
        raise InvalidInput("年度无效。", code="bad_year")
    proposal = budget_proposal(team=team, year=year)
    if amount is None:
        if proposal.amount is None:
            raise InvalidInput("政策未规定本队经费金额，请填写金额。", code="amount_required",
                               rule_ref=proposal.rule_ref)
        amount = proposal.amount
    amount = rules.money(amount)
    if amount <= 0:
        raise InvalidInput("金额须大于0。", code="bad_amount")
    if FundAccount.objects.filter(team=team, year=year, source=source).exists():
        raise StateConflict("该工作队本年度已有该来源的经费账户。", code="account_exists")
    try:
        with transaction.atomic():
            account = FundAccount.objects.create(
                jurisdiction=team.jurisdiction, team=team, year=year, source=source, amount=amount,
                proposed_amount=proposal.amount, budget_rule_ref=proposal.rule_ref or "", note=note,
                created_by=actor if actor.pk else None)
    except IntegrityError:
        raise StateConflict("该工作队本年度已有该来源的经费账户。", code="account_exists") from None
    audit_record(actor=actor, action="fund_account.open", obj=account,
                 summary=f"开立经费账户：{team.name} {year}年 {account.get_source_display()} {amount}元",
                 data={"amount": str(amount), "proposal": proposal.as_dict()})
    return account


@transaction.atomic
def account_update(*, actor, account: FundAccount, amount: Decimal, note: str | None = None) -> FundAccount:
    """Change the budget; never below what is already approved or pending."""
    account = FundAccount.objects.select_for_update(of=("self",)).select_related(
        "team", "team__host_unit", "jurisdiction").get(pk=account.pk)
    require_fund_manager(actor, account.team)
    amount = rules.money(amount)
    committed = selectors.committed_excluding(account=account)
    if amount < committed:
        pv = policy_in_force(account.jurisdiction, timezone.localdate()).get("funds.no_overspend")
        raise RuleViolation(f"已批准和待审批支出合计{committed}元，账户金额不能低于此数。",
                            code="budget_below_committed", rule_ref=pv.rule_ref if pv else None, overridable=False)
    old = account.amount
    account.amount = amount
    if note is not None:
        account.note = note
    account.save(update_fields=["amount", "note"])
    audit_record(actor=actor, action="fund_account.update", obj=account,
                 summary=f"调整经费账户金额：{old}→{amount}元", data={"from": str(old), "to": str(amount)})
    return account


# ---- expenditures -----------------------------------------------------------------------------

def _check_category(policy: Policy, category: str) -> list[rules.Finding]:
    findings = rules.category_findings(policy, category)
    hard = [f for f in findings if f.severity == "hard"]
    if hard:
        raise RuleViolation(hard[0].detail, code=hard[0].code, rule_ref=hard[0].rule_ref, overridable=False)
    return findings


def _check_balance(policy: Policy, account: FundAccount, amount: Decimal, exclude_id: int | None = None) -> None:
    committed = selectors.committed_excluding(account=account, exclude_id=exclude_id)
    if rules.overspend(budget=account.amount, committed_others=committed, amount=amount):
        pv = policy.get("funds.no_overspend")
        available = account.amount - committed
        raise RuleViolation(f"余额不足：账户可用余额{available}元，本笔支出{amount}元。", code="insufficient_balance",
                            rule_ref=pv.rule_ref if pv else f"{account.jurisdiction.code} default", overridable=False)


def _lock_account(account_id: int) -> FundAccount:
    return FundAccount.objects.select_for_update(of=("self",)).select_related(
        "team", "team__host_unit", "team__host_unit__parent", "jurisdiction").get(pk=account_id)


@transaction.atomic
def expenditure_create(*, actor, account: FundAccount, amount: Decimal, category: str, payee: str,
                       description: str = "") -> Expenditure:
    account = _lock_account(account.pk)
    require_fund_manager(actor, account.team)
    amount = rules.money(amount)
    if amount <= 0:
        raise InvalidInput("金额须大于0。", code="bad_amount")
    if not payee.strip():
        raise InvalidInput("请填写收款方。", code="payee_required")
    policy = policy_in_force(account.jurisdiction, timezone.localdate())
    findings = _check_category(policy, category)
    _check_balance(policy, account, amount)
    signers = rules.required_signers(policy)
    expenditure = Expenditure.objects.create(
        jurisdiction=account.jurisdiction, account=account, amount=amount, category=category, payee=payee.strip(),
        description=description, required_signers=signers.roles, signers_rule_ref=signers.rule_ref,
        signers_default=signers.is_default, warnings=[f.as_dict() for f in findings],
        policy_snapshot=policy.snapshot(["funds.signers", "funds.forbidden_categories", "funds.allowed_categories",
                                         "funds.no_overspend"]),
        created_by=actor if actor.pk else None)
    audit_record(actor=actor, action="expenditure.create", obj=expenditure,
                 summary=f"登记支出：{payee} {amount}元（{expenditure.get_category_display()}）",
                 data={"account": account.pk, "amount": str(amount), "category": category, "payee": payee,
                       "warnings": expenditure.warnings})
    _notify_signers(actor, expenditure,
                    f"待签字：{account.team.name} {payee} {amount}元（{expenditure.get_category_display()}）")
    return expenditure


@transaction.atomic
def expenditure_update(*, actor, expenditure: Expenditure, data: dict) -> Expenditure:
    """Edit a pending expenditure. Changing amount, payee or category voids every signature given so far."""
    account = _lock_account(expenditure.account_id)
    expenditure = Expenditure.objects.select_for_update(of=("self",)).get(pk=expenditure.pk)
    require_fund_manager(actor, account.team)
    if expenditure.is_decided:
        raise StateConflict(f"该支出已{expenditure.get_status_display()}，不能修改。", code="expenditure_decided")
    if "account" in data and data["account"] is not None and data["account"].pk != account.pk:
        raise InvalidInput("不能更换经费账户，请驳回后重新登记。", code="account_immutable")
    changes = {}
    for field in ("amount", "category", "payee", "description"):
        if field not in data or data[field] is None:
            continue
        value = rules.money(data[field]) if field == "amount" else data[field]
        if field == "payee":
            value = value.strip()
            if not value:
                raise InvalidInput("请填写收款方。", code="payee_required")
        if getattr(expenditure, field) != value:
            changes[field] = (getattr(expenditure, field), value)
    if not changes:
        return expenditure
    policy = policy_in_force(account.jurisdiction, timezone.localdate())
    if "category" in changes:
        expenditure.warnings = [f.as_dict() for f in _check_category(policy, changes["category"][1])]
    if "amount" in changes:
        if changes["amount"][1] <= 0:
            raise InvalidInput("金额须大于0。", code="bad_amount")
        _check_balance(policy, account, changes["amount"][1], exclude_id=expenditure.pk)
    for field, (_, new) in changes.items():
        setattr(expenditure, field, new)
    expenditure.revision += 1
    expenditure.save()
    audit_record(actor=actor, action="expenditure.update", obj=expenditure,
                 summary=f"修改支出：{'、'.join(changes)}",
                 data={f: [str(old), str(new)] for f, (old, new) in changes.items()})
    voiding = [f for f in VOIDING_FIELDS if f in changes]
    if voiding:
        reason = "修改了" + "、".join({"amount": "金额", "payee": "收款方", "category": "类别"}[f] for f in voiding)
        if _void_signatures(actor, expenditure, reason=reason):
            expenditure.account = account
            _notify_signers(actor, expenditure, f"签字已作废，请重新签字：{account.team.name} {expenditure.payee} "
                                                f"{expenditure.amount}元（{reason}）")
    return expenditure


def _void_signatures(actor, expenditure: Expenditure, *, reason: str) -> int:
    live = list(Signature.objects.filter(expenditure=expenditure, voided_at__isnull=True).select_related("user"))
    if not live:
        return 0
    now = timezone.now()
    Signature.objects.filter(pk__in=[s.pk for s in live]).update(voided_at=now, voided_by=actor, void_reason=reason)
    audit_record(actor=actor, action="expenditure.signatures_voided", obj=expenditure,
                 summary=f"签字作废（{reason}）：{len(live)}个",
                 data={"reason": reason, "signatures": [{"role": s.role, "user": s.user_id,
                                                         "signed_at": s.signed_at.isoformat()} for s in live]})
    return len(live)


def signer_user_ids(team: Team, roles) -> set[int]:
    """Users who hold one of `roles` for this team (the leader's login; grants over its township). Two queries."""
    ids: set[int] = set()
    if Role.TEAM_LEADER in roles:
        ids.update(Membership.objects.filter(team=team, role=Membership.Role.LEADER, end_date__isnull=True,
                                             cadre__user__isnull=False).values_list("cadre__user_id", flat=True))
    granted = [r for r in roles if r != Role.TEAM_LEADER]
    if granted:
        parts = team.township.path.strip("/").split("/")
        prefixes = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
        where = Q(org_unit__isnull=True, dispatch_unit__isnull=True) | Q(org_unit__path__in=prefixes)
        if team.lead_unit_id:
            where |= Q(dispatch_unit_id=team.lead_unit_id)
        ids.update(RoleGrant.objects.filter(where, role__in=granted, jurisdiction_id=team.jurisdiction_id)
                   .values_list("user_id", flat=True))
    return ids


def _notify_signers(actor, expenditure: Expenditure, message: str) -> None:
    """In-portal notice to everyone who may still sign (the signer's page lists the work)."""
    from django.contrib.auth import get_user_model

    ids = signer_user_ids(expenditure.account.team, expenditure.required_signers) - {actor.pk}
    for user in get_user_model().objects.filter(pk__in=ids):
        notify(user=user, message=message, link="/funds/sign/")


def holds_signer_role(actor, role: str, team: Team) -> bool:
    """Does the actor hold `role` for this team? Superusers are no signers (双签 is personal)."""
    scope = scope_for(actor)
    if scope.is_superuser:
        return False
    if role == Role.TEAM_LEADER:
        return team.id in scope.led_team_ids
    return scope.holds(role, jurisdiction_id=team.jurisdiction_id, org_path=team.township.path,
                       dispatch_unit_id=team.lead_unit_id)


def signable_roles(actor, expenditure: Expenditure, signed_roles: set, signed_users: set) -> list[str]:
    if actor.pk in signed_users:
        return []
    team = expenditure.account.team
    return [r for r in expenditure.required_signers if r not in signed_roles and holds_signer_role(actor, r, team)]


@transaction.atomic
def expenditure_sign(*, actor, expenditure: Expenditure, role: str | None = None,
                     revision: int | None = None) -> Expenditure:
    """Sign as one required role; the last signature approves. Locked: concurrent signers queue here.
    With `revision` (the version the signer saw), a signature on a since-edited expenditure is a 409."""
    account = _lock_account(expenditure.account_id)
    expenditure = Expenditure.objects.select_for_update(of=("self",)).select_related(
        "account", "account__team", "account__team__host_unit", "account__team__host_unit__parent",
        "jurisdiction").get(pk=expenditure.pk)
    if expenditure.is_decided:
        raise StateConflict(f"该支出已{expenditure.get_status_display()}，不能再签字。", code="expenditure_decided")
    if revision is not None and revision != expenditure.revision:
        raise StateConflict("该支出在您查看后已被修改，请刷新后核对再签字。", code="expenditure_changed")
    live = list(Signature.objects.filter(expenditure=expenditure, voided_at__isnull=True))
    signed_roles = {s.role for s in live}
    signed_users = {s.user_id for s in live}
    if actor.pk in signed_users:
        # a state conflict (the contract's 409), not a permission problem (issue 14)
        raise StateConflict("您已在本笔支出上签字，双签须由两人分别签字。", code="already_signed")
    roles = signable_roles(actor, expenditure, signed_roles, signed_users)
    if role is not None:
        if role not in roles:
            raise NotPermitted("您不具有该签字角色，或该角色已签字。", code="not_a_signer")
        roles = [role]
    if not roles:
        raise NotPermitted("您不是本笔支出尚未签字的签批人。", code="not_a_signer")
    role = roles[0]
    try:
        with transaction.atomic():
            Signature.objects.create(expenditure=expenditure, role=role, user=actor, revision=expenditure.revision)
    except IntegrityError:
        raise StateConflict("该角色刚刚已有人签字，请刷新。", code="signature_race") from None
    signed_roles.add(role)
    audit_record(actor=actor, action="expenditure.sign", obj=expenditure,
                 summary=f"签字：{rules.ROLE_NAMES.get(role, role)}",
                 data={"role": role, "revision": expenditure.revision})
    if all(r in signed_roles for r in expenditure.required_signers):
        policy = policy_in_force(account.jurisdiction, timezone.localdate())
        _check_balance(policy, account, expenditure.amount, exclude_id=expenditure.pk)
        expenditure.status = Expenditure.Status.APPROVED
        expenditure.decided_at = timezone.now()
        expenditure.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(actor=actor, action="expenditure.approve", obj=expenditure,
                     summary=f"双签完成，支出批准：{expenditure.payee} {expenditure.amount}元",
                     data={"rule_ref": expenditure.signers_rule_ref})
    return expenditure


@transaction.atomic
def expenditure_reject(*, actor, expenditure: Expenditure, reason: str) -> Expenditure:
    """A required signer (signed or not) refuses the expenditure, with a reason."""
    expenditure = Expenditure.objects.select_for_update(of=("self",)).select_related(
        "account", "account__team", "account__team__host_unit", "account__team__host_unit__parent",
        "jurisdiction").get(pk=expenditure.pk)
    if expenditure.is_decided:
        raise StateConflict(f"该支出已{expenditure.get_status_display()}，不能驳回。", code="expenditure_decided")
    team = expenditure.account.team
    if not any(holds_signer_role(actor, r, team) for r in expenditure.required_signers):
        raise NotPermitted("只有本笔支出的签批人可以驳回。", code="not_a_signer")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写驳回理由。", code="reason_required")
    expenditure.status = Expenditure.Status.REJECTED
    expenditure.rejected_by = actor
    expenditure.reject_reason = reason
    expenditure.decided_at = timezone.now()
    expenditure.save(update_fields=["status", "rejected_by", "reject_reason", "decided_at", "updated_at"])
    audit_record(actor=actor, action="expenditure.reject", obj=expenditure, summary=f"驳回支出：{reason}",
                 data={"reason": reason})
    return expenditure


# ---- receipts ---------------------------------------------------------------------------------

@transaction.atomic
def receipt_add(*, actor, expenditure: Expenditure, upload) -> Receipt:
    expenditure = Expenditure.objects.select_for_update(of=("self",)).select_related(
        "account", "account__team", "account__team__host_unit", "account__team__host_unit__parent",
        "jurisdiction").get(pk=expenditure.pk)
    team = expenditure.account.team
    if not (may_manage_funds(actor, team)
            or any(holds_signer_role(actor, r, team) for r in expenditure.required_signers)):
        raise NotPermitted("只有经费管理人或签批人可以上传票据。", code="not_fund_manager")
    if expenditure.status == Expenditure.Status.REJECTED:
        raise StateConflict("该支出已驳回，不能再上传票据。", code="expenditure_decided")
    name = getattr(upload, "name", "") or "receipt"
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in RECEIPT_TYPES:
        raise InvalidInput("票据须为 PDF、JPG 或 PNG 文件。", code="bad_receipt_type")
    if upload.size > RECEIPT_MAX_BYTES:
        raise InvalidInput("票据文件不能超过10MB。", code="receipt_too_large")
    if upload.size == 0:
        raise InvalidInput("票据文件为空。", code="receipt_empty")
    from jurisdictions.uploads import checked_kind

    real = checked_kind(upload, allowed={".pdf", ".jpg", ".png"}, max_bytes=RECEIPT_MAX_BYTES, what="票据",
                            code="bad_receipt_type")
    if RECEIPT_TYPES[real] != RECEIPT_TYPES[ext]:  # content decides: a PDF named .jpg is refused, not stored as jpeg
        raise InvalidInput("票据内容与扩展名不符。", code="bad_receipt_type")
    receipt = Receipt(expenditure=expenditure, name=name[:255], size=upload.size, content_type=RECEIPT_TYPES[ext],
                      uploaded_by=actor)
    receipt.file.save(name, upload, save=False)
    receipt.save()
    audit_record(actor=actor, action="expenditure.receipt_add", obj=expenditure, summary=f"上传票据：{name}",
                 data={"receipt": receipt.pk, "size": upload.size})
    return receipt

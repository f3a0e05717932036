"""Reads for fund accounts and expenditures. `access_*` fetches and authorizes (404 outside scope)."""

from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce

from jurisdictions.models import OrgUnit
from jurisdictions.scoping import Scope, get_in_scope, scope_for, scope_q

from .models import Expenditure, FundAccount, Receipt, Signature

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))


def account_scope_q(scope: Scope, prefix: str = "") -> Q:
    """Who sees a team's funds: its jurisdiction's county-level roles, the township staff above its host,
    the lead dispatch unit, and the team's leader."""
    return scope_q(scope, jurisdiction=f"{prefix}team__jurisdiction_id", org_path=f"{prefix}team__host_unit__path",
                   dispatch_unit=f"{prefix}team__lead_unit_id", team=f"{prefix}team_id")


def with_totals(qs):
    """Budget, approved, pending and balance as DB aggregates (no per-row query)."""
    approved = Coalesce(Sum("expenditures__amount", filter=Q(expenditures__status=Expenditure.Status.APPROVED)), ZERO)
    pending = Coalesce(Sum("expenditures__amount", filter=Q(expenditures__status=Expenditure.Status.PENDING)), ZERO)
    return qs.annotate(approved_total=approved, pending_total=pending)


def account_list(*, user, team_id=None, year=None):
    scope = scope_for(user)
    qs = FundAccount.objects.filter(account_scope_q(scope)).select_related(
        "team", "team__host_unit", "jurisdiction")
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if year is not None:
        qs = qs.filter(year=year)
    return with_totals(qs).order_by("-year", "team_id", "source", "id")


def access_account(*, user, account_id, for_update: bool = False) -> FundAccount:
    scope = scope_for(user)
    account = get_in_scope(FundAccount.objects.filter(account_scope_q(scope)), account_id)
    qs = FundAccount.objects.select_related("team", "team__host_unit", "team__host_unit__parent", "jurisdiction")
    if for_update:
        return qs.select_for_update(of=("self",)).get(pk=account.pk)
    return with_totals(qs).get(pk=account.pk)


def account_totals(account: FundAccount) -> dict:
    """Budget, approved, pending, balance (= budget − approved − pending), 2-place Decimals."""
    approved = getattr(account, "approved_total", None)
    pending = getattr(account, "pending_total", None)
    if approved is None or pending is None:
        agg = Expenditure.objects.filter(account=account).aggregate(
            approved=Coalesce(Sum("amount", filter=Q(status=Expenditure.Status.APPROVED)), ZERO),
            pending=Coalesce(Sum("amount", filter=Q(status=Expenditure.Status.PENDING)), ZERO))
        approved, pending = agg["approved"], agg["pending"]
    return {"budget": account.amount, "approved": approved, "pending": pending,
            "balance": account.amount - approved - pending}


def committed_excluding(*, account: FundAccount, exclude_id: int | None = None) -> Decimal:
    """Approved + pending spending on the account, without one expenditure. Call under the account lock."""
    qs = Expenditure.objects.filter(account=account, status__in=[Expenditure.Status.APPROVED,
                                                                 Expenditure.Status.PENDING])
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def live_signatures_prefetch() -> Prefetch:
    return Prefetch("signature_rows", queryset=Signature.objects.filter(voided_at__isnull=True)
                    .select_related("user").order_by("signed_at", "id"), to_attr="live_signatures")


def expenditure_base():
    return Expenditure.objects.select_related(
        "account", "account__team", "account__team__host_unit", "jurisdiction", "created_by", "rejected_by",
    ).prefetch_related(live_signatures_prefetch(), "receipts")


def expenditure_list(*, user, account_id=None, status=None):
    scope = scope_for(user)
    qs = expenditure_base().filter(account_scope_q(scope, prefix="account__"))
    if account_id is not None:
        qs = qs.filter(account_id=account_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def awaiting_signature_q(scope: Scope) -> Q:
    """Pending expenditures with a required role this user holds and nobody has signed yet.
    A superuser is no signer: 双签 is a personal act of the named office holders."""
    if scope.is_superuser:
        return Q(pk__in=[])
    unsigned = lambda role: ~Exists(Signature.objects.filter(  # noqa: E731
        expenditure=OuterRef("pk"), role=role, voided_at__isnull=True))
    # the quoted element in the JSON text: works on PostgreSQL and on the SQLite of `make run` (no jsonb @>)
    requires = lambda role: Q(required_signers__icontains=f'"{role}"')  # noqa: E731
    q = Q(pk__in=[])
    if scope.led_team_ids:
        q |= Q(account__team_id__in=scope.led_team_ids) & requires("team_leader") & unsigned("team_leader")
    for g in scope.grants:
        where = Q(jurisdiction_id=g.jurisdiction_id) & requires(g.role)
        if g.org_unit_id:
            # the grant must cover the team's township (as `services.holds_signer_role` checks): a grant over
            # one village does not make its holder the signer for that village's team
            where &= (Q(account__team__host_unit__kind=OrgUnit.Kind.VILLAGE,
                        account__team__host_unit__parent__path__startswith=g.org_unit.path)
                      | (~Q(account__team__host_unit__kind=OrgUnit.Kind.VILLAGE)
                         & Q(account__team__host_unit__path__startswith=g.org_unit.path)))
        elif g.dispatch_unit_id:
            where &= Q(account__team__lead_unit_id=g.dispatch_unit_id)
        q |= where & unsigned(g.role)
    return q


def awaiting_my_signature(*, user):
    scope = scope_for(user)
    signed_by_me = Signature.objects.filter(expenditure=OuterRef("pk"), user=user, voided_at__isnull=True)
    return (expenditure_base().filter(status=Expenditure.Status.PENDING)
            .filter(awaiting_signature_q(scope)).exclude(Exists(signed_by_me)).order_by("created_at", "id"))


def access_expenditure(*, user, expenditure_id, for_update: bool = False) -> Expenditure:
    scope = scope_for(user)
    found = get_in_scope(Expenditure.objects.filter(account_scope_q(scope, prefix="account__")), expenditure_id)
    if for_update:
        return Expenditure.objects.select_for_update(of=("self",)).select_related(
            "account", "account__team", "account__team__host_unit", "account__team__host_unit__parent",
            "jurisdiction").get(pk=found.pk)
    return expenditure_base().get(pk=found.pk)


def access_receipt(*, user, expenditure_id, receipt_id) -> Receipt:
    expenditure = access_expenditure(user=user, expenditure_id=expenditure_id)
    return get_in_scope(Receipt.objects.filter(expenditure=expenditure), receipt_id)

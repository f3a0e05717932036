"""Signers and spenders acting at the same moment: the row locks and constraints decide once."""

import threading
from decimal import Decimal

from django.db import connection

from conftest import build_world
from funds import services
from funds.models import Expenditure, FundAccount, Signature
from funds.selectors import account_totals, with_totals
from jurisdictions.errors import PortalError
from jurisdictions.models import Role, User
from tests import factories as f

from .conftest import make_leader


def race(*calls):
    """Run each call in its own thread (own DB connection), released together; return codes or 'ok'."""
    results, barrier = [None] * len(calls), threading.Barrier(len(calls))

    def run(i, call):
        try:
            barrier.wait()
            call()
            results[i] = "ok"
        except PortalError as exc:
            results[i] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def fresh(user):
    """A new user object per thread: the scope is cached on the instance."""
    return User.objects.get(pk=user.pk)


def setup_team(amount="10000.00"):
    w = build_world("ganzhou")
    secretary = f.UserFactory(username="race_secretary", jurisdiction=w.jurisdiction)
    f.grant(secretary, Role.TOWNSHIP_SECRETARY, org_unit=w.township_a)
    leader = make_leader(w.team_a, "race_leader")
    account = services.account_open(actor=leader, team=w.team_a, year=2026, source="dispatch_unit",
                                    amount=Decimal(amount))
    return w, secretary, leader, account


def spend(leader, account, amount):
    return services.expenditure_create(actor=leader, account=account, amount=Decimal(amount), category="printing",
                                       payee="印刷厂")


def sign(user, expenditure):
    return lambda: services.expenditure_sign(actor=fresh(user), expenditure=expenditure)


def test_both_signers_signing_at_once_give_exactly_two_signatures_and_approve(seeded_transactional_db):
    _, secretary, leader, account = setup_team()
    e = spend(leader, account, "1000.00")
    assert race(sign(secretary, e), sign(leader, e)) == ["ok", "ok"]
    assert Signature.objects.filter(expenditure=e, voided_at__isnull=True).count() == 2
    assert Expenditure.objects.get(pk=e.pk).status == "approved"


def test_one_signer_clicking_twice_at_once_signs_once(seeded_transactional_db):
    _, secretary, leader, account = setup_team()
    e = spend(leader, account, "1000.00")
    results = race(sign(secretary, e), sign(secretary, e))
    assert sorted(results) == ["already_signed", "ok"]
    assert Signature.objects.filter(expenditure=e).count() == 1
    assert Expenditure.objects.get(pk=e.pk).status == "pending"


def test_two_spendings_at_once_never_exceed_the_balance(seeded_transactional_db):
    """Balance = amount − (approved + pending), checked under the account lock."""
    _, secretary, leader, account = setup_team()
    results = race(lambda: spend(fresh(leader), account, "6000.00"), lambda: spend(fresh(leader), account, "6000.00"))
    assert sorted(results) == ["insufficient_balance", "ok"]
    totals = account_totals(with_totals(FundAccount.objects.filter(pk=account.pk)).get())
    assert totals["pending"] == Decimal("6000.00") and totals["balance"] == Decimal("4000.00")


def test_concurrent_approvals_and_raises_keep_the_ledger_within_the_budget(seeded_transactional_db):
    _, secretary, leader, account = setup_team()
    a, b = spend(leader, account, "4000.00"), spend(leader, account, "4000.00")
    c = spend(leader, account, "1000.00")
    raise_a = lambda: services.expenditure_update(actor=fresh(leader), expenditure=a,  # noqa: E731
                                                  data={"amount": Decimal("5000.00")})
    raise_b = lambda: services.expenditure_update(actor=fresh(leader), expenditure=b,  # noqa: E731
                                                  data={"amount": Decimal("5000.00")})
    results = race(raise_a, raise_b, sign(secretary, c), sign(leader, c))
    assert sorted(results[:2]) == ["insufficient_balance", "ok"] and results[2:] == ["ok", "ok"]
    totals = account_totals(with_totals(FundAccount.objects.filter(pk=account.pk)).get())
    assert totals["approved"] == Decimal("1000.00")
    assert totals["pending"] == Decimal("9000.00")  # 5000 + 4000: exactly one raise got through
    assert totals["balance"] == Decimal("0.00")

"""Expenditures and the dual signature (双签), through the public API (POLICY.md §9)."""

from decimal import Decimal

import pytest

from conftest import build_world
from funds import services
from funds.models import Expenditure, Signature
from jurisdictions.models import AuditEvent, Role
from tests import factories as f

from .conftest import make_leader

pytestmark = pytest.mark.django_db


def post_expenditure(client, account, **over):
    body = {"account": account.id, "amount": "500.00", "category": "printing", "payee": "印刷厂",
            "description": "宣传册"} | over
    return client.post("/api/v1/expenditures/", body, format="json")


# ---- categories ---------------------------------------------------------------------------------

@pytest.mark.parametrize("category", ["meals_hospitality", "personal"])
def test_ganzhou_art26_refuses_meals_and_personal_costs_with_the_rule_ref(api, leader, account, category):
    """ganzhou art.26: 不得用于餐饮招待费等以及应由驻村干部个人自行承担的费用开支."""
    r = post_expenditure(api(leader), account, category=category)
    assert r.status_code == 400
    assert r.json()["code"] == "category_forbidden"
    assert r.json()["rule_ref"] == "ganzhou art.26"
    assert r.json()["overridable"] is False
    assert not Expenditure.objects.filter(account=account).exists()


def test_ganzhou_art26_allowed_list_ends_in_a_catch_all_so_other_categories_pass_without_warning(
        api, leader, account):
    r = post_expenditure(api(leader), account, category="other")
    assert r.status_code == 201, r.json()
    assert r.json()["warnings"] == []


def test_qujiang_art23_four_prohibitions_refuse_personal_costs(api, db):
    """qujiang art.23 “四个不准”: 不准在镇（村）报销应由个人或者帮扶单位承担的费用."""
    w = build_world("qujiang")
    leader = make_leader(w.team_a, "qj_leader")
    account = services.account_open(actor=leader, team=w.team_a, year=2026, source="dispatch_unit",
                                    amount=Decimal("5000"))
    r = post_expenditure(api(leader), account, category="personal")
    assert r.status_code == 400
    assert r.json()["rule_ref"] == "qujiang art.23"


def test_xinfeng_sec7_main_uses_are_not_exhaustive_so_equipment_is_a_warning_not_a_refusal(api, db):
    """xinfeng sec.七: 主要用于乡村振兴宣传、日常工作开支 — warn, don't refuse."""
    w = build_world("xinfeng")
    leader = make_leader(w.team_a, "xf_leader")
    account = services.account_open(actor=leader, team=w.team_a, year=2026, source="county_finance",
                                    amount=Decimal("10000"))
    r = post_expenditure(api(leader), account, category="equipment")
    assert r.status_code == 201
    assert r.json()["warnings"][0]["code"] == "category_outside_main_uses"
    assert r.json()["warnings"][0]["rule_ref"] == "xinfeng sec.七"


def test_fengdu_art19_permissive_list_warns_on_labour_and_is_silent_on_archives(api, db):
    """fengdu art.19: 可用于政策宣传、会议培训、档案完善、考察学习及办公用品等."""
    w = build_world("fengdu")
    leader = make_leader(w.team_a, "fd_leader")
    account = services.account_open(actor=leader, team=w.team_a, year=2026, source="county_finance",
                                    amount=Decimal("10000"))
    client = api(leader)
    assert post_expenditure(client, account, category="labour").json()["warnings"][0]["rule_ref"] == "fengdu art.19"
    assert post_expenditure(client, account, category="archives").json()["warnings"] == []


def test_changing_the_category_to_a_forbidden_one_is_refused(api, leader, expenditure):
    r = api(leader).patch(f"/api/v1/expenditures/{expenditure.id}/", {"category": "meals_hospitality"},
                          format="json")
    assert r.status_code == 400 and r.json()["rule_ref"] == "ganzhou art.26"


# ---- the contract shape and the signers ----------------------------------------------------------

def test_a_new_expenditure_answers_the_contract_shape_with_the_default_signers_of_ganzhou(api, leader, account):
    """ganzhou names no signers: the project default (township party secretary + team leader), labelled."""
    r = post_expenditure(api(leader), account)
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "pending"
    assert body["amount"] == "500.00"
    assert body["required_signers"] == ["township_secretary", "team_leader"]
    assert body["signers_rule_ref"] == "ganzhou default" and body["signers_default"] is True
    assert body["signatures"] == []


def test_xinfeng_sec4_names_the_township_secretary_and_the_team_leader_as_signers(api, db):
    """xinfeng sec.四(四): 帮扶乡镇党委书记和队长“双签”审批."""
    w = build_world("xinfeng")
    leader = make_leader(w.team_a, "xf_leader2")
    account = services.account_open(actor=leader, team=w.team_a, year=2026, source="county_finance",
                                    amount=Decimal("10000"))
    body = post_expenditure(api(leader), account, category="publicity").json()
    assert body["required_signers"] == ["township_secretary", "team_leader"]
    assert body["signers_rule_ref"] == "xinfeng sec.四" and body["signers_default"] is False


def test_qujiang_art8_dual_signature_has_default_signers_labelled_as_default(api, db):
    """qujiang art.8(4) sets up 双签 but names no signers."""
    w = build_world("qujiang")
    leader = make_leader(w.team_a, "qj_leader2")
    account = services.account_open(actor=leader, team=w.team_a, year=2026, source="dispatch_unit",
                                    amount=Decimal("5000"))
    body = post_expenditure(api(leader), account).json()
    assert body["signers_rule_ref"] == "qujiang art.8" and body["signers_default"] is True


def test_two_different_signers_approve_and_the_last_signature_approves(api, alice, leader, expenditure):
    r1 = api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    assert r1.status_code == 200
    assert r1.json()["status"] == "pending"
    assert [s["role"] for s in r1.json()["signatures"]] == ["township_secretary"]
    r2 = api(leader).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    assert r2.status_code == 200
    body = r2.json()
    assert body["status"] == "approved"
    assert {(s["role"], s["user"]) for s in body["signatures"]} == {("township_secretary", alice.id),
                                                                     ("team_leader", leader.id)}
    assert all(s["signed_at"] for s in body["signatures"])


def test_signing_a_decided_expenditure_answers_409(api, alice, leader, expenditure):
    api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    api(leader).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    other_secretary = f.UserFactory(username="alice2")
    f.grant(other_secretary, Role.TOWNSHIP_SECRETARY, org_unit=expenditure.account.team.township)
    r = api(other_secretary).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    assert r.status_code == 409 and r.json()["code"] == "expenditure_decided"
    assert set(r.json()) == {"code", "detail"}


def test_signing_or_editing_a_rejected_expenditure_answers_409(api, alice, leader, expenditure):
    assert api(alice).post(f"/api/v1/expenditures/{expenditure.id}/reject/", {"reason": "无票据"},
                           format="json").json()["status"] == "rejected"
    assert api(leader).post(f"/api/v1/expenditures/{expenditure.id}/sign/").status_code == 409
    assert api(leader).patch(f"/api/v1/expenditures/{expenditure.id}/", {"amount": "10.00"},
                             format="json").status_code == 409
    assert api(alice).post(f"/api/v1/expenditures/{expenditure.id}/reject/", {"reason": "再驳"},
                           format="json").status_code == 409


def test_rejection_needs_a_reason_and_keeps_it(api, alice, expenditure):
    assert api(alice).post(f"/api/v1/expenditures/{expenditure.id}/reject/", {"reason": ""},
                           format="json").status_code == 400
    r = api(alice).post(f"/api/v1/expenditures/{expenditure.id}/reject/", {"reason": "缺少合同"}, format="json")
    assert r.json()["reject_reason"] == "缺少合同" and r.json()["rejected_by"] == alice.id


def test_a_caller_holding_no_unsigned_required_role_gets_403(api, alice, admin_user, finance, expenditure):
    # the jurisdiction admin and finance see the expenditure but are not signers
    assert api(admin_user).post(f"/api/v1/expenditures/{expenditure.id}/sign/").status_code == 403
    assert api(finance).post(f"/api/v1/expenditures/{expenditure.id}/sign/").status_code == 403
    assert api(finance).post(f"/api/v1/expenditures/{expenditure.id}/reject/", {"reason": "x"},
                             format="json").status_code == 403
    # alice signed already: signing again is a state conflict (409, issue 14)
    assert api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/").status_code == 200
    assert api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/").status_code == 409


def test_a_second_township_secretary_cannot_sign_a_role_already_signed(api, alice, expenditure):
    api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    deputy = f.UserFactory(username="deputy")
    f.grant(deputy, Role.TOWNSHIP_SECRETARY, org_unit=expenditure.account.team.township)
    assert api(deputy).post(f"/api/v1/expenditures/{expenditure.id}/sign/").status_code == 403


def test_one_person_holding_both_roles_signs_only_once(api, world, leader, expenditure):
    """Two signatures from two different people (POLICY.md §9): a leader who is also township secretary."""
    f.grant(leader, Role.TOWNSHIP_SECRETARY, org_unit=world.township_a)
    client = api(leader)
    r = client.post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    assert r.status_code == 200 and len(r.json()["signatures"]) == 1
    r = client.post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    assert r.status_code == 409 and r.json()["code"] == "already_signed"  # a state conflict (issue 14)
    assert Expenditure.objects.get(pk=expenditure.pk).status == "pending"


# ---- voiding --------------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [{"amount": "1300.00"}, {"payee": "另一家"}, {"category": "equipment"}])
def test_changing_amount_payee_or_category_voids_every_signature(api, alice, leader, expenditure, change):
    api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    r = api(leader).patch(f"/api/v1/expenditures/{expenditure.id}/", change, format="json")
    assert r.status_code == 200
    assert r.json()["signatures"] == [] and r.json()["status"] == "pending"
    voided = Signature.objects.get(expenditure=expenditure)
    assert voided.voided_at is not None and voided.voided_by == leader  # kept, never deleted
    assert AuditEvent.objects.filter(action="expenditure.signatures_voided", object_id=expenditure.id).exists()
    # after voiding, alice may sign again and the expenditure needs both signatures anew
    assert api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/").json()["status"] == "pending"


def test_changing_only_the_description_keeps_the_signatures(api, alice, leader, expenditure):
    api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    r = api(leader).patch(f"/api/v1/expenditures/{expenditure.id}/", {"description": "补充说明"}, format="json")
    assert len(r.json()["signatures"]) == 1


# ---- balance --------------------------------------------------------------------------------------

def test_pending_and_approved_spending_never_exceed_the_account(api, alice, leader, account):
    client = api(leader)
    first = post_expenditure(client, account, amount="6000.00").json()
    api(alice).post(f"/api/v1/expenditures/{first['id']}/sign/")
    client.post(f"/api/v1/expenditures/{first['id']}/sign/")
    assert post_expenditure(client, account, amount="3000.00").status_code == 201  # pending
    r = post_expenditure(client, account, amount="1000.01")
    assert r.status_code == 400 and r.json()["code"] == "insufficient_balance"
    assert r.json()["rule_ref"] == "ganzhou default"
    assert post_expenditure(client, account, amount="1000.00").status_code == 201


def test_raising_an_amount_beyond_the_balance_is_refused_but_rejected_spending_frees_it(
        api, alice, leader, account):
    client = api(leader)
    a = post_expenditure(client, account, amount="9000.00").json()
    b = post_expenditure(client, account, amount="1000.00").json()
    assert client.patch(f"/api/v1/expenditures/{b['id']}/", {"amount": "1500.00"},
                        format="json").json()["code"] == "insufficient_balance"
    api(alice).post(f"/api/v1/expenditures/{a['id']}/reject/", {"reason": "重复"}, format="json")
    assert client.patch(f"/api/v1/expenditures/{b['id']}/", {"amount": "1500.00"},
                        format="json").status_code == 200


def test_the_account_cannot_be_lowered_below_what_is_committed(api, admin_user, leader, account):
    post_expenditure(api(leader), account, amount="4000.00")
    r = api(admin_user).patch(f"/api/v1/fund-accounts/{account.id}/", {"amount": "3999.99"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "budget_below_committed"
    assert api(admin_user).patch(f"/api/v1/fund-accounts/{account.id}/", {"amount": "4000.00"},
                                 format="json").json()["balance"] == "0.00"


# ---- who may do what ------------------------------------------------------------------------------

def test_strangers_get_404_on_every_expenditure_endpoint(api, bob, charlie, expenditure, account):
    for user in (bob, charlie):
        client = api(user)
        base = f"/api/v1/expenditures/{expenditure.id}/"
        assert client.get(base).status_code == 404
        assert client.patch(base, {"amount": "1.00"}, format="json").status_code == 404
        assert client.post(base + "sign/").status_code == 404
        assert client.post(base + "reject/", {"reason": "x"}, format="json").status_code == 404
        assert client.get(base + "receipts/").status_code == 404
        assert client.get("/api/v1/expenditures/").json()["count"] == 0
        r = post_expenditure(client, account)
        assert r.status_code == 400 and "account" in r.json()["errors"]  # the account is not visible


def test_anonymous_callers_are_refused(api, expenditure):
    assert api().get(f"/api/v1/expenditures/{expenditure.id}/").status_code in (401, 403)


def test_a_plain_team_member_may_not_create_expenditures(api, world, account):
    member_user = f.UserFactory(username="member")
    cadre = f.CadreFactory(jurisdiction=world.jurisdiction, user=member_user)
    f.MembershipFactory(team=world.team_a, cadre=cadre)
    # a member does not see the funds at all
    assert post_expenditure(api(member_user), account).status_code == 400
    assert api(member_user).get(f"/api/v1/fund-accounts/{account.id}/").status_code == 404


def test_township_staff_and_finance_may_create_expenditures(api, alice, finance, account):
    assert post_expenditure(api(alice), account).status_code == 201
    assert post_expenditure(api(finance), account).status_code == 201


def test_a_leader_of_another_team_sees_nothing_of_team_a(api, world, expenditure):
    other = make_leader(f.TeamFactory(jurisdiction=world.jurisdiction, host_unit=world.village_b), "other_leader")
    assert api(other).get(f"/api/v1/expenditures/{expenditure.id}/").status_code == 404
    assert api(other).post(f"/api/v1/expenditures/{expenditure.id}/sign/").status_code == 404


# ---- audit ----------------------------------------------------------------------------------------

def test_every_step_is_in_the_append_only_audit_with_who(api, alice, leader, expenditure):
    api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    api(leader).patch(f"/api/v1/expenditures/{expenditure.id}/", {"amount": "1000.00"}, format="json")
    api(alice).post(f"/api/v1/expenditures/{expenditure.id}/reject/", {"reason": "金额不符"}, format="json")
    events = AuditEvent.objects.filter(object_type="funds.expenditure", object_id=expenditure.id).order_by("id")
    assert [(e.action, e.actor_id) for e in events] == [
        ("expenditure.create", leader.id), ("expenditure.sign", alice.id), ("expenditure.update", leader.id),
        ("expenditure.signatures_voided", leader.id), ("expenditure.reject", alice.id)]
    assert Signature.objects.filter(expenditure=expenditure).count() == 1


# ---- the signer's queue ---------------------------------------------------------------------------

def test_mine_signer_lists_what_waits_for_my_signature_only(api, alice, leader, bob, expenditure):
    assert [e["id"] for e in api(alice).get("/api/v1/expenditures/?mine=signer").json()["results"]] == [
        expenditure.id]
    api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    assert api(alice).get("/api/v1/expenditures/?mine=signer").json()["count"] == 0
    assert api(leader).get("/api/v1/expenditures/?mine=signer").json()["count"] == 1
    assert api(bob).get("/api/v1/expenditures/?mine=signer").json()["count"] == 0


def test_the_expenditure_list_takes_a_fixed_number_of_queries(api, leader, account, django_assert_num_queries):
    for i in range(3):
        services.expenditure_create(actor=leader, account=account, amount=Decimal("10"), category="printing",
                                    payee=f"p{i}")
    client = api(leader)
    client.get("/api/v1/expenditures/")  # warm the content types etc.

    def run():
        # the scope is cached on the (force-authenticated) user: count (1); page with account/team/users
        # joined (1); live signatures (1); receipts (1)
        with django_assert_num_queries(4):
            r = client.get(f"/api/v1/expenditures/?account={account.id}")
        return r.json()["count"]

    assert run() == 3
    for i in range(5):
        services.expenditure_create(actor=leader, account=account, amount=Decimal("10"), category="printing",
                                    payee=f"q{i}")
    assert run() == 8


def test_signers_are_notified_when_an_expenditure_waits_and_again_when_their_signatures_are_voided(
        api, alice, bob, leader, expenditure):
    from jurisdictions.models import Notification

    assert Notification.objects.filter(user=alice, link="/funds/sign/").count() == 1
    assert not Notification.objects.filter(user=leader).exists()  # the creator is not told about their own entry
    assert not Notification.objects.filter(user=bob).exists()
    api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/")
    api(leader).patch(f"/api/v1/expenditures/{expenditure.id}/", {"payee": "新收款方"}, format="json")
    assert Notification.objects.filter(user=alice, message__startswith="签字已作废").count() == 1


def test_signing_with_a_stale_revision_answers_409(api, alice, leader, expenditure):
    """The signer says which version they read; an edit in between is a conflict, not a blind signature."""
    api(leader).patch(f"/api/v1/expenditures/{expenditure.id}/", {"amount": "1100.00"}, format="json")
    r = api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/", {"revision": 0}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "expenditure_changed"
    r = api(alice).post(f"/api/v1/expenditures/{expenditure.id}/sign/", {"revision": 1}, format="json")
    assert r.status_code == 200


def test_the_signer_queue_takes_a_fixed_number_of_queries(api, alice, leader, account, django_assert_num_queries):
    client = api(alice)
    client.get("/api/v1/expenditures/?mine=signer")

    def run():
        # scope cached on the user: count (1); page (1); live signatures (1); receipts (1)
        with django_assert_num_queries(4):
            return client.get("/api/v1/expenditures/?mine=signer").json()["count"]

    services.expenditure_create(actor=leader, account=account, amount=Decimal("10"), category="printing", payee="a")
    assert run() == 1
    for i in range(4):
        services.expenditure_create(actor=leader, account=account, amount=Decimal("10"), category="printing",
                                    payee=f"b{i}")
    assert run() == 5


def test_an_independent_client_follows_the_contract_with_a_token(db, world, alice):
    """DESIGN.md: token auth, fund-accounts/, expenditures/, sign/ exactly as written."""
    from rest_framework.test import APIClient

    leader = make_leader(world.team_a, "token_leader")

    def client_for(username):
        c = APIClient()
        token = c.post("/api/v1/auth/token/", {"username": username, "password": "pass-1234"},
                       format="json").json()["token"]
        c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return c

    lead, sec = client_for(leader.username), client_for(alice.username)
    proposal = lead.get(f"/api/v1/fund-accounts/proposal/?team={world.team_a.id}&year=2026").json()
    account = lead.post("/api/v1/fund-accounts/", {"team": world.team_a.id, "year": 2026, "source": "dispatch_unit",
                                                   "amount": proposal["amount"]}, format="json")
    assert account.status_code == 201
    account_id = account.json()["id"]
    e = lead.post("/api/v1/expenditures/", {"account": account_id, "amount": "2500.50", "category": "equipment",
                                            "payee": "电脑城", "description": "打印机"}, format="json").json()
    assert {"id", "status", "required_signers", "signatures"} <= set(e)
    assert sec.post(f"/api/v1/expenditures/{e['id']}/sign/").json()["status"] == "pending"
    done = lead.post(f"/api/v1/expenditures/{e['id']}/sign/").json()
    assert done["status"] == "approved" and len(done["signatures"]) == 2
    ledger = lead.get(f"/api/v1/fund-accounts/{account_id}/").json()
    assert (ledger["budget"], ledger["approved"], ledger["pending"], ledger["balance"]) == (
        "10000.00", "2500.50", "0.00", "7499.50")
    assert sec.post(f"/api/v1/expenditures/{e['id']}/sign/").status_code == 409


def test_the_lead_dispatch_unit_sees_the_spending_but_may_not_enter_edit_or_sign_it(api, world, expenditure,
                                                                                   account):
    """In scope but no fund-manager or signer role: 403, never 404."""
    world.team_a.lead_unit = world.dispatch_unit
    world.team_a.save()
    unit_user = f.UserFactory(username="unit_staff")
    f.grant(unit_user, Role.DISPATCH_UNIT, dispatch_unit=world.dispatch_unit)
    client = api(unit_user)
    assert client.get(f"/api/v1/expenditures/{expenditure.id}/").status_code == 200
    assert post_expenditure(client, account).status_code == 403
    assert client.patch(f"/api/v1/expenditures/{expenditure.id}/", {"payee": "x"}, format="json").status_code == 403
    assert client.post(f"/api/v1/expenditures/{expenditure.id}/sign/").status_code == 403
    assert client.post(f"/api/v1/expenditures/{expenditure.id}/reject/", {"reason": "x"},
                       format="json").status_code == 403
    assert client.patch(f"/api/v1/fund-accounts/{account.id}/", {"amount": "20000"}, format="json").status_code == 403

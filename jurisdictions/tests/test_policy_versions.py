"""A jurisdiction admin adds a policy version on the policy page (README "The policy table"): only to its own
jurisdiction, never editing an existing row, with an audit row; an unknown key is a 400, a taken date a 409."""

from datetime import date

import pytest

from jurisdictions.errors import InvalidInput, NotPermitted, StateConflict
from jurisdictions.models import AuditEvent, PolicyRow
from jurisdictions.policy import policy_in_force
from jurisdictions.services import policy_version_add

FORM = {"key": "subsidy.communication_monthly", "effective_from": "2026-07-01", "value": '{"amount": "150.00"}',
        "rule_ref": "", "note": "市级机关通信补贴标准调整", "reason": "按2026年市级标准"}


def test_a_jurisdiction_admin_adds_a_version_on_the_policy_page_and_the_old_row_is_unchanged(
        client, world, admin_user):
    old = PolicyRow.objects.get(jurisdiction=world.jurisdiction, key="subsidy.communication_monthly")
    before = (old.value, old.effective_from, old.rule_ref, old.note, old.is_default)
    client.force_login(admin_user)
    page = client.get("/policy/ganzhou/?on=2026-06-01&add=subsidy.communication_monthly").content.decode()
    # the form, prefilled with the version in force: art.27(三) gives no communication figure, so it is open
    assert "新增规则版本" in page and "文件未定标准，待辖区管理员录入" in page and "&quot;amount&quot;: null" in page
    assert 'type="date" name="effective_from" value="2026-06-01"' in page  # a date input reads ISO dates
    r = client.post("/policy/ganzhou/versions/", FORM)
    assert r.status_code == 302 and r["Location"] == "/policy/ganzhou/?on=2026-07-01"
    new = PolicyRow.objects.get(jurisdiction=world.jurisdiction, key="subsidy.communication_monthly",
                                effective_from=date(2026, 7, 1))
    assert (new.value, new.rule_ref, new.created_by, new.note) == (
        {"amount": "150.00"}, "ganzhou art.27", admin_user, "市级机关通信补贴标准调整")
    old.refresh_from_db()
    assert (old.value, old.effective_from, old.rule_ref, old.note, old.is_default) == before
    event = AuditEvent.objects.get(action="policy_row.add", object_id=new.pk)
    assert event.actor == admin_user and event.data["reason"] == "按2026年市级标准"
    assert policy_in_force(world.jurisdiction, date(2026, 6, 30)).value("subsidy.communication_monthly") \
        == {"amount": None}  # June stays open: the new version does not rewrite history
    assert client.get(r["Location"]).content.decode().count("150.00元/月") == 1


def test_another_jurisdictions_admin_gets_404_on_the_page_and_adds_nothing(client, world, charlie):
    client.force_login(charlie)
    assert client.post("/policy/ganzhou/versions/", FORM).status_code == 404
    assert not PolicyRow.objects.filter(jurisdiction=world.jurisdiction, effective_from=date(2026, 7, 1)).exists()


def test_a_township_secretary_sees_the_policy_but_may_not_add_a_version(client, world, alice):
    client.force_login(alice)
    assert client.post("/policy/ganzhou/versions/", FORM).status_code == 403
    assert not PolicyRow.objects.filter(jurisdiction=world.jurisdiction, effective_from=date(2026, 7, 1)).exists()


def test_a_second_version_on_the_same_date_is_a_conflict_and_the_page_says_so(client, world, admin_user):
    client.force_login(admin_user)
    client.post("/policy/ganzhou/versions/", FORM)
    r = client.post("/policy/ganzhou/versions/", FORM | {"value": '{"amount": "160.00"}'})
    assert r.status_code == 400 and "已有版本不能修改" in r.content.decode()
    assert PolicyRow.objects.get(jurisdiction=world.jurisdiction, key="subsidy.communication_monthly",
                                 effective_from=date(2026, 7, 1)).value == {"amount": "150.00"}
    with pytest.raises(StateConflict) as exc:
        policy_version_add(actor=admin_user, jurisdiction=world.jurisdiction, key="subsidy.communication_monthly",
                           value={"amount": "170.00"}, effective_from=date(2026, 7, 1), reason="补录")
    assert exc.value.status == 409 and exc.value.code == "duplicate_version"


def test_an_unknown_key_is_refused(world, admin_user):
    with pytest.raises(InvalidInput) as exc:
        policy_version_add(actor=admin_user, jurisdiction=world.jurisdiction, key="subsidy.no_such_rule",
                           value={"amount": "1.00"}, effective_from=date(2026, 7, 1), reason="补录")
    assert exc.value.code == "unknown_key"
    assert not PolicyRow.objects.filter(key="subsidy.no_such_rule").exists()


def test_an_admin_of_another_jurisdiction_is_not_permitted_by_the_service(world, charlie):
    with pytest.raises(NotPermitted):
        policy_version_add(actor=charlie, jurisdiction=world.jurisdiction, key="subsidy.communication_monthly",
                           value={"amount": "150.00"}, effective_from=date(2026, 7, 1), reason="补录")


def test_a_version_citing_no_article_is_marked_default_and_a_given_article_is_kept(world, admin_user):
    row = policy_version_add(actor=admin_user, jurisdiction=world.jurisdiction, key="funds.signers",
                             value={"roles": ["township_secretary", "team_leader"]}, effective_from=date(2026, 7, 1),
                             reason="补录")
    assert (row.rule_ref, row.is_default) == ("ganzhou default", True)
    row = policy_version_add(actor=admin_user, jurisdiction=world.jurisdiction, key="subsidy.living_per_day",
                             value={"city": "120.00", "county": "110.00"}, effective_from=date(2026, 7, 1),
                             rule_ref="ganzhou art.27", note="县级按本地标准", reason="补录")
    assert (row.rule_ref, row.is_default) == ("ganzhou art.27", False)


def test_two_admins_adding_the_same_version_at_once_get_one_row_and_one_conflict(seeded_transactional_db):
    """The jurisdiction row is locked while a version is added: the second sees the first and gets a 409."""
    import threading

    from django.db import connection

    from jurisdictions.errors import PortalError
    from jurisdictions.models import Jurisdiction, Role, User
    from tests import factories as f

    ganzhou = Jurisdiction.objects.get(code="ganzhou")
    admins = [f.user_with_role(Role.JURISDICTION_ADMIN, jurisdiction=ganzhou) for _ in range(2)]
    results, barrier = [None, None], threading.Barrier(2)

    def add(i):
        try:
            barrier.wait()
            policy_version_add(actor=User.objects.get(pk=admins[i].pk), jurisdiction=ganzhou,
                               key="subsidy.communication_monthly", value={"amount": f"1{i}0.00"},
                               effective_from=date(2026, 7, 1), reason="补录")
            results[i] = "ok"
        except PortalError as exc:
            results[i] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["duplicate_version", "ok"]
    assert PolicyRow.objects.filter(jurisdiction=ganzhou, key="subsidy.communication_monthly",
                                    effective_from=date(2026, 7, 1)).count() == 1


def test_a_back_dated_version_needs_a_reason_and_a_future_one_does_not(world, admin_user):
    """Issue 16: a version taking effect before today must say why; nothing is saved without it."""
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(InvalidInput) as exc:
        policy_version_add(actor=admin_user, jurisdiction=world.jurisdiction, key="subsidy.communication_monthly",
                           value={"amount": "120.00"}, effective_from=date(today.year, 1, 1))
    assert exc.value.code == "reason_required"
    assert not PolicyRow.objects.filter(jurisdiction=world.jurisdiction, key="subsidy.communication_monthly",
                                        effective_from=date(today.year, 1, 1)).exists()
    row = policy_version_add(actor=admin_user, jurisdiction=world.jurisdiction, key="subsidy.communication_monthly",
                             value={"amount": "120.00"}, effective_from=date(today.year + 1, 1, 1))
    assert row.value == {"amount": "120.00"}

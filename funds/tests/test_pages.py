"""Pages: the signer's queue with in-place signing (htmx), the ledger, its .xlsx export; receipts."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from funds.models import Expenditure, Receipt
from tests import factories as f

pytestmark = pytest.mark.django_db


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_signer_queue_shows_what_waits_and_signs_in_place(alice, leader, expenditure):
    page = browser(alice).get("/funds/sign/")
    assert page.status_code == 200
    assert "赣州印务" in page.content.decode() and 'hx-post="/funds/expenditures/' in page.content.decode()
    row = browser(alice).post(f"/funds/expenditures/{expenditure.id}/sign/", HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and f'id="exp-{expenditure.id}"' in row.content.decode()
    assert "alice" in row.content.decode()
    assert "赣州印务" not in browser(alice).get("/funds/sign/").content.decode()
    row = browser(leader).post(f"/funds/expenditures/{expenditure.id}/sign/", HTTP_HX_REQUEST="true")
    assert "已签字，支出已批准" in row.content.decode()
    assert Expenditure.objects.get(pk=expenditure.pk).status == "approved"


def test_after_signing_in_place_the_row_confirms_without_a_button_and_leaves_the_queue(api, alice, leader,
                                                                                     expenditure):
    """双签 (ganzhou default: 乡镇党委书记 + 队长): once alice has signed, nothing of hers is left to sign, so the row
    turns into a confirmation, and neither the page nor `?mine=signer` lists it for her; the leader still sees it."""
    row = browser(alice).post(f"/funds/expenditures/{expenditure.id}/sign/", HTTP_HX_REQUEST="true").content.decode()
    assert "已签字，等待另一位签字人" in row
    assert "<button" not in row and "hx-post" not in row
    assert "1,200.00" in row
    page = browser(alice).get("/funds/sign/").content.decode()
    assert "赣州印务" not in page and "目前没有等待您签字的支出" in page
    assert api(alice).get("/api/v1/expenditures/?mine=signer").json()["count"] == 0
    assert [e["id"] for e in api(leader).get("/api/v1/expenditures/?mine=signer").json()["results"]] == [
        expenditure.id]
    assert "赣州印务" in browser(leader).get("/funds/sign/").content.decode()


def test_signing_without_htmx_goes_back_to_the_queue_with_a_success_message(alice, leader, expenditure):
    browser(alice).post(f"/funds/expenditures/{expenditure.id}/sign/")
    page = browser(leader).post(f"/funds/expenditures/{expenditure.id}/sign/", follow=True).content.decode()
    assert "已签字，支出已批准" in page and "1,200.00" in page
    assert Expenditure.objects.get(pk=expenditure.pk).status == "approved"


def test_a_grant_over_the_village_alone_does_not_put_the_team_in_the_signer_queue(api, world, expenditure):
    """The signer is the township's 乡镇党委书记 (holds_signer_role checks the team's township): a grant over the
    village only must not list an expenditure that the holder would then be refused to sign."""
    from jurisdictions.models import Role
    from tests import factories as f

    villager = f.user_with_role(Role.TOWNSHIP_SECRETARY, username="village_sec", org_unit=world.village_a)
    assert "赣州印务" not in browser(villager).get("/funds/sign/").content.decode()
    assert api(villager).get("/api/v1/expenditures/?mine=signer").json()["count"] == 0


def test_signing_a_decided_expenditure_in_place_shows_the_conflict(alice, leader, expenditure):
    browser(alice).post(f"/funds/expenditures/{expenditure.id}/reject/", {"reason": "重复报销"})
    row = browser(leader).post(f"/funds/expenditures/{expenditure.id}/sign/").content.decode()
    assert "已驳回" in row and "不能再签字" in row


def test_rejecting_in_place_needs_a_reason(alice, expenditure):
    row = browser(alice).post(f"/funds/expenditures/{expenditure.id}/reject/", {"reason": ""}).content.decode()
    assert "请填写驳回理由" in row
    row = browser(alice).post(f"/funds/expenditures/{expenditure.id}/reject/", {"reason": "无发票"}).content.decode()
    assert "已驳回" in row and "无发票" in row


def test_pages_are_404_for_strangers(bob, charlie, expenditure, account):
    for user in (bob, charlie):
        client = browser(user)
        assert client.post(f"/funds/expenditures/{expenditure.id}/sign/").status_code == 404
        assert client.post(f"/funds/expenditures/{expenditure.id}/reject/", {"reason": "x"}).status_code == 404
        assert client.get(f"/funds/accounts/{account.id}/").status_code == 404
        assert client.get(f"/funds/accounts/{account.id}/export.xlsx").status_code == 404
        assert "赣州印务" not in client.get("/funds/sign/").content.decode()


def test_the_ledger_page_shows_the_figures_and_refuses_a_forbidden_category_with_its_article(leader, expenditure,
                                                                                            account):
    client = browser(leader)
    page = client.get(f"/funds/accounts/{account.id}/").content.decode()
    assert "10,000.00" in page and "8,800.00" in page and "1,200.00" in page
    page = client.post(f"/funds/accounts/{account.id}/", {"amount": "300", "category": "meals_hospitality",
                                                          "payee": "饭店"}, follow=True).content.decode()
    assert "赣州市文件第26条" in page
    # the form shows the forbidden categories marked and disabled, with the article (ganzhou art.26)
    assert '<option value="meals_hospitality" disabled>餐饮招待（不得支出，赣州市文件第26条）</option>' in \
        client.get(f"/funds/accounts/{account.id}/").content.decode()
    page = client.post(f"/funds/accounts/{account.id}/", {"amount": "3.001", "category": "printing",
                                                          "payee": "文印店"}).content.decode()
    assert "金额最多两位小数" in page and "文印店" in page  # a bad amount keeps the input and says why
    client.post(f"/funds/accounts/{account.id}/", {"amount": "300", "category": "printing", "payee": "文印店"})
    assert Expenditure.objects.filter(account=account, payee="文印店", status="pending").exists()


def test_the_ledger_list_page_lists_visible_accounts(alice, bob, account):
    assert "甲村驻村工作队" in browser(alice).get("/funds/").content.decode()
    assert "甲村驻村工作队" not in browser(bob).get("/funds/").content.decode()


def test_every_amount_on_the_ledger_pages_is_formatted_as_money(alice, leader, expenditure, account):
    """已批准 / 待审批 used to show "1280" next to 预算 "10000.00": all four now read like 1,200.00."""
    Expenditure.objects.filter(pk=expenditure.pk).update(amount=Decimal("1200"))
    listing = browser(alice).get("/funds/").content.decode()
    assert "<td>10,000.00</td><td>0.00</td><td>1,200.00</td><td>8,800.00</td>" in listing
    ledger = browser(alice).get(f"/funds/accounts/{account.id}/").content.decode()
    assert "<td>10,000.00</td><td>0.00</td><td>1,200.00</td>" in ledger and ">8,800.00</td>" in ledger
    assert "<td>1,200.00</td>" in ledger and "赣州市：文件未规定，系统默认" in ledger


def test_the_ledger_exports_to_xlsx_with_totals_and_lines(alice, leader, expenditure, account):
    browser(alice).post(f"/funds/expenditures/{expenditure.id}/sign/")
    r = browser(leader).get(f"/funds/accounts/{account.id}/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(r.content)).active
    assert [ws.cell(3, c).value for c in range(1, 5)] == [10000, 0, 1200, 8800]
    line = [c.value for c in ws[6]]
    assert line[0] == expenditure.id and line[3] == "赣州印务" and line[4] == 1200
    assert "乡镇党委书记：alice" in line[7] and line[8] == "ganzhou default（系统默认）"


# ---- receipts -------------------------------------------------------------------------------------

@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_receipt_upload_is_stored_under_media_root_and_read_back_in_scope(api, leader, alice, bob, charlie,
                                                                           expenditure, media):
    upload = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = api(leader).post(f"/api/v1/expenditures/{expenditure.id}/receipts/", {"file": upload}, format="multipart")
    assert r.status_code == 201, r.json()
    receipt = Receipt.objects.get(pk=r.json()["id"])
    assert (media / receipt.file.name).read_bytes() == b"%PDF-1.4 test"
    assert r.json()["name"] == "发票.pdf" and r.json()["size"] == 13
    got = api(alice).get(r.json()["url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 test"
    assert api(alice).get(f"/api/v1/expenditures/{expenditure.id}/").json()["receipts"][0]["id"] == receipt.id
    for stranger in (bob, charlie):
        assert api(stranger).get(r.json()["url"]).status_code == 404
        again = SimpleUploadedFile("x.pdf", b"%PDF", content_type="application/pdf")
        assert api(stranger).post(f"/api/v1/expenditures/{expenditure.id}/receipts/", {"file": again},
                                  format="multipart").status_code == 404


def test_a_receipt_must_be_a_pdf_or_image_and_a_rejected_expenditure_takes_none(api, leader, alice, expenditure,
                                                                               media):
    exe = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    r = api(leader).post(f"/api/v1/expenditures/{expenditure.id}/receipts/", {"file": exe}, format="multipart")
    assert r.status_code == 400 and r.json()["code"] == "bad_receipt_type"
    assert api(leader).post(f"/api/v1/expenditures/{expenditure.id}/receipts/", {},
                            format="multipart").status_code == 400
    api(alice).post(f"/api/v1/expenditures/{expenditure.id}/reject/", {"reason": "x"}, format="json")
    png = SimpleUploadedFile("a.png", b"\x89PNG", content_type="image/png")
    r = api(leader).post(f"/api/v1/expenditures/{expenditure.id}/receipts/", {"file": png}, format="multipart")
    assert r.status_code == 409
    assert Decimal(api(leader).get(f"/api/v1/expenditures/{expenditure.id}/").json()["amount"]) == Decimal("1200")


def test_the_openapi_schema_documents_the_funds_contract(admin_user):
    schema = browser(admin_user).get("/api/schema/?format=json").json()
    for path in ("/api/v1/fund-accounts/", "/api/v1/fund-accounts/{id}/", "/api/v1/fund-accounts/proposal/",
                 "/api/v1/expenditures/", "/api/v1/expenditures/{id}/", "/api/v1/expenditures/{id}/sign/",
                 "/api/v1/expenditures/{id}/reject/", "/api/v1/expenditures/{id}/receipts/"):
        assert path in schema["paths"], path
    assert "patch" in schema["paths"]["/api/v1/expenditures/{id}/"]


def test_the_demo_command_opens_accounts_and_leaves_one_approved_and_one_pending_expenditure(world, alice, leader,
                                                                                           admin_user):
    from django.core.management import call_command

    from jurisdictions.models import User

    User.objects.create_superuser("demo_root", "r@example.com", "x")
    call_command("load_demo_funds", verbosity=0)
    call_command("load_demo_funds", verbosity=0)  # idempotent
    statuses = sorted(Expenditure.objects.filter(account__team=world.team_a).values_list("status", flat=True))
    assert statuses == ["approved", "pending"]


def test_a_receipt_is_uploaded_from_the_ledger_page_and_listed_there(leader, bob, expenditure, account, media):
    upload = SimpleUploadedFile("收据.jpg", f.tiny_jpeg(), content_type="image/jpeg")
    page = browser(leader).post(f"/funds/expenditures/{expenditure.id}/receipts/", {"file": upload}, follow=True)
    assert "已上传票据" in page.content.decode() and "收据.jpg" in page.content.decode()
    assert Receipt.objects.get(expenditure=expenditure).size == len(f.tiny_jpeg())
    other = SimpleUploadedFile("b.jpg", b"\xff\xd8", content_type="image/jpeg")
    assert browser(bob).post(f"/funds/expenditures/{expenditure.id}/receipts/", {"file": other}).status_code == 404

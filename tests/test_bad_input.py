"""Issue 14, bad input: each of these was a 500 or was accepted. Each is now a 400 in the contract's error shape
(`{code, detail, ...}`) and nothing is saved."""

import re

import pytest
from rest_framework.test import APIClient

from attendance.models import DiaryEntry
from funds.models import FundAccount
from jurisdictions.models import Role
from teams.models import Team
from tests import factories as f


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def _is_400(r):
    assert r.status_code == 400, (r.status_code, r.content[:300])
    body = r.json()
    assert body["code"] and body["detail"]
    return body


@pytest.fixture
def admin(world):
    return f.user_with_role(Role.JURISDICTION_ADMIN, username="admin_gz", jurisdiction=world.jurisdiction)


@pytest.fixture
def cadre_user(world):
    m = f.MembershipFactory(team=world.team_a)
    user = f.UserFactory(username="cadre_gz", jurisdiction=world.jurisdiction)
    m.cadre.user = user
    m.cadre.save(update_fields=["user"])
    return user


@pytest.mark.parametrize("month", ["9999-12", "0000-01", "0001-01", "2026-13"])
def test_a_month_outside_the_portals_years_is_a_400_on_the_cadre_month(world, admin, month):
    m = f.MembershipFactory(team=world.team_a)
    _is_400(_api(admin).get("/api/v1/attendance/monthly/", {"cadre": m.cadre_id, "month": month}))


@pytest.mark.parametrize("month", ["9999-12", "0000-01"])
def test_a_month_outside_the_portals_years_is_a_400_on_the_township_month(world, admin, month):
    _is_400(_api(admin).get("/api/v1/attendance/monthly/township/", {"org_unit": world.township_a.pk, "month": month}))


@pytest.mark.parametrize("month", ["9999-12", "0000-01"])
def test_a_month_outside_the_portals_years_is_a_400_on_the_calendar(world, admin, month):
    _is_400(_api(admin).get("/api/v1/calendar/", {"month": month}))


def _team(world, **over):
    return {"jurisdiction": "ganzhou", "kind": "village", "name": "新队", "host_unit": world.village_b.pk,
            "dispatch_level": "city", "term_start": "2026-01-01", **over}


@pytest.mark.parametrize("term_start", ["9999-12-31", "0001-01-01", "20260101", "2026/01/01"])
def test_a_team_term_starting_on_an_impossible_or_non_iso_date_is_a_400_and_no_team_is_made(world, admin, term_start):
    before = Team.objects.count()
    body = _is_400(_api(admin).post("/api/v1/teams/", _team(world, term_start=term_start), format="json"))
    assert "term_start" in body["errors"]
    assert Team.objects.count() == before


def test_a_nul_character_in_the_cadre_search_is_a_400(world, admin):
    _is_400(_api(admin).get("/api/v1/cadres/", {"q": "a\x00b"}))


@pytest.mark.parametrize("day", ["0001-01-01", "20261120", "1899-12-31"])
def test_a_diary_dated_outside_the_portals_years_or_not_iso_is_a_400_and_nothing_is_saved(world, cadre_user, day):
    body = _is_400(_api(cadre_user).post("/api/v1/diaries/", {"date": day, "content": "走访农户"}, format="json"))
    assert "date" in body["errors"]
    assert not DiaryEntry.objects.exists()


def test_a_diary_on_an_iso_date_is_still_saved_and_returned_as_iso(world, cadre_user):
    r = _api(cadre_user).post("/api/v1/diaries/", {"date": "2026-11-02", "content": "走访农户"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["date"] == "2026-11-02"


@pytest.mark.parametrize("amount", ["１００", "1e9", "1E3", "100000000.00", "NaN", "Infinity", "-0x10"])
def test_a_budget_in_full_width_digits_scientific_notation_or_above_the_maximum_is_a_400(world, admin, amount):
    body = _is_400(_api(admin).post("/api/v1/fund-accounts/", {"team": world.team_a.pk, "year": 2026,
                                                               "source": "county_finance", "amount": amount}, format="json"))
    assert "amount" in body["errors"]
    assert not FundAccount.objects.exists()


def test_the_amount_maximum_is_a_setting(world, admin, settings):
    settings.PORTAL_AMOUNT_MAX = "5000.00"
    body = _is_400(_api(admin).post("/api/v1/fund-accounts/", {"team": world.team_a.pk, "year": 2026,
                                                               "source": "county_finance", "amount": "5000.01"}, format="json"))
    assert "5000.00" in body["detail"]


def test_a_plain_budget_within_the_maximum_is_still_accepted(world, admin):
    r = _api(admin).post("/api/v1/fund-accounts/", {"team": world.team_a.pk, "year": 2026, "source": "county_finance",
                                                    "amount": "200000.00"}, format="json")
    assert r.status_code == 201, r.content
    assert FundAccount.objects.get().amount == 200000


def test_a_nul_character_in_a_page_query_is_a_400(world, admin):
    from django.test import Client

    c = Client()
    c.force_login(admin)
    assert c.get("/cadres/", {"q": "a\x00b"}).status_code == 400


# ---- uploads: the content decides ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content", [
    ("site.jpg", b"just some text, not a photo"),
    ("site.png", b"<html><script>alert(1)</script></html>"),
    ("site.webp", b"RIFF\x00\x00\x00\x00WEBPnot really"),
])
def test_a_diary_photo_that_is_not_an_image_inside_is_a_400_and_nothing_is_saved(world, cadre_user, settings,
                                                                                  tmp_path, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile(name, content, content_type="image/jpeg")
    body = _is_400(_api(cadre_user).post("/api/v1/diaries/", {"date": "2026-11-02", "content": "现场", "photo": photo},
                                         format="multipart"))
    assert body["code"] == "bad_photo"
    assert not DiaryEntry.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_a_real_photo_is_stored_under_a_generated_name_not_the_users(world, cadre_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("../../etc/现场 照片.jpg", f.tiny_jpeg(), content_type="image/jpeg")
    r = _api(cadre_user).post("/api/v1/diaries/", {"date": "2026-11-02", "content": "现场", "photo": photo},
                              format="multipart")
    assert r.status_code == 201, r.content
    stored = DiaryEntry.objects.get().photo.name
    assert "现场" not in stored and "etc" not in stored
    assert re.fullmatch(r"diary/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", stored)


@pytest.mark.parametrize("name, content", [
    ("发票.pdf", b"<html><body>not a pdf</body></html>"),
    ("发票.png", b"<html><script>alert(1)</script></html>"),
    ("发票.jpg", b"plain text"),
    ("发票.jpg", b"%PDF-1.4 a pdf named .jpg"),
])
def test_a_receipt_whose_content_is_not_what_its_name_says_is_a_400_and_nothing_is_stored(world, admin, settings,
                                                                                          tmp_path, name, content):
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from funds import services as fs
    from funds.models import Receipt

    settings.MEDIA_ROOT = tmp_path
    account = fs.account_open(actor=admin, team=world.team_a, year=2026, source="dispatch_unit",
                              amount=Decimal("10000.00"))
    e = fs.expenditure_create(actor=admin, account=account, amount=Decimal("10.00"), category="printing",
                              payee="印务", description="印刷")
    upload = SimpleUploadedFile(name, content)
    body = _is_400(_api(admin).post(f"/api/v1/expenditures/{e.id}/receipts/", {"file": upload}, format="multipart"))
    assert body["code"] == "bad_receipt_type"
    assert not Receipt.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


# ---- roster import: capped before parsing --------------------------------------------------------------------------

def _roster_bytes(rows, extra_member=None):
    import io
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "出生日期", "身份证号", "政治面貌", "入党时间", "参加工作时间", "职级", "后备干部",
               "人员类别", "派出单位", "派出层级", "联系电话"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    if extra_member:
        with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr(*extra_member)
    buf.seek(0)
    buf.name = "roster.xlsx"
    return buf


def test_a_roster_that_inflates_past_the_cap_is_refused_before_it_is_parsed(world, admin):
    from teams.models import Cadre

    bomb = _roster_bytes([], extra_member=("xl/sharedStrings.xml", b"\x00" * (41 * 1024 * 1024)))
    assert bomb.getbuffer().nbytes < 200 * 1024
    r = _api(admin).post("/api/v1/cadres/import/", {"jurisdiction": "ganzhou", "file": bomb}, format="multipart")
    body = _is_400(r)
    assert "解压后过大" in str(body)
    assert len(r.content) < 2000
    assert not Cadre.objects.exists()


def test_a_roster_cell_longer_than_any_field_is_refused_and_quoted_only_in_part(world, admin):
    from teams.models import Cadre

    row = ["王" * 20000, "男", "1985-06-15", "", "正式党员", "", "", "正科", "否", "公务员", world.dispatch_unit.name,
           "市直", ""]
    r = _api(admin).post("/api/v1/cadres/import/", {"jurisdiction": "ganzhou", "file": _roster_bytes([row])},
                         format="multipart")
    body = _is_400(r)
    assert "过长" in str(body) and "共20000字" in str(body)
    assert len(r.content) < 3000
    assert not Cadre.objects.exists()


def test_a_zip_that_is_not_an_excel_workbook_is_refused(world, admin):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    buf.seek(0)
    buf.name = "roster.xlsx"
    body = _is_400(_api(admin).post("/api/v1/cadres/import/", {"jurisdiction": "ganzhou", "file": buf},
                                    format="multipart"))
    assert "无法读取文件" in str(body)

"""Labels (issue 9 item 12 and "policy page"): the project's readings are marked default with a note, every rule
has a Chinese label, and the policy page shows rules in words, not raw dicts."""

import re
from datetime import date

from jurisdictions.models import Jurisdiction, PolicyRow
from jurisdictions.policy import policy_in_force
from jurisdictions.policy_labels import FIELDS, KEY_FIELDS, key_label, value_lines
from jurisdictions.seed_data import all_rows


def _row(code, key):
    return PolicyRow.objects.get(jurisdiction__code=code, key=key)


def test_linfen_art_8_working_days_ganzhou_art_17_three_day_follow_up_and_fengdu_art_9_filing_office_are_defaults(db):
    """The three readings the issue names: each is default=True and its note quotes the text it reads."""
    linfen = _row("linfen", "attendance.required_days")
    assert (linfen.rule_ref, linfen.is_default) == ("linfen art.8", True) and "未给驻村天数" in linfen.note
    ganzhou = _row("ganzhou", "leave.emergency_channels")
    assert (ganzhou.rule_ref, ganzhou.is_default, ganzhou.value["followup_days"]) == ("ganzhou art.17", True, 3)
    assert "应及时补办书面请假手续" in ganzhou.note and "3天" in ganzhou.note
    fengdu = _row("fengdu", "leave.route.01_1_3")
    assert (fengdu.rule_ref, fengdu.is_default, fengdu.value["filings"]) == ("fengdu art.9", True, ["county_rr_bureau"])
    assert "未写向谁备案" in fengdu.note


def test_qujiangs_research_report_cites_art_15_and_the_half_year_reports_art_18(db):
    research = _row("qujiang", "duties.research_reports")
    assert (research.rule_ref, research.value) == ("qujiang art.15", {"per_year": 1})
    reports = _row("qujiang", "duties.reports")
    assert reports.rule_ref == "qujiang art.18" and "research_reports_per_year" not in reports.value


def test_every_default_row_has_a_note_saying_why(db):
    for code, row in all_rows():
        if row.default:
            assert row.note.strip(), (code, row.key)


def test_every_seeded_rule_and_value_field_has_a_chinese_label(db):
    """One registry: a new seed key or field without a label fails here."""
    for code, row in all_rows():
        assert key_label(row.key) != row.key, (code, row.key)
        if isinstance(row.value, dict) and "check" not in row.value and not row.key.startswith("leave.route."):
            for field in row.value:
                assert field in FIELDS or field in KEY_FIELDS.get(row.key, {}), (code, row.key, field)
        for line in value_lines(row.key, row.value):
            assert not re.search(r"[a-z]{3,}_[a-z]", line), (code, row.key, line)  # no raw codes like on_duty


def test_values_read_in_words_with_their_units(db):
    assert value_lines("subsidy.meal_per_day", {"amount": "40.00"}) == ["标准：40.00元/天"]
    assert value_lines("leave.route.01_1_3", {"applies_to": {"role": "any", "dispatch_level": "any"}, "min_days": 1,
                                              "max_days": 3, "stages": [["team_leader"]], "filings": []}) == \
        ["3天（含）以内：队长审批"]
    assert value_lines("assessment.excellent_quota", {"max_share": "0.35", "severity": "hard"}) == \
        ["最高比例：35%", "性质：硬性（必须/不得）"]


def test_the_ganzhou_policy_page_shows_rules_in_chinese_words_not_raw_dicts(client, world, alice):
    client.force_login(alice)
    page = client.get("/policy/ganzhou/?on=2026-05-01").content.decode()
    page = page[page.index("<main>"):]
    assert "生活补助" in page and "100.00元/天" in page
    assert "{&#x27;" not in page and "{'" not in page and '{&quot;' not in page and '{"' not in page
    assert "赣州市文件第27条" in page  # the article in Chinese (rule_label)
    assert "默认（文件未规定）" in page and "文件未给县级金额" in page  # the badge and the default's note
    assert "新增规则版本" not in page  # a township secretary does not add versions


def test_the_policy_page_shows_the_version_in_force_on_the_chosen_date(client, world, alice):
    PolicyRow.objects.create(jurisdiction=world.jurisdiction, key="subsidy.communication_monthly",
                             value={"amount": "150.00"}, effective_from=date(2026, 7, 1), rule_ref="ganzhou art.27")
    client.force_login(alice)
    assert "150.00元/月" not in client.get("/policy/ganzhou/?on=2026-06-30").content.decode()
    page = client.get("/policy/ganzhou/?on=2026-07-01").content.decode()
    assert "150.00元/月" in page and "2026-07-01" in page


def test_the_policy_page_reads_every_rule_in_one_query(client, world, alice, admin_user, django_assert_num_queries):
    client.force_login(alice)
    client.get("/policy/ganzhou/?on=2026-05-01")  # warm the per-process cache of jurisdiction names (rule_label)
    # 1 session, 2 user, 3 role grants (scope), 4 the user's cadre (scope), 5 the jurisdiction (access check),
    # 6 the policy rows in force (all rules, one query), 7 unread notifications (context processor)
    with django_assert_num_queries(7):
        assert client.get("/policy/ganzhou/?on=2026-05-01").status_code == 200
    client.force_login(admin_user)
    client.get("/policy/ganzhou/?on=2026-05-01")
    # the same, plus 8 the jurisdiction's rule keys for the admin's add-version form
    with django_assert_num_queries(8):
        assert client.get("/policy/ganzhou/?on=2026-05-01").status_code == 200


def test_policy_in_force_carries_each_rows_note(db):
    policy = policy_in_force(Jurisdiction.objects.get(code="ganzhou"), date(2026, 5, 1))
    assert "文件未给县级金额" in policy.require("subsidy.living_per_day").note


def test_docs_policy_notes_lists_every_default_row_under_its_jurisdiction(db):
    """docs/POLICY_NOTES.md (cited by seed_data/places.py) names every default row of the seeds."""
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "POLICY_NOTES.md").read_text(encoding="utf-8")
    heads = {"qujiang": "Qujiang (", "ganzhou": "Ganzhou (", "linfen": "Linfen (", "xinfeng": "Xinfeng (",
             "fengdu": "Fengdu ("}
    sections = dict.fromkeys(heads, "")
    for part in text.split("\n## ")[1:]:
        for code, head in heads.items():
            if head in part.splitlines()[0]:
                sections[code] = part
    for code, row in all_rows():
        if row.default:
            family = row.key.rsplit(".", 1)[0] + ".*"
            assert f"`{row.key}`" in sections[code] or f"`{family}`" in sections[code], (code, row.key)

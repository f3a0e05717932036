"""Policy rows seeded by `seed_policies`, one module per section of POLICY.md.

Each module defines ROWS = {jurisdiction_code: [Row, ...]}. A row whose regulation is silent
has `default=True` and a `<code> default` rule_ref; its note says what the default is and why.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Row:
    key: str
    value: object
    rule_ref: str
    note: str = ""
    default: bool = False
    effective_from: date | None = None  # None: the jurisdiction's document date


JURISDICTIONS = [
    # code, name, level, document, effective date of the document. Each regulation takes effect on issue
    # (自印发之日起 / 自下发之日起); the date is the one printed on the document (docs/POLICY_NOTES.md).
    ("qujiang", "韶关市曲江区", "district", "韶曲乡振局〔2022〕1号 驻镇帮镇扶村工作队管理办法（试行）", date(2022, 3, 23)),
    # Ganzhou's text carries no date; 〔2021〕 only says 2021. We take its last day, so no rule is applied before
    # it can have been in force; an admin who knows the real date adds earlier versions.
    ("ganzhou", "赣州市", "city",
     "赣市办字〔2021〕19号 驻村第一书记和工作队选派管理办法（试行）（文件未载印发日期，系统按2021年12月31日起施行）",
     date(2021, 12, 31)),
    ("linfen", "临汾市", "city", "厅字〔2018〕34号 贫困村驻村工作队选派管理工作的实施办法", date(2018, 7, 5)),
    ("xinfeng", "新丰县", "county", "新乡振组〔2021〕12号 驻镇帮镇扶村组团结对帮扶工作的通知", date(2021, 9, 10)),
    ("fengdu", "丰都县", "county", "丰委农办〔2021〕35号 乡村振兴驻乡驻村干部管理细则", date(2021, 9, 10)),
]

# Where earlier seeds put every row (1 January of the document's year). `seed_policies` moves seeded rows
# still sitting there to the document's own date; rows an admin entered are never touched.
LEGACY_SEED_DATES = {
    "qujiang": date(2022, 1, 1),
    "ganzhou": date(2021, 1, 1),
    "linfen": date(2018, 1, 1),
    "xinfeng": date(2021, 1, 1),
    "fengdu": date(2021, 1, 1),
}

SECTIONS = ["s1_teams", "s2_selection", "s3_terms", "s4_attendance", "s5_leave", "s6_inspections",
            "s7_assessment", "s8_subsidies", "s9_funds", "s10_duties"]


def all_rows():
    """(code, Row) for every section, in order."""
    from importlib import import_module

    for section in SECTIONS:
        module = import_module(f"{__name__}.{section}")
        for code, rows in module.ROWS.items():
            for row in rows:
                yield code, row


def packs() -> dict[str, list[dict]]:
    """The seed modules as policy packs, one per jurisdiction: {code: [{key, value, rule_ref, is_default, note,
    effective_from}]} (a row without its own date takes its document's). `seed_policies` loads them through
    `services.pack_load`, the same schemas an imported pack passes."""
    dates = {code: d for code, *_, d in JURISDICTIONS}
    out: dict[str, list[dict]] = {code: [] for code in dates}
    for code, row in all_rows():
        out[code].append({"key": row.key, "value": row.value, "rule_ref": row.rule_ref, "is_default": row.default,
                          "note": row.note, "effective_from": row.effective_from or dates[code]})
    return out

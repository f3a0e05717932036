"""Bulk roster import: org departments keep rosters in Excel. Every row is checked; all or nothing."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import islice

from openpyxl import load_workbook

from jurisdictions.models import DispatchUnit
from jurisdictions.uploads import excerpt, xlsx_problem

from . import services
from .models import Cadre

# Chinese header → field. The template download writes the same headers.
COLUMNS = [
    ("姓名", "name", True), ("性别", "gender", True), ("出生日期", "birth_date", True), ("身份证号", "id_number", False),
    ("政治面貌", "party_status", True), ("入党时间", "party_joined_on", False),
    ("参加工作时间", "work_started_on", False), ("职级", "rank", True), ("后备干部", "reserve_cadre", False),
    ("人员类别", "category", True), ("派出单位", "dispatch_unit", True), ("派出层级", "dispatch_level", True),
    ("联系电话", "phone", False), ("单程里程(公里)", "commute_km", False), ("自驾", "self_driving", False),
]
CHOICES = {
    "gender": {label: value for value, label in Cadre.Gender.choices},
    "party_status": {label: value for value, label in Cadre.PartyStatus.choices},
    "rank": {label: value for value, label in Cadre.Rank.choices},
    "category": {label: value for value, label in Cadre.Category.choices},
    "dispatch_level": {label: value for value, label in DispatchUnit.Level.choices},
}
MAX_ROWS = 5000
MAX_CELL_CHARS = 200  # longer than any roster field; a longer cell is refused and quoted only in part


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return date.fromisoformat(text if len(text) > 7 else text + "-01")


def _bool(value) -> bool:
    return str(value).strip() in {"是", "Y", "y", "1", "True", "true", "√"}


def parse_row(cells: dict, units: dict) -> tuple[dict, list[str]]:
    data, errors = {}, []
    for header, field, required in COLUMNS:
        raw = cells.get(header)
        if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
            errors.append(f"“{header}”过长（{excerpt(raw)}）")
            continue
        if raw is None or str(raw).strip() == "":
            if required:
                errors.append(f"“{header}”不能为空")
            continue
        try:
            if field in CHOICES:
                key = str(raw).strip()
                if key not in CHOICES[field]:
                    raise ValueError(f"应为：{'/'.join(CHOICES[field])}")
                data[field] = CHOICES[field][key]
            elif field in ("birth_date", "party_joined_on", "work_started_on"):
                data[field] = _date(raw)
            elif field in ("reserve_cadre", "self_driving"):
                data[field] = _bool(raw)
            elif field == "commute_km":
                data[field] = Decimal(str(raw)).quantize(Decimal("0.1"))
            elif field == "dispatch_unit":
                unit = units.get(str(raw).strip())
                if unit is None:
                    raise ValueError("未登记的派出单位")
                data[field] = unit
            else:
                data[field] = str(raw).strip()
        except (ValueError, InvalidOperation) as exc:
            reason = str(exc) if "应为" in str(exc) or "派出单位" in str(exc) else "格式不正确"
            errors.append(f"“{header}”{reason}（{excerpt(raw)}）")
    return data, errors


def roster_import(*, actor, jurisdiction, upload) -> tuple[list[Cadre], list[dict]]:
    """(created cadres, []) or ([], [{row, errors}]) — nothing is saved when any row is wrong."""
    problem = xlsx_problem(upload)  # size, OOXML structure and decompressed size, before openpyxl parses anything
    if problem:
        return [], [{"row": 0, "errors": [problem]}]
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the user's bad input
        return [], [{"row": 0, "errors": ["无法读取文件，请上传 Excel（.xlsx）格式的花名册。"]}]
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    missing = [h for h, _, required in COLUMNS if required and h not in header]
    if missing:
        return [], [{"row": 1, "errors": [f"表头缺少：{'、'.join(missing)}"]}]
    units = {u.name: u for u in DispatchUnit.objects.filter(jurisdiction=jurisdiction)}
    parsed, errors, seen_ids = [], [], {}
    rows = list(islice(rows, MAX_ROWS + 1))
    id_column = header.index("身份证号") if "身份证号" in header else None
    registered = services.registered_id_numbers(
        jurisdiction, [str(r[id_column]).strip() for r in rows if id_column is not None and len(r) > id_column
                       and r[id_column] is not None])
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(parsed) + len(errors) >= MAX_ROWS:
            errors.append({"row": number, "errors": [f"一次最多导入{MAX_ROWS}行"]})
            break
        data, row_errors = parse_row(dict(zip(header, values, strict=False)), units)
        if not row_errors:
            for msgs in services.cadre_problems(jurisdiction=jurisdiction, data=data,
                                                   registered=registered).values():
                row_errors.extend(msgs)
        id_number = (data.get("id_number") or "").upper()
        if id_number:
            if id_number in seen_ids:
                row_errors.append(f"身份证号与第{seen_ids[id_number]}行重复")
            seen_ids.setdefault(id_number, number)
        if row_errors:
            errors.append({"row": number, "name": data.get("name", ""), "errors": row_errors})
        else:
            parsed.append(data)
    wb.close()
    if errors:
        return [], errors
    if not parsed:
        return [], [{"row": 2, "errors": ["花名册中没有数据行"]}]
    return services.cadres_import(actor=actor, jurisdiction=jurisdiction, rows=parsed), []

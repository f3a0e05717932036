"""Policy packs: every row of a jurisdiction in force on a date as one JSON file, and the diff a pack makes.

A pack is `{jurisdiction: {code, name, level, document}, on, rows: [{key, value, rule_ref, is_default, note,
label}]}` (`label` is the Chinese name from `policy_labels`, for the reader; import ignores it). Starting from
another jurisdiction's pack and editing its figures is the expected way to begin a new county. The import
itself (a write) is `services.policy_pack_import`; the seeded jurisdictions load through `services.pack_load`.
"""

import json
from datetime import date

from . import policy_labels
from .models import Jurisdiction, PolicyRow
from .policy import NoPolicy, is_removed, policy_in_force
from .policy_schema import InvalidPolicy, check_rows, unavailable_features

ROW_FIELDS = ("key", "value", "rule_ref", "is_default", "note")


def pack_export(jurisdiction: Jurisdiction, on: date) -> dict:
    """The rows in force on `on` (one query), with their Chinese labels."""
    policy = policy_in_force(jurisdiction, on)
    return {
        "format": "zhucun-policy-pack/1",
        "jurisdiction": {"code": jurisdiction.code, "name": jurisdiction.name, "level": jurisdiction.level,
                         "document": jurisdiction.document},
        "on": on.isoformat(),
        "rows": [{"key": key, "label": policy_labels.key_label(key), "value": pv.value, "rule_ref": pv.rule_ref,
                  "is_default": pv.is_default, "note": pv.note} for key, pv in policy.items()],
    }


def _error(key, field, detail):
    return {"key": key, "field": field, "detail": detail}


def parse_pack(raw: bytes | str) -> dict:
    """A pack file → {key: row}; a file that is not a pack is refused like an invalid row (400 invalid_policy)."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidPolicy([_error(None, None, f"文件不是有效的 JSON：{exc}")]) from None
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise InvalidPolicy([_error(None, "rows", "文件应为政策包：{jurisdiction, on, rows: [...]}")])
    errors, out = [], {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("key"), str) or not row["key"].strip():
            errors.append(_error(None, "key", f"第{i + 1}行缺少规则键 key"))
            continue
        key = row["key"].strip()
        if key in out:
            errors.append(_error(key, None, "同一规则在包中出现两次"))
            continue
        if "value" not in row:
            errors.append(_error(key, "value", "缺少必填字段"))
        rule_ref = row.get("rule_ref")
        if not isinstance(rule_ref, str) or not rule_ref.strip():
            errors.append(_error(key, "rule_ref", "缺少依据条款（如 fengdu art.9；文件未规定的写 <代码> default）"))
            rule_ref = ""
        note = row.get("note") or ""
        if not isinstance(note, str):
            errors.append(_error(key, "note", "应为文字"))
        out[key] = {"key": key, "value": row.get("value"), "rule_ref": rule_ref.strip(),
                    "is_default": bool(row.get("is_default", rule_ref.strip().endswith(" default"))),
                    "note": note if isinstance(note, str) else ""}
    if errors:
        raise InvalidPolicy(errors)
    return out


def validate_pack(rows: dict[str, dict]) -> None:
    """Every row against its schema, then the rows together (leave routes): InvalidPolicy, nothing saved."""
    check_rows({key: row["value"] for key, row in rows.items()})


def current_rows(jurisdiction: Jurisdiction, on: date) -> dict[str, dict]:
    try:
        policy = policy_in_force(jurisdiction, on)
    except NoPolicy:
        return {}
    return {key: {"key": key, "value": pv.value, "rule_ref": pv.rule_ref, "is_default": pv.is_default,
                  "note": pv.note} for key, pv in policy.items()}


def _changed_fields(old: dict, new: dict) -> list[str]:
    fields = []
    ov, nv = old["value"], new["value"]
    if isinstance(ov, dict) and isinstance(nv, dict):
        fields += [f"value.{name}" for name in sorted(set(ov) | set(nv)) if ov.get(name, ...) != nv.get(name, ...)]
    elif ov != nv:
        fields.append("value")
    fields += [name for name in ("rule_ref", "is_default", "note") if old[name] != new[name]]
    return fields


def diff_rows(old: dict[str, dict], new: dict[str, dict]) -> dict:
    """{added: [key], changed: [{key, label, old, new, fields, old_rule_ref, new_rule_ref}], removed: [key]}:
    `old`/`new` are the values; `fields` names each changed value field (`value.amount`) and row field."""
    changed = []
    for key in sorted(set(old) & set(new)):
        fields = _changed_fields(old[key], new[key])
        if fields:
            changed.append({"key": key, "label": policy_labels.key_label(key), "old": old[key]["value"],
                            "new": new[key]["value"], "fields": fields, "old_rule_ref": old[key]["rule_ref"],
                            "new_rule_ref": new[key]["rule_ref"],
                            "old_lines": policy_labels.value_lines(key, old[key]["value"]),
                            "new_lines": policy_labels.value_lines(key, new[key]["value"])})
    return {"added": sorted(set(new) - set(old)), "changed": changed, "removed": sorted(set(old) - set(new))}


def versions_between(jurisdiction: Jurisdiction, start: date, end: date) -> dict:
    """What changed between two dates (rows, fields, articles), and each version entered in between with who
    entered it (from the audit log). Three queries: rows in force on each date (one each), the versions and
    their audit events (one, joined in Python)."""
    from .models import AuditEvent

    if start > end:
        start, end = end, start
    diff = diff_rows(current_rows(jurisdiction, start), current_rows(jurisdiction, end))
    rows = list(PolicyRow.objects.filter(jurisdiction=jurisdiction, effective_from__gt=start,
                                         effective_from__lte=end).select_related("created_by")
                .order_by("effective_from", "key"))
    events = {e.object_id: e for e in AuditEvent.objects.filter(
        object_type="jurisdictions.policyrow", object_id__in=[r.pk for r in rows]).select_related("actor")}
    versions = []
    for row in rows:
        event = events.get(row.pk)
        who = (event.actor if event and event.actor else row.created_by)
        versions.append({"key": row.key, "label": policy_labels.key_label(row.key), "effective_from": row.effective_from,
                         "rule_ref": row.rule_ref, "removed": is_removed(row.value),
                         "entered_by": str(who) if who else "系统初始化（文件录入）", "entered_at": row.created_at,
                         "reason": (event.data or {}).get("reason", "") if event else ""})
    return {"start": start, "end": end, **diff, "versions": versions}


def features_unavailable(keys) -> list[dict]:
    return unavailable_features(keys)

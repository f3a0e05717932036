"""The shapes of periods and assessments, shared by the API, the pages and the export."""

from jurisdictions.models import Role
from jurisdictions.policy_labels import CODES

from . import selectors
from .models import Grade


def role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def period_dict(period, counts=None) -> dict:
    counts = counts or selectors.period_counts(period)
    return {"id": period.id, "jurisdiction": period.jurisdiction.code, "org_unit": period.org_unit_id,
            "name": str(period), "kind": period.kind, "year": period.year, "half": period.half,
            "start": period.start.isoformat(), "end": period.end.isoformat(), "status": period.status,
            "rule_ref": period.rule_ref, "quota": selectors.quota_state(period, counts), "counts": counts,
            "grades": [{"code": g, "label": Grade(g).label} for g in period.kind_row.get("grades", [])],
            "graders": period.kind_row.get("graders", []), "consulted": period.kind_row.get("consulted", []),
            "published_at": period.published_at.isoformat() if period.published_at else None}


def parts_dict(a) -> dict:
    out = {}
    for p in a.period.kind_row.get("parts") or []:
        out[p["key"]] = {"label": CODES.get(p["key"], p["key"]), "weight": p.get("weight"), "max": p.get("max", 100),
                         "value": a.parts.get(p["key"])}
    return out


def assessment_dict(a, evidence: dict | None, *, hide_result: bool = False) -> dict:
    out = {"id": a.id, "period": a.period_id, "cadre": a.cadre_id, "cadre_name": a.cadre.name,
           "township": a.township_id, "township_name": a.township.name,
           "dispatch_unit": a.cadre.dispatch_unit.name if a.cadre.dispatch_unit_id else "",
           "eligible": a.eligible, "ineligible_reason": a.ineligible_reason, "rule_ref": a.rule_ref,
           "evidence": evidence, "self_summary": a.self_summary, "status": a.status,
           "opinions": [{"role": o.role, "role_label": role_label(o.role), "text": o.text,
                         "suggested_grade": o.suggested_grade} for o in a.opinions.all()],
           "parts": parts_dict(a), "score": str(a.score) if a.score is not None else None, "rank": a.rank,
           "poll": ({"favourable": a.poll_favourable, "total": a.poll_total, "share": str(a.poll_share)}
                    if a.poll_total else None),
           "grade": a.grade or None, "grade_label": Grade(a.grade).label if a.grade else "",
           "comment": a.grade_comment, "override_reason": a.override_reason or None}
    if hide_result:
        out.update({"opinions": [], "parts": {}, "score": None, "rank": None, "poll": None, "grade": None,
                    "grade_label": "", "comment": "", "override_reason": None})
    return out

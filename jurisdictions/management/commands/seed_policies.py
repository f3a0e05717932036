"""Idempotent: the five jurisdictions, every policy row of POLICY.md §1–§10, the towns the regulations name.

On a database seeded before the regulations' own dates were known, seeded rows (created_by null) still at
1 January of the document's year move to the document's date; admin-entered rows are never touched."""

from django.core.management.base import BaseCommand
from django.db import transaction

from jurisdictions.models import DispatchUnit, Jurisdiction, OrgUnit, PolicyRow
from jurisdictions.seed_data import JURISDICTIONS, LEGACY_SEED_DATES, all_rows
from jurisdictions.seed_data.places import FENGDU_TOWNSHIPS, XINFENG_TOWNS, unit_level


def ensure_unit(jurisdiction, kind, name, parent=None, town_type=""):
    unit, created = OrgUnit.objects.get_or_create(
        jurisdiction=jurisdiction, parent=parent, name=name, defaults={"kind": kind, "town_type": town_type})
    if created or not unit.path:
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
    return unit


def ensure_dispatch_unit(jurisdiction, name, level=None):
    unit, _ = DispatchUnit.objects.get_or_create(jurisdiction=jurisdiction, name=name,
                                                 defaults={"level": level or unit_level(name)})
    return unit


class Command(BaseCommand):
    help = "录入五个辖区、全部政策规则及文件点名的乡镇（可重复执行）"

    @transaction.atomic
    def handle(self, *args, **options):
        by_code = {}
        for code, name, level, document, _ in JURISDICTIONS:
            j, _ = Jurisdiction.objects.update_or_create(code=code, defaults={"name": name, "level": level,
                                                                              "document": document})
            by_code[code] = j
        dates = {code: d for code, *_, d in JURISDICTIONS}
        created = updated = moved = 0
        for code, row in all_rows():
            effective = row.effective_from or dates[code]
            if row.effective_from is None:
                moved += self._move_legacy(by_code[code], row.key, LEGACY_SEED_DATES.get(code), effective)
            existing = PolicyRow.objects.filter(jurisdiction=by_code[code], key=row.key, effective_from=effective).first()
            values = {"value": row.value, "rule_ref": row.rule_ref, "note": row.note, "is_default": row.default}
            if existing is None:
                PolicyRow.objects.create(jurisdiction=by_code[code], key=row.key, effective_from=effective, **values)
                created += 1
            elif existing.created_by_id is None and any(getattr(existing, k) != v for k, v in values.items()):
                # a seeded version is refreshed from the code; rows entered by an admin are never touched
                for k, v in values.items():
                    setattr(existing, k, v)
                existing.save()
                updated += 1
        self._places(by_code)
        self.stdout.write(self.style.SUCCESS(f"政策规则：新增{created}条，更新{updated}条，生效日期更正{moved}条。"))

    @staticmethod
    def _move_legacy(jurisdiction, key, legacy, effective) -> int:
        """A seeded version left at the old 1-January date moves to the document's date (or goes, if the
        document's date already has a version), so no rule applies before the regulation was issued."""
        if legacy is None or legacy == effective:
            return 0
        old = PolicyRow.objects.filter(jurisdiction=jurisdiction, key=key, effective_from=legacy,
                                       created_by__isnull=True).first()
        if old is None:
            return 0
        if PolicyRow.objects.filter(jurisdiction=jurisdiction, key=key, effective_from=effective).exists():
            old.delete()
        else:
            old.effective_from = effective
            old.save(update_fields=["effective_from"])
        return 1

    def _places(self, by_code):
        xinfeng = by_code["xinfeng"]
        county = ensure_unit(xinfeng, OrgUnit.Kind.COUNTY, "新丰县")
        for town in XINFENG_TOWNS:
            ensure_unit(xinfeng, town["kind"], town["name"], county, town["type"])
            ensure_dispatch_unit(xinfeng, town["lead_unit"])
            for name in town["member_units"]:
                ensure_dispatch_unit(xinfeng, name)
        fengdu = by_code["fengdu"]
        county = ensure_unit(fengdu, OrgUnit.Kind.COUNTY, "丰都县")
        for town in FENGDU_TOWNSHIPS:
            ensure_unit(fengdu, OrgUnit.Kind.TOWNSHIP, town["name"], county)
        for code, name in (("qujiang", "曲江区"), ("ganzhou", "赣州市"), ("linfen", "临汾市")):
            kind = OrgUnit.Kind.CITY if by_code[code].level == "city" else OrgUnit.Kind.COUNTY
            ensure_unit(by_code[code], kind, name)

"""Idempotent: the five jurisdictions, every policy row of POLICY.md §1–§10, the towns the regulations name.

The rows load as one policy pack per jurisdiction (`seed_data.packs()` → `services.pack_load`), checked by the
same schemas as a pack an administrator imports: there is one path for every county.

On a database seeded before the regulations' own dates were known, seeded rows (created_by null) still at
1 January of the document's year move to the document's date; admin-entered rows are never touched."""

from django.core.management.base import BaseCommand
from django.db import transaction

from jurisdictions.models import DispatchUnit, Jurisdiction, OrgUnit, PolicyRow
from jurisdictions.seed_data import JURISDICTIONS, LEGACY_SEED_DATES, packs
from jurisdictions.seed_data.places import FENGDU_TOWNSHIPS, XINFENG_TOWNS, unit_level
from jurisdictions.services import pack_load


def ensure_unit(jurisdiction, kind, name, parent=None, town_type=""):
    unit, created = OrgUnit.objects.get_or_create(
        jurisdiction=jurisdiction, parent=parent, name=name, defaults={"kind": kind, "town_type": town_type,
                                                   "path": OrgUnit.placeholder_path(parent)})
    if created or not unit.path or unit.path.endswith("/0/"):
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
        for code, name, level, document, effective in JURISDICTIONS:
            j, _ = Jurisdiction.objects.update_or_create(code=code, defaults={"name": name, "level": level,
                                                                              "document": document,
                                                                              "effective_from": effective})
            by_code[code] = j
        created = updated = moved = 0
        for code, rows in packs().items():
            for row in rows:
                if row["effective_from"] != by_code[code].effective_from:
                    continue  # a row with its own date is not a legacy 1-January seed
                moved += self._move_legacy(by_code[code], row["key"], LEGACY_SEED_DATES.get(code),
                                           row["effective_from"])
            c, u = pack_load(jurisdiction=by_code[code], rows=rows)
            created, updated = created + c, updated + u
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

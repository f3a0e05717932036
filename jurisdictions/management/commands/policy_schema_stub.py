"""Print a draft `SCHEMAS` entry for every seeded key that has none (for whoever adds seed rows): the fields
seen in the seeded values, required when every jurisdiction has them, typed from the values. Review before
pasting into jurisdictions/policy_schema.py: a role field should be ROLE/ROLES, a rate RATE, a share SHARE."""

import re
from collections import defaultdict

from django.core.management.base import BaseCommand

from jurisdictions.policy_schema import ROLE_CODES, schema_for
from jurisdictions.seed_data import all_rows

RATE = re.compile(r"^-?\d+\.\d\d$")


def _kind(values) -> str:
    if all(isinstance(v, bool) for v in values):
        return "BOOL"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "INT"
    if all(v is None or (isinstance(v, str) and RATE.match(v)) for v in values):
        return "RATE"
    if all(v in ("hard", "soft") for v in values):
        return "SEVERITY"
    if all(isinstance(v, str) and v in ROLE_CODES for v in values):
        return "ROLE"
    if all(isinstance(v, list) and v and all(x in ROLE_CODES for x in v) for v in values):
        return "ROLES"
    if all(isinstance(v, str) for v in values):
        return "TEXT"
    if all(isinstance(v, list) for v in values):
        return "LIST"
    if all(isinstance(v, dict) for v in values):
        return "DICT"
    return "ANY"


class Command(BaseCommand):
    help = "为尚无格式定义的已录入规则键生成 SCHEMAS 草稿"

    def handle(self, *args, **options):
        by_key = defaultdict(list)
        for _, row in all_rows():
            if schema_for(row.key) is None and isinstance(row.value, dict):
                by_key[row.key].append(row.value)
        for key, values in sorted(by_key.items()):
            names = list(dict.fromkeys(n for v in values for n in v))
            fields = []
            for name in names:
                kind = _kind([v[name] for v in values if name in v])
                fields.append(f'"{name}": {kind if all(name in v for v in values) else f"opt({kind})"}')
            self.stdout.write(f'    "{key}": {{{", ".join(fields)}}},')
        if not by_key:
            self.stdout.write("每个已录入的规则键都有格式定义。")

"""Demo data: every jurisdiction with towns, villages, dispatch units, teams, cadres, and a login per role.

All writes go through the services (with a superuser as the actor), so the demo obeys the same rules.
Every demo password is `demo12345`. Run after `seed_policies`; running it again changes nothing.
"""

from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jurisdictions import services as js
from jurisdictions.models import Jurisdiction, OrgUnit, Role, User
from teams import services as ts
from teams.idcard import with_check_digit
from teams.models import Cadre, Membership

PASSWORD = "demo12345"  # noqa: S105 - documented demo logins
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["建国", "志强", "海燕", "丽华", "文斌", "晓东", "春梅", "国平", "红霞", "伟", "静", "磊", "敏", "军", "勇",
         "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "平", "刚", "桂英", "玉兰", "辉", "鹏", "霞"]

PLACES = {
    # code: (county name under the seeded top unit or None, [(township, [villages])])
    "qujiang": ["马坝镇", "大塘镇"],
    "ganzhou": ["沙石镇", "湖江镇"],
    "linfen": ["壶口镇", "屯里镇"],
    "xinfeng": ["梅坑镇", "沙田镇"],
    "fengdu": ["高家镇", "栗子乡"],
}
COUNTIES = {"ganzhou": "赣县区", "linfen": "吉县"}
UNITS = {
    "qujiang": [("区农业农村局", "county"), ("区交通运输局", "county"), ("区人社局", "county")],
    "ganzhou": [("市农业农村局", "city"), ("市财政局", "city"), ("赣县区人社局", "county")],
    "linfen": [("市发改委", "city"), ("吉县农业农村局", "county"), ("吉县教育局", "county")],
    "xinfeng": [],  # the seeded lead/member units
    "fengdu": [("县农业农村委", "county"), ("县财政局", "county"), ("市城市管理局", "city")],
}


def enter_demo_rates(*, actor, jurisdiction, effective_from=None) -> list:
    """The rates the regulation leaves open, entered as the jurisdiction admin would (a new version of each row,
    noted as demo figures), so that the demo's runs are not refused with `rate_missing`."""
    from jurisdictions.models import PolicyRow
    from jurisdictions.seed_data.s8_subsidies import DEMO_NOTE, DEMO_RATES, DEMO_RATES_FROM

    on = effective_from or DEMO_RATES_FROM
    entered = set(PolicyRow.objects.filter(jurisdiction=jurisdiction, effective_from=on).values_list("key", flat=True))
    return [js.policy_version_add(actor=actor, jurisdiction=jurisdiction, key=key, value=value, effective_from=on,
                                  note=DEMO_NOTE, reason="演示数据：文件未给金额的标准，按演示需要录入")
            for key, value in DEMO_RATES.get(jurisdiction.code, {}).items() if key not in entered]


class Command(BaseCommand):
    help = "生成演示数据（各角色演示账号，密码 demo12345）"

    @transaction.atomic
    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_LOGINS_ALLOWED", settings.DEBUG):
            # the demo password is public: only `make run` (DJANGO_DEBUG=1) and the tests create these logins
            raise CommandError("演示账号的密码是公开的，只能在 make run（DJANGO_DEBUG=1）下生成演示数据。")
        if User.objects.filter(username="admin").exists():
            # a demo made before the open rates were null: its admins enter them now (once)
            for j in Jurisdiction.objects.order_by("id"):
                admin = User.objects.filter(username=f"{j.code}_admin").first()
                if admin is not None:
                    enter_demo_rates(actor=admin, jurisdiction=j)
            self.stdout.write("演示数据已存在，未做改动。")
            return
        root = User.objects.create_superuser("admin", "admin@example.com", PASSWORD, display_name="系统管理员")
        self.n = 0
        for j in Jurisdiction.objects.order_by("id"):
            self._jurisdiction(root, j)
        call_command("load_demo_funds", verbosity=0)  # fund accounts and spending for every demo team
        call_command("load_demo_attendance", verbosity=0)  # two past months of attendance, sheets confirmed
        from django.db import connection

        if connection.vendor == "postgresql":  # the reports are set-based PostgreSQL SQL (issue 12)
            call_command("load_demo_reports", verbosity=0)  # those two months' reports, every jurisdiction
        else:
            self.stdout.write("月度报告按 PostgreSQL 集合运算生成：SQLite 演示库不生成报告，仪表盘显示“暂无报告”。"
                              "设置 DATABASE_URL 指向 PostgreSQL 可查看完整演示。")
        call_command("load_demo_assessment", verbosity=0)  # annual assessment: this year open, last year published
        self._demo_cases()  # issue 11: one open and one decided personnel case
        call_command("load_demo_duties", verbosity=0)  # duties done last month, paired households (issue 13)
        self.stdout.write(self.style.SUCCESS("演示数据已生成。登录名见 README，密码均为 demo12345。"))

    def _name(self) -> str:
        self.n += 1
        return SURNAMES[self.n % len(SURNAMES)] + GIVEN[(self.n * 7) % len(GIVEN)]

    def _user(self, root, j, username, display, role=None, **scope):
        user = js.user_create(actor=root, username=username, password=PASSWORD, jurisdiction=j, display_name=display)
        if role:
            js.role_grant_create(actor=root, user=user, role=role, jurisdiction=j, **scope)
        return user

    def _jurisdiction(self, root, j):
        top = OrgUnit.objects.filter(jurisdiction=j, parent__isnull=True).first()
        county = top
        if j.code in COUNTIES:
            county = js.org_unit_create(actor=root, jurisdiction=j, kind=OrgUnit.Kind.COUNTY, name=COUNTIES[j.code],
                                        parent=top)
        townships = []
        for name in PLACES[j.code]:
            town = OrgUnit.objects.filter(jurisdiction=j, name=name).first() or js.org_unit_create(
                actor=root, jurisdiction=j, kind=OrgUnit.Kind.TOWNSHIP, name=name, parent=county)
            villages = [js.org_unit_create(actor=root, jurisdiction=j, kind=OrgUnit.Kind.VILLAGE,
                                           name=f"{name[:-1]}{suffix}村", parent=town) for suffix in ("东", "西", "南")]
            townships.append((town, villages))
        units = [js.dispatch_unit_create(actor=root, jurisdiction=j, name=n, level=lvl) for n, lvl in UNITS[j.code]]
        if not units:
            from jurisdictions.models import DispatchUnit

            units = list(DispatchUnit.objects.filter(jurisdiction=j, level="county").order_by("id")[:3])

        c = j.code
        admin = self._user(root, j, f"{c}_admin", f"{j.name}管理员", Role.JURISDICTION_ADMIN)
        enter_demo_rates(actor=admin, jurisdiction=j)
        for role, suffix, label in ((Role.COUNTY_OFFICE, "county", "驻村办"), (Role.COUNTY_GROUP, "group", "领导小组"),
                                    (Role.COUNTY_ORG_DEPT, "orgdept", "组织部"), (Role.COUNTY_RR_BUREAU, "rrb", "乡村振兴局"),
                                    (Role.FINANCE, "finance", "财务")):
            self._user(root, j, f"{c}_{suffix}", f"{j.name}{label}", role)
        if j.level == "city":
            self._user(root, j, f"{c}_city", f"{j.name}市帮扶办", Role.CITY_OFFICE)

        from jurisdictions.policy import policy_in_force

        policy = policy_in_force(j, date(2026, 1, 1))
        kind = policy.require("team.kinds").value["kinds"][0]
        term_start = date(2025, 3, 1)
        for t_index, (town, villages) in enumerate(townships):
            self._user(root, j, f"{c}_secretary" + ("" if t_index == 0 else "2"), f"{town.name}党委书记",
                       Role.TOWNSHIP_SECRETARY, org_unit=town)
            self._user(root, j, f"{c}_clerk" + ("" if t_index == 0 else "2"), f"{town.name}考勤员",
                       Role.ATTENDANCE_CLERK, org_unit=town)
            host = villages[0] if kind == "village" else town
            team = ts.team_create(actor=root, jurisdiction=j, kind=kind,
                                  name=f"{host.name}{dict(ts.Team.Kind.choices)[kind]}", host_unit=host,
                                  dispatch_level=units[0].level, term_start=term_start,
                                  lead_unit=units[0] if kind == "town" else None,
                                  member_units=units[1:] if kind == "town" else ())
            for m_index in range(5):
                unit = units[m_index % len(units)]
                cadre = ts.cadre_create(actor=root, jurisdiction=j, data=self._cadre_data(unit, m_index))
                leader = m_index == 0
                ts.membership_add(actor=root, team=team, cadre=cadre,
                                  role=Membership.Role.LEADER if leader else Membership.Role.MEMBER,
                                  start_date=term_start, first_secretary=leader,
                                  village=villages[0] if leader else None,
                                  override_reason="演示数据：按实际选派情况录入")
                if t_index == 0 and m_index in (0, 1):
                    username = f"{c}_leader" if leader else f"{c}_cadre"
                    js.user_create(actor=root, username=username, password=PASSWORD, jurisdiction=j, cadre=cadre)
        # every dispatch unit with cadres approves or is told about their leave (丰都 art.9 joint approval, 赣州
        # art.17 replacement): one login each, `<code>_unit` for the first, `<code>_unit2`, `<code>_unit3` …
        staffed = set(Cadre.objects.filter(jurisdiction=j).values_list("dispatch_unit_id", flat=True))
        for u_index, unit in enumerate(u for u in units if u.pk in staffed):
            self._user(root, j, f"{c}_unit" + ("" if u_index == 0 else str(u_index + 1)), unit.name,
                       Role.DISPATCH_UNIT, dispatch_unit=unit)

    def _demo_cases(self):
        """赣州: an open recall proposed by the first township (awaiting the county group, art.22) and a decided
        one in the second township (approved by the county group: the membership has ended)."""
        from teams.services import personnel_case_approve, personnel_case_open

        j = Jurisdiction.objects.filter(code="ganzhou").first()
        teams = list(ts.Team.objects.filter(jurisdiction=j).order_by("id")[:2]) if j else []
        if len(teams) < 2:
            return
        group = User.objects.get(username="ganzhou_group")
        for team, secretary, decide in ((teams[0], "ganzhou_secretary", False),
                                        (teams[1], "ganzhou_secretary2", True)):
            m = team.memberships.filter(end_date__isnull=True, role=Membership.Role.MEMBER).order_by("-id").first()
            case = personnel_case_open(actor=User.objects.get(username=secretary), cadre=m.cadre, kind="recall",
                                       ground="4", note="演示数据：市级督查两次发现无故脱岗，经批评教育仍未改正")
            if decide:
                personnel_case_approve(actor=group, case_id=case.pk, comment="演示数据：同意召回")

    def _cadre_data(self, unit, index):
        self.n += 1
        birth = date(1980 + index * 2, 1 + self.n % 12, 1 + self.n % 27)
        gender = "male" if index % 3 else "female"
        seq = f"{self.n % 100:02d}{(1 if gender == 'male' else 2)}"
        return {
            "name": self._name(), "gender": gender, "birth_date": birth,
            "id_number": with_check_digit(f"440205{birth:%Y%m%d}{seq}"),
            "party_status": "member", "party_joined_on": date(2006 + index, 7, 1),
            "work_started_on": date(2004 + index, 8, 1), "rank": "section" if index == 0 else "deputy_section",
            "reserve_cadre": False, "category": "civil_servant", "dispatch_unit": unit, "dispatch_level": unit.level,
            "phone": f"139{self.n:08d}", "commute_km": 45, "self_driving": index == 0,
        }

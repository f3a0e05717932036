"""POLICY.md §1: team kinds and the roles that occur."""

from . import Row

ALL_ROLES = ["leader", "member", "industry_instructor"]

ROWS = {
    "qujiang": [
        Row("team.kinds", {"kinds": ["town"], "roles": ["leader", "member"]}, "qujiang art.2",
            "驻镇帮镇扶村工作队；队长兼任镇党委副书记，第一书记从队员中选派（art.6），科技特派员、三支一扶等作为队员管理（art.4）"),
    ],
    "ganzhou": [
        Row("team.kinds", {"kinds": ["village"], "roles": ["leader", "member"]}, "ganzhou art.7"),
    ],
    "linfen": [
        Row("team.kinds", {"kinds": ["village"], "roles": ["leader", "member"]}, "linfen art.4",
            "每个贫困村一支驻村工作队；可含1名同一单位在本乡镇挂职干部"),
    ],
    "xinfeng": [
        Row("team.kinds", {"kinds": ["town", "village"], "roles": ["leader", "member"]}, "xinfeng sec.二",
            "驻镇帮镇扶村工作队（牵头单位+成员单位“1+5”组团），驻村第一书记同为驻镇工作队队员"),
    ],
    "fengdu": [
        Row("team.kinds", {"kinds": ["township", "industry", "village"], "roles": ALL_ROLES}, "fengdu art.2",
            "市派驻乡工作队、县派驻乡工作队、产业指导组、驻村工作队、薄弱村第一书记"),
    ],
}

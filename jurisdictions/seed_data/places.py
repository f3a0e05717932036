"""Places and units the regulations name (see docs/POLICY_NOTES.md for the body/annex conflicts)."""

# Xinfeng: 6 towns and 1 street (新乡振组〔2021〕12号 一、二、七 and annex 1). Villages are not named.
XINFENG_TOWNS = [
    {"name": "遥田镇", "kind": "township", "type": "重点帮扶镇", "lead_unit": "省人大常委会办公厅",
     "member_units": ["省环保集团有限公司"], "county_dispatched": False},
    {"name": "回龙镇", "kind": "township", "type": "重点帮扶镇", "lead_unit": "国家粮食和物资储备局广东局",
     "member_units": ["中国南方电网公司调峰调频发电公司", "省粮食和物资储备局"], "county_dispatched": False},
    {"name": "黄磔镇", "kind": "township", "type": "重点帮扶镇", "lead_unit": "东莞东城街道",
     "member_units": ["东莞轨道交通有限公司"], "county_dispatched": False},
    {"name": "马头镇", "kind": "township", "type": "重点帮扶镇", "lead_unit": "市委办",
     "member_units": ["市人社局", "市林业局", "市生态环境局", "韶能集团", "中国人保财险韶关分公司"],
     "county_dispatched": False},
    {"name": "梅坑镇", "kind": "township", "type": "巩固提升镇", "lead_unit": "县交通运输局",
     "member_units": ["县工信局", "县人社局", "县司法局", "县医保局", "县林业局"], "county_dispatched": True},
    {"name": "沙田镇", "kind": "township", "type": "巩固提升镇", "lead_unit": "县卫生健康局",
     "member_units": ["县文广旅体局", "县市场监管局", "县民政局", "国家税务总局新丰县税务局", "县水务局"],
     "county_dispatched": True},
    {"name": "丰城街道", "kind": "street", "type": "街道", "lead_unit": "县农业农村局",
     "member_units": ["县教育局", "县财政局", "县发改局", "县自然资源局", "县住建管理局"], "county_dispatched": True},
]

# Fengdu (丰委农办〔2021〕35号 art.2, 19): the named township teams and the industry guidance group.
FENGDU_TOWNSHIPS = [
    {"name": "栗子乡", "team": "市派栗子乡乡村振兴驻乡工作队", "team_kind": "township", "dispatch_level": "city"},
    {"name": "高家镇", "team": "县派高家镇乡村振兴驻乡（镇）工作队", "team_kind": "township", "dispatch_level": "county"},
    {"name": "双路镇", "team": "县派双路镇乡村振兴驻乡（镇）工作队", "team_kind": "township", "dispatch_level": "county"},
    {"name": "三元镇", "team": "县派三元镇乡村振兴驻乡（镇）工作队", "team_kind": "township", "dispatch_level": "county"},
    {"name": "仙女湖镇", "team": "县派仙女湖镇乡村振兴驻乡（镇）工作队", "team_kind": "township",
     "dispatch_level": "county"},
    {"name": "三建乡", "team": "三建乡产业指导组", "team_kind": "industry", "dispatch_level": "city"},
]


def unit_level(name: str) -> str:
    if name.startswith(("国家", "中国")):
        return "central"
    if name.startswith("省"):
        return "province"
    if name.startswith(("市", "东莞", "韶能")):
        return "city"
    return "county"

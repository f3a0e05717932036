"""POLICY.md §8: allowance rates. Every amount is a string of yuan with 2 decimals; rates change by new rows."""

from datetime import date

from . import Row

ROWS = {
    "qujiang": [
        Row("subsidy.meal_per_day", {"amount": "40.00"}, "qujiang art.21", "每天40元伙食补助，按实际驻镇（村）天数"),
        Row("subsidy.township_allowance", {"monthly": None, "after_months": 6, "continuity": True},
            "qujiang art.21",
            "驻镇帮扶6个月以上享受乡镇工作补贴，“执行所在地乡镇补贴标准”：文件未给金额，monthly 为空，"
            "须由辖区管理员按所在地乡镇标准录入新版本后方可核算（未录入时核算拒绝，rate_missing）；"
            "自满6个月之日起按日历天数折算发放、不追溯补发，为本系统解释（文件未写“第7个月”）；上一轮无间断接续的可连续发放",
            default=True),
        Row("subsidy.trips", {"max_per_month": 3, "basis": "receipt"}, "qujiang art.21",
            "第二十一条：“往返交通按每月不超过3次予以保障，按照有关规定报销”；次数为原文，"
            "“按票据金额登记”为本系统默认（文件未写“凭票”）；由派出单位保障", default=True),
    ],
    "ganzhou": [
        Row("subsidy.living_per_day", {"city": "100.00", "county": None,
                                        "levels": {"central": "city", "province": "city", "city": "city",
                                                   "county": "county"}}, "ganzhou art.27",
            "生活补助“目前市级为100元/天”，凭乡镇盖章考勤表；“各地按本地标准执行”：文件未给县级金额，county 为空，"
            "须由辖区管理员录入本地标准后方可核算县派干部（未录入时核算拒绝，rate_missing）；省级、中央单位派出的按市级标准（本系统解释）",
            default=True),
        Row("subsidy.trips", {"max_per_month": 2, "basis": "per_km", "per_km": "0.45", "self_driving_only": True,
                              "dispatch_levels": ["city"], "one_car_per_team": True, "no_tolls": True,
                              "not_with_transport_allowance": True},
            "ganzhou art.27",
            "已实行公车改革的市派单位自驾：0.45元/公里×单程里程×2，每月不超过2次往返，不含过路费，一个工作队只报一辆车；"
            "中心城区已享受交通补贴的不再报销（未实行公车改革的企事业单位按自身财务规章，不在本系统计算）"),
        Row("subsidy.communication_monthly", {"amount": None}, "ganzhou art.27",
            "“可参照市级机关事业单位通信补贴标准由派出单位按月发放”：文件未给金额，amount 为空，须由辖区管理员录入后方可核算"
            "（未录入时核算拒绝，rate_missing）；派出单位已发放的不重复发放",
            default=True),
    ],
    "linfen": [
        Row("subsidy.living_per_day", {"city": None, "county": None, "province": None,
                                        "levels": {"central": "province", "province": "province", "city": "city",
                                                   "county": "county"}}, "linfen art.17",
            "派出单位按实际在岗天数发放；“市、县两级选派的按同级差旅费伙食补助标准执行”：市级、县级标准不同，文件未给金额，"
            "各级均为空，须由辖区管理员录入后方可核算该级派出的干部（未录入时核算拒绝，rate_missing）；"
            "省级、中央单位派出的按其同级（省级）标准，为本系统解释",
            default=True),
        Row("subsidy.transport_per_day", {"amount": None}, "linfen art.17",
            "“按标准以驻村工作队员实际在岗天数给予生活、交通、通信补贴”：交通补贴按天，文件未给金额，amount 为空，"
            "须由辖区管理员录入（不发放则录入0）后方可核算（未录入时核算拒绝，rate_missing）",
            default=True),
        Row("subsidy.communication_per_day", {"amount": None}, "linfen art.17",
            "“按标准以驻村工作队员实际在岗天数给予生活、交通、通信补贴”：通信补贴按天，文件未给金额，amount 为空，"
            "须由辖区管理员录入（不发放则录入0）后方可核算（未录入时核算拒绝，rate_missing）",
            default=True),
        Row("subsidy.trips", {"max_per_month": 0, "basis": "receipt", "label": "短途公共交通（公务）"},
            "linfen art.17",
            "“因工作需要从驻点村到县市区内其他地点从事公务活动所发生的短途公共交通费用，由派出单位据实按票报销”："
            "按票据金额登记、如数发放，文件未设次数上限（max_per_month 0 = 不限）"),
    ],
    "xinfeng": [
        Row("subsidy.work_allowance_monthly", {"amount": "2000.00", "dispatch_levels": ["county"], "prorate": True},
            "xinfeng sec.六",
            "六（一）：“对县直单位派出的驻镇工作人员给予每月2000元的工作补助（含伙食补助）”：金额为原文，仅县直单位派出人员；"
            "不满月按在岗日历天数折算为本系统默认（文件未规定）", default=True),
        Row("subsidy.township_allowance", {"monthly": None, "after_months": 6, "continuity": False,
                                           "dispatch_levels": ["county"]},
            "xinfeng sec.六",
            "同一句“对县直单位派出的驻镇工作人员……驻镇帮扶6个月以上的，应享受乡镇工作补贴”：仅县直单位派出人员，"
            "省、市派出的不享受；文件未给金额，monthly 为空，须由辖区管理员录入后方可核算（未录入时核算拒绝，rate_missing）；"
            "文件未规定接续连续计算",
            default=True),
    ],
    "fengdu": [
        Row("subsidy.living_per_day", {"amount": "100.00", "exclusive": True}, "fengdu art.20",
            "按出勤天数100元/天，不再另发通信、交通补助和乡镇工作补贴"),
    ],
}

# Demo figures for the rates above that the regulations leave open (null in the rows). They are NOT the
# documents' standards: `load_demo` enters them as each demo jurisdiction admin would (a new version through
# `policy_version_add`, noted "演示数据，非文件标准") so that the demo's runs work. A real jurisdiction enters its own.
DEMO_RATES_FROM = date(2023, 1, 1)
DEMO_RATES = {
    "qujiang": {"subsidy.township_allowance": {"monthly": "1000.00"}},
    "ganzhou": {"subsidy.living_per_day": {"county": "100.00"}, "subsidy.communication_monthly": {"amount": "100.00"}},
    "linfen": {"subsidy.living_per_day": {"city": "60.00", "county": "60.00", "province": "60.00"},
               "subsidy.transport_per_day": {"amount": "0.00"}, "subsidy.communication_per_day": {"amount": "0.00"}},
    "xinfeng": {"subsidy.township_allowance": {"monthly": "1000.00"}},
    "fengdu": {},
}
DEMO_NOTE = "演示数据，非文件标准"

"""POLICY.md §8: allowance rates. Every amount is a string of yuan with 2 decimals; rates change by new rows."""

from . import Row

ROWS = {
    "qujiang": [
        Row("subsidy.meal_per_day", {"amount": "40.00"}, "qujiang art.21", "每天40元伙食补助，按实际驻镇（村）天数"),
        Row("subsidy.township_allowance", {"monthly": "1000.00", "after_months": 6, "continuity": True},
            "qujiang art.21",
            "驻镇帮扶6个月以上享受乡镇工作补贴，执行所在地乡镇标准；文件未给金额，默认1000元/月，请按当地标准修改；"
            "自满6个月之日起按日历天数折算发放、不追溯补发，为本系统解释（文件未写“第7个月”）；上一轮无间断接续的可连续发放",
            default=True),
        Row("subsidy.trips", {"max_per_month": 3, "basis": "receipt"}, "qujiang art.21",
            "第二十一条：“往返交通按每月不超过3次予以保障，按照有关规定报销”；次数为原文，"
            "“按票据金额登记”为本系统默认（文件未写“凭票”）；由派出单位保障", default=True),
    ],
    "ganzhou": [
        Row("subsidy.living_per_day", {"city": "100.00", "county": "100.00",
                                        "levels": {"central": "city", "province": "city", "city": "city",
                                                   "county": "county"}}, "ganzhou art.27",
            "生活补助市级100元/天，凭乡镇盖章考勤表；各县按本地标准（文件未给县级金额，默认同市级，请按本地标准修改）",
            default=True),
        Row("subsidy.trips", {"max_per_month": 2, "basis": "per_km", "per_km": "0.45", "self_driving_only": True,
                              "dispatch_levels": ["city"], "one_car_per_team": True, "no_tolls": True,
                              "not_with_transport_allowance": True},
            "ganzhou art.27",
            "已实行公车改革的市派单位自驾：0.45元/公里×单程里程×2，每月不超过2次往返，不含过路费，一个工作队只报一辆车；"
            "中心城区已享受交通补贴的不再报销（未实行公车改革的企事业单位按自身财务规章，不在本系统计算）"),
        Row("subsidy.communication_monthly", {"amount": "100.00"}, "ganzhou art.27",
            "可参照市级机关事业单位通信补贴标准；文件未给金额，默认100元/月；派出单位已发放的不重复发放",
            default=True),
    ],
    "linfen": [
        Row("subsidy.living_per_day", {"amount": "60.00"}, "linfen art.17",
            "派出单位可利用公用经费按实际在岗天数发放；按同级差旅费伙食补助标准，文件未给金额，默认60元/天，请按本地标准修改",
            default=True),
        Row("subsidy.transport_per_day", {"amount": "0.00"}, "linfen art.17",
            "交通补贴按天，文件未给金额，默认0（未配置不发）",
            default=True),
        Row("subsidy.communication_per_day", {"amount": "0.00"}, "linfen art.17",
            "通信补贴按天，文件未给金额，默认0（未配置不发）",
            default=True),
    ],
    "xinfeng": [
        Row("subsidy.work_allowance_monthly", {"amount": "2000.00", "dispatch_levels": ["county"], "prorate": True},
            "xinfeng sec.六",
            "六（一）：“对县直单位派出的驻镇工作人员给予每月2000元的工作补助（含伙食补助）”；"
            "金额为原文，不满月按在岗日历天数折算为本系统默认（文件未规定）", default=True),
        Row("subsidy.township_allowance", {"monthly": "1000.00", "after_months": 6, "continuity": False},
            "xinfeng sec.六", "驻镇帮扶6个月以上享受乡镇工作补贴；文件未给金额，默认1000元/月；文件未规定接续连续计算",
            default=True),
    ],
    "fengdu": [
        Row("subsidy.living_per_day", {"amount": "100.00", "exclusive": True}, "fengdu art.20",
            "按出勤天数100元/天，不再另发通信、交通补助和乡镇工作补贴"),
    ],
}

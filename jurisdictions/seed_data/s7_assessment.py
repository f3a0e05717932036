"""POLICY.md §7: assessment."""

from . import Row

GRADES = ["excellent", "competent", "basically_competent", "incompetent"]

ROWS = {
    "qujiang": [
        Row("assessment.annual", {"by": ["county_org_dept", "county_rr_bureau", "township_party_committee"],
                                  "grades": GRADES}, "qujiang art.25"),
        Row("assessment.excellent_quota", {"max_share": "0.35", "severity": "hard"}, "qujiang art.25",
            "优秀比例最高不超过35%"),
        Row("assessment.term_end", {"by": "dispatch_unit"}, "qujiang art.26"),
    ],
    "ganzhou": [
        Row("assessment.annual", {"by": ["county"], "counts_as_dispatch_unit_grade": True, "grades": GRADES},
            "ganzhou art.20"),
        Row("assessment.excellent_quota", {"outside_dispatch_unit_quota": True, "may_be_raised": True},
            "ganzhou art.20"),
        Row("assessment.term_end", {"by": "county"}, "ganzhou art.20"),
    ],
    "linfen": [
        Row("assessment.annual", {"by": ["county_office", "dispatch_unit"], "months": [12, 1], "scored": True,
                                  "grades": GRADES}, "linfen art.12"),
        Row("assessment.semi_annual", {"parts": ["common", "individual"], "ranked": True}, "linfen art.11"),
    ],
    "xinfeng": [
        Row("assessment.annual", {"by": ["county_org_dept", "county_rural_office", "county_agri_bureau",
                                         "county_rr_bureau"], "grades": GRADES}, "xinfeng sec.四"),
        Row("assessment.term_end", {"by": "dispatch_unit"}, "xinfeng sec.四"),
    ],
    "fengdu": [
        Row("assessment.annual", {"by": ["county_org_dept", "county_agri_committee", "county_rr_bureau"],
                                  "grades": GRADES}, "fengdu art.15"),
        Row("assessment.min_months_stationed", {"months": 6}, "fengdu art.15", "当年驻乡驻村满6个月方参加年度考核"),
        Row("assessment.excellent_quota", {"separate": True, "may_be_raised": True}, "fengdu art.16"),
        Row("assessment.term_end", {"by": "dispatch_unit"}, "fengdu art.15"),
    ],
}

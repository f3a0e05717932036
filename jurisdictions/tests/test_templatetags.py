from jurisdictions.templatetags.portal import money, rule_label


def test_rule_refs_read_in_chinese_on_pages(db):
    assert rule_label("ganzhou art.17") == "赣州市文件第17条"
    assert rule_label("xinfeng sec.四") == "新丰县文件第四部分"
    assert rule_label("linfen default") == "临汾市：文件未规定，系统默认"
    assert rule_label("") == ""


def test_money_has_two_decimals_and_separators():
    assert money("1280") == "1,280.00" and money(10000) == "10,000.00"

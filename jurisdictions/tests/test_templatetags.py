from jurisdictions.templatetags.portal import money, rule_label


def test_rule_refs_read_in_chinese_on_pages(db):
    assert rule_label("ganzhou art.17") == "赣州市文件第17条"
    assert rule_label("xinfeng sec.四") == "新丰县文件第四部分"
    assert rule_label("linfen default") == "临汾市：文件未规定，系统默认"
    assert rule_label("") == ""


def test_money_has_two_decimals_and_separators():
    assert money("1280") == "1,280.00" and money(10000) == "10,000.00"


def test_a_formal_notice_cites_the_document_and_the_article_as_an_office_writes_them():
    """Issue 11 notice: 《title》（number）第二十二条 — without the portal's own remark about a missing issue date."""
    from jurisdictions.templatetags.portal import article_cn, document_title

    assert document_title("赣市办字〔2021〕19号 驻村第一书记和工作队选派管理办法（试行）"
                          "（文件未载印发日期，系统按2021年12月31日起施行）") == \
        "《驻村第一书记和工作队选派管理办法（试行）》（赣市办字〔2021〕19号）"
    assert [article_cn(r) for r in ("ganzhou art.22", "linfen art.9(五)", "fengdu art.10", "xinfeng sec.六",
                                    "qujiang default")] == ["第二十二条", "第九条(五)", "第十条", "第六部分", ""]


def test_rule_refs_inside_free_text_read_in_chinese(db):
    from jurisdictions.templatetags.portal import refs_cn

    assert refs_cn("提出召回：无故脱岗且未改正（ganzhou art.22）") == "提出召回：无故脱岗且未改正（赣州市文件第22条）"

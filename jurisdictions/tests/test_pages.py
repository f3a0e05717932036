def test_home_page_names_the_users_roles_in_chinese(client, world, alice):
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert "乡镇党委书记" in page


def test_the_policy_page_shows_each_rule_with_its_article(client, world, alice, admin_user):
    """Everyone reads the rule and its article in Chinese; the rule keys (used by the API and packs) are shown to the
    jurisdiction admin only."""
    client.force_login(alice)
    page = client.get("/policy/ganzhou/?on=2026-05-01").content.decode()
    assert "4–7天：县驻村工作领导小组办公室审批" in page and "赣州市文件第17条" in page
    assert "leave.route.02_4_7" not in page
    client.force_login(admin_user)
    assert "leave.route.02_4_7" in client.get("/policy/ganzhou/?on=2026-05-01").content.decode()


def test_the_policy_page_of_another_jurisdiction_is_404(client, world, alice):
    client.force_login(alice)
    assert client.get("/policy/fengdu/").status_code == 404


def test_pages_need_a_login(client, db):
    assert client.get("/teams/").status_code == 302

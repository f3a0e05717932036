def test_home_page_names_the_users_roles_in_chinese(client, world, alice):
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert "乡镇党委书记" in page


def test_the_policy_page_shows_each_rule_with_its_article(client, world, alice):
    client.force_login(alice)
    page = client.get("/policy/ganzhou/?on=2026-05-01").content.decode()
    assert "leave.route.02_4_7" in page and "ganzhou art.17" in page


def test_the_policy_page_of_another_jurisdiction_is_404(client, world, alice):
    client.force_login(alice)
    assert client.get("/policy/fengdu/").status_code == 404


def test_pages_need_a_login(client, db):
    assert client.get("/teams/").status_code == 302

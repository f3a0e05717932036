def test_a_township_secretary_sees_the_team_of_her_township_and_not_the_neighbours(api, alice, bob, world):
    assert api(alice).get(f"/api/v1/teams/{world.team_a.id}/").status_code == 200
    assert api(bob).get(f"/api/v1/teams/{world.team_a.id}/").status_code == 404

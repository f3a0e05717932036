"""config/prepared.py: the statements every request runs, prepared once per kept connection (issue 15)."""

import pytest
from django.db import connection

from config import prepared


def test_a_literal_percent_reaches_the_server_as_one_percent_and_named_parameters_become_numbered():
    text, order = prepared._compile("t_percent", "SELECT %(a)s::int %% 7, %(b)s, %(a)s")
    assert text == "PREPARE t_percent AS SELECT $1::int % 7, $2, $1"
    assert order == ["a", "b"]


@pytest.mark.django_db
def test_nothing_is_prepared_behind_a_pooler(monkeypatch, settings):
    """DB_PREPARED_STATEMENTS=0 (PgBouncer in transaction mode): the statement is executed as it is."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    settings.DB_PREPARED_STATEMENTS = False
    with connection.cursor() as c:
        prepared.execute(c, "t_pooler", "SELECT %(x)s::int + 1", {"x": 41})
        assert c.fetchone() == (42,)
        c.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 't_pooler'")
        assert c.fetchone() == (0,)


@pytest.mark.django_db
def test_a_kept_connection_prepares_once_and_answers_every_execution(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)  # None: connections kept for ever
    with connection.cursor() as c:
        answers = []
        for x in (1, 2, 3):
            prepared.execute(c, "t_kept", "SELECT %(x)s::int * 2", {"x": x})
            answers.append(c.fetchone()[0])
        c.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 't_kept'")
        assert c.fetchone() == (1,)
    assert answers == [2, 4, 6]

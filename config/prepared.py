"""Server-side prepared statements for the few statements every request runs (issue 15).

PostgreSQL spends more time planning a small join than executing it (the check-in's placement: about 0.45 ms of
0.7 ms here). A statement prepared once per database connection is planned once and then reuses its plan, so a web
process that keeps its connection (`DB_CONN_MAX_AGE` > 0) pays the planning once, not on every tap.

Behind a pooler that hands the client another server connection, or resets one (PgBouncer in transaction mode,
`DISCARD ALL`, RDS Proxy), a prepared statement would be missing where it is executed: there set
`DB_PREPARED_STATEMENTS=0` (and `DB_CONN_MAX_AGE=0`, README). With either, nothing is prepared (`enabled()`) and the
statement is simply executed, as it is on SQLite.

Statements are written with named `%(name)s` parameters, as for `cursor.execute`; `execute` turns them into `$n`
once, prepares on first use on a connection, and sends `EXECUTE name(...)` with the values afterwards.
"""

import re
import weakref

from django.conf import settings
from django.db import connection

_PARAM = re.compile(r"%\((\w+)\)s")
_prepared: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()  # raw connection → names
_compiled: dict[str, tuple[str, list[str]]] = {}  # name → (PREPARE statement, parameter order)


def enabled() -> bool:
    """Kept connections (CONN_MAX_AGE None is "for ever") on PostgreSQL, unless turned off for a pooler."""
    return (connection.vendor == "postgresql" and connection.settings_dict.get("CONN_MAX_AGE") != 0
            and getattr(settings, "DB_PREPARED_STATEMENTS", True))


def _compile(name: str, sql: str) -> tuple[str, list[str]]:
    if name not in _compiled:
        order: list[str] = []

        def number(match):
            if match.group(1) not in order:
                order.append(match.group(1))
            return f"${order.index(match.group(1)) + 1}"

        text = _PARAM.sub(number, sql)
        # PREPARE is sent without parameters, so psycopg2 does not turn %% into %: do it here, and refuse a %s
        assert "%s" not in text.replace("%%", ""), f"{name}: positional parameters are not supported"  # noqa: S101
        _compiled[name] = (f"PREPARE {name} AS {text.replace('%%', '%')}", order)
    return _compiled[name]


def execute(cursor, name: str, sql: str, params: dict) -> None:
    """`cursor.execute(sql, params)`, through a statement prepared on this connection where that pays."""
    if not enabled():
        cursor.execute(sql, params)
        return
    prepare, order = _compile(name, sql)
    raw = connection.connection
    done = _prepared.get(raw)
    if done is None:  # a new connection: what the server holds (nothing, unless a pooler kept a session)
        cursor.execute("SELECT name FROM pg_prepared_statements")
        done = _prepared[raw] = {row[0] for row in cursor.fetchall()}
    if name not in done:
        cursor.execute(prepare)
        done.add(name)
    placeholders = ", ".join(["%s"] * len(order))
    cursor.execute(f"EXECUTE {name}({placeholders})", [params[k] for k in order])

"""A per-process cache of the reference tables nearly every figure reads and almost nothing writes: the policy
table and the statutory calendar, and the jurisdictions themselves (issue 15). Only `jurisdictions.policy`,
`jurisdictions.calendar` and `jurisdictions.selectors.jurisdiction_by_id` use it; every rule still asks the one
resolver (`policy_in_force`), which answers from here.

Never stale: whatever is cached was read under a *stamp*, the `version` of the one row of
`jurisdictions_reference_stamp`, which database triggers change in the same transaction as every write to any of
these tables (migration 0005: services, the admin, `seed_policies`, bulk inserts, a test's flush). A request trusts the
cache only under the stamp of that request, and a different stamp empties it. The stamp is read
- with the API token (one more column on the token query, no extra round trip:
  `config.security.ExpiringTokenAuthentication`);
- else, in a process that has something cached, by the first use in the request (one tiny query);
- else (nothing cached yet) in the same statement as the rows being loaded.
It is read before, or in the same statement as, the rows it covers, so rows cached under a stamp are never older
than the stamp (they may be newer, which only costs a reload on the next request). A service that writes either table
in a request calls `forget()`: the rest of that request reads the stamp again.

Outside a request (Celery tasks, commands, tests calling selectors) nothing is cached: every use reads the tables,
as before. Cached values are shared between requests and must not be mutated; `Policy.snapshot` copies what it
stores in a decision.
"""

import threading
from collections import OrderedDict

from django.db import connection

STAMP_SQL = "SELECT version FROM jurisdictions_reference_stamp WHERE id = 1"
MAX_ENTRIES = 512  # per kind (jurisdictions' policy rows, calendar years): bounded memory in a long-lived worker

_request = threading.local()  # .active: inside a request; .stamp: the stamp read in this request (None: not yet)
_state: dict = {"stamp": None}  # replaced whole when the stamp changes: {"stamp": S, kind: OrderedDict}
_lock = threading.Lock()  # the buckets are shared by a process's threads (gthread workers, runserver)


def stamp_sql() -> str | None:
    """The SQL that reads the stamp (to put in a query that runs anyway), or None where there is no stamp."""
    return STAMP_SQL if connection.vendor in ("postgresql", "sqlite") else None


def request_begin() -> None:
    _request.active, _request.stamp = True, None


def request_end() -> None:
    _request.active, _request.stamp = False, None


def note_stamp(stamp) -> None:
    """The stamp as read by a query of this request that runs anyway (the API token's)."""
    if getattr(_request, "active", False):
        _request.stamp = stamp


def forget() -> None:
    """This request wrote to the policy table or the calendar: read the stamp again at the next use."""
    _request.stamp = None


def clear() -> None:
    """Empty the process's cache (tests start each from nothing, so that their query counts do not depend on order)."""
    global _state
    _state = {"stamp": None}


def _read_stamp():
    with connection.cursor() as cursor:
        cursor.execute(STAMP_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


def _bucket(stamp, kind: str) -> OrderedDict:
    global _state
    state = _state
    if state["stamp"] != stamp:
        state = _state = {"stamp": stamp}
    return state.setdefault(kind, OrderedDict())


def cached(kind: str, key, load):
    """The value for `key`; `load() -> (value, stamp or None)` (see `cached_many`)."""

    def load_many(_keys):
        value, stamp = load()
        return {key: value}, stamp

    return cached_many(kind, [key], load_many)[key]


def cached_many(kind: str, keys, load_many) -> dict:
    """{key: value} for `keys`. `load_many(missing) -> ({key: value}, stamp or None)` loads the keys not cached in
    one query, reading the stamp in the same statement where it can (None: it could not, e.g. no rows)."""
    if not getattr(_request, "active", False) or stamp_sql() is None:
        return load_many(list(keys))[0]
    stamp = _request.stamp
    if stamp is None and _state["stamp"] is not None:  # something is cached: is it still true?
        stamp = _request.stamp = _read_stamp()
    if stamp is None:  # nothing cached yet: load, and keep it if the statement read the stamp too
        loaded, stamp = load_many(list(keys))
        if stamp is not None:
            _request.stamp = stamp
            with _lock:
                bucket = _bucket(stamp, kind)
                bucket.update(loaded)
                _trim(bucket)
        return loaded
    out, missing = {}, []
    with _lock:
        bucket = _bucket(stamp, kind)
        for key in keys:
            if key in bucket:
                bucket.move_to_end(key)
                out[key] = bucket[key]
            else:
                missing.append(key)
    if missing:
        loaded, _ = load_many(missing)  # read after the stamp: at least as new (outside the lock: a query)
        with _lock:
            bucket = _bucket(stamp, kind)
            for key in missing:
                bucket[key] = out[key] = loaded[key]
            _trim(bucket)
    return out


def _trim(bucket: OrderedDict) -> None:
    while len(bucket) > MAX_ENTRIES:
        bucket.popitem(last=False)


class RequestStampMiddleware:
    """Marks where a request begins and ends, so that a stamp read in one request is never trusted in the next."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_begin()
        try:
            return self.get_response(request)
        finally:
            request_end()

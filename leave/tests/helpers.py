from datetime import timedelta

from django.utils import timezone

TODAY = timezone.localdate()  # read at import: tests that compare with "today" itself read it again when they run
START = TODAY + timedelta(days=7)  # in advance (ganzhou art.17 须提前请假)
PAST = TODAY - timedelta(days=20)  # for returns (a return date is never in the future)


def submit(api, user, cadre, days, *, start=START, kind="personal", channel=None, reason="家中有事"):
    body = {"cadre": cadre.pk, "kind": kind, "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=days - 1)).isoformat(), "reason": reason}
    if channel:
        body["channel"] = channel
    return api(user).post("/api/v1/leave-requests/", body, format="json")


def stages(body):
    """[[role, ...] per stage] of an API answer."""
    out = {}
    for a in body["approvals"]:
        out.setdefault(a["stage"], []).append(a["role"])
    return [sorted(out[k]) for k in sorted(out)]

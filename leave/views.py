from django.http import HttpResponse


def _todo(request, *a, **k):
    return HttpResponse("")


leave_mine = leave_new = leave_inbox = leave_detail = leave_decide = leave_cadre_history = _todo

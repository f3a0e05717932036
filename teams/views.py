from django.http import HttpResponse


def _todo(request, *a, **k):
    return HttpResponse("")


team_list = team_new = team_detail = member_new = member_end = cadre_list = cadre_new = cadre_import = cadre_detail = _todo

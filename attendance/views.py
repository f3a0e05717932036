"""Pages: check-in (phone), the clerk's monthly grid, its print view, the public whereabouts board, diaries."""

from django.http import HttpResponse


def _todo(request, *a, **k):
    return HttpResponse("")


check_in_page = sheet_page = sheet_cell = sheet_confirm_page = sheet_print = whereabouts_page = diary_page = \
    inspection_page = _todo

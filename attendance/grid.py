"""The sheet grid's day cells rendered in Python: a township of 400 cadres has 12,400 cells, and a template include
per cell was most of the page's time (issue 15). The page and the htmx cell answer use the same renderer, so a
cell looks the same after an edit as on the page; the output is the markup `_cell.html` used to produce."""

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

REQUEST_ONLY_NOTE = "（须经请假审批，不能直接登记）"


class CellRenderer:
    """One per page: the option lists are rendered once per (status) and reused for every cell."""

    def __init__(self, statuses, request_only=()):
        self.statuses = list(statuses)
        self.request_only = set(request_only)
        self.url = escape(reverse("attendance-sheet-cell"))
        self._options: dict[str, str] = {}

    def _options_for(self, status: str) -> str:
        out = self._options.get(status)
        if out is None:
            parts = [f'<option value="">{"" if status else "·"}</option>']
            for v, label, sym in self.statuses:
                only = v in self.request_only
                title = escape(label) + (REQUEST_ONLY_NOTE if only else "")
                attr = " selected" if status == v else (" disabled" if only else "")
                parts.append(f'<option value="{escape(v)}" title="{title}"{attr}>{escape(sym)}</option>')
            out = self._options[status] = "".join(parts)
        return out

    def cell(self, cadre, cell: dict, *, locked: bool, error: str | None = None) -> SafeString:
        pk, day, status = cadre.pk, cell["day"], cell["status"]
        cid = f"cell-{pk}-{day}"
        cls = "cell" + ("" if cell["working"] else " off") + (" err" if error else "")
        head = f'<td id="{cid}" class="{cls}" data-status="{escape(status)}"'
        if error:
            head += f' title="{escape(error)}"'
        head += ">"
        if locked:
            body = escape(cell["symbol"])
        else:
            body = (f'<select name="status" aria-label="{escape(cadre.name)} {day}日" hx-post="{self.url}" '
                    f'hx-trigger="change" hx-target="#{cid}" hx-swap="outerHTML" '
                    f'hx-vals=\'{{"cadre": "{pk}", "date": "{cell["date"]:%Y-%m-%d}"}}\'>'
                    f"{self._options_for(status)}</select>")
        record = cell.get("record")
        if record is not None and record.source == "check_in":
            if record.latitude:
                body += (f'<a class="loc" title="本人打卡，位置 {escape(localize(record.latitude))},'
                         f'{escape(localize(record.longitude))}">⌖</a>')
            else:
                body += '<a class="loc" title="本人打卡，未提供位置">·</a>'
        if error:
            body += f'<span class="cell-error">{escape(error)}</span>'
        return mark_safe(f"{head}{body}</td>")  # noqa: S308 - every value above is escaped

    def row(self, cadre, cells, *, locked: bool) -> SafeString:
        return mark_safe("".join(self.cell(cadre, c, locked=locked) for c in cells))  # noqa: S308 - cells are safe

"""The sheet grid's day cells rendered in Python (issue 15): a township of 400 cadres has 12,400 cells. A template
include per cell, then a `<select>` of six titled options per cell (8 MB of HTML), were most of the page's time.

Each cell is now one small element: an editable cell a `<button>` showing the status's short label (√ 公 假 休 ×)
with the status as its title; a locked cell the label alone. One shared status picker on the page
(`templates/attendance/sheet.html`, opened by `static/attendance/sheet.js`) posts the chosen status to
`attendance-sheet-cell`, whose answer is a cell from the same renderer, so a cell looks the same after an edit as on
the page. Every cell's markup after its id depends only on (status, working day, locked): it is built once per
renderer and reused."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

REQUEST_ONLY_NOTE = "（须经请假审批，不能直接登记）"
BLANK_TITLE = "未登记"


_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _escape_text(text: str) -> str:
    """`django.utils.html.escape` for a plain str, without its lazy-string wrapper (called once per check-in)."""
    return text.translate(_HTML_ESCAPES)


def location_of(source: str, latitude, longitude) -> str | None:
    """What a cell shows about a check-in: None (not the cadre's own check-in), "" (checked in without a location)
    or "lat,lon" as the page shows decimals (zh-hans: a point, no grouping)."""
    if source != "check_in":
        return None
    if latitude is None or latitude == "":
        return ""
    return f"{latitude:f},{longitude:f}"


class CellRenderer:
    """One per page (or per cell answer)."""

    def __init__(self, statuses, request_only=()):
        self.statuses = list(statuses)
        self.request_only = set(request_only)
        self.labels = {v: label for v, label, _ in self.statuses}
        self.symbols = {v: sym for v, _, sym in self.statuses}
        self._tails: dict[tuple[str, bool, bool], str] = {}

    def picker_options(self) -> list[dict]:
        """The shared picker's choices: value, short label, title, and whether the policy refuses direct entry."""
        return [{"value": v, "symbol": sym, "label": label, "disabled": v in self.request_only,
                 "title": label + (REQUEST_ONLY_NOTE if v in self.request_only else "")}
                for v, label, sym in self.statuses]

    def _tail(self, status: str, working: bool, locked: bool) -> str:
        """The cell's markup after `<td id="…"`, without its closing tag."""
        key = (status, working, locked)
        out = self._tails.get(key)
        if out is None:
            cls = "cell" if working else "cell off"
            title = escape(self.labels.get(status, BLANK_TITLE))
            if locked:
                body = f'<span title="{title}">{escape(self.symbols.get(status, status))}</span>' if status else ""
            else:
                body = f'<button type="button" title="{title}">{escape(self.symbols.get(status, "·"))}</button>'
            out = self._tails[key] = f' class="{cls}" data-status="{escape(status)}">{body}'
        return out

    def cell(self, cadre_id: int, day: int, status: str, working: bool, *, locked: bool, location: str | None = None,
             error: str | None = None) -> SafeString:
        """One day cell; `location` as `location_of` gives it; `error`: why the last edit was refused (the cell
        keeps what was saved and shows the reason)."""
        head = f'<td id="cell-{cadre_id}-{day}"'
        tail = self._tail(status, working, locked)
        if error:
            tail = tail.replace(' class="cell', ' class="cell err', 1).replace(
                ">", f' title="{escape(error)}">', 1)
        return mark_safe(head + tail + self._extras(location, error) + "</td>")  # noqa: S308 - all escaped

    @staticmethod
    def _extras(location: str | None, error: str | None = None) -> str:
        out = ""
        if location is not None:
            out = (f'<a class="loc" title="本人打卡，位置 {_escape_text(location)}">⌖</a>' if location
                   else '<a class="loc" title="本人打卡，未提供位置">·</a>')
        if error:
            out += f'<span class="cell-error">{escape(error)}</span>'
        return out

    def row(self, cadre_id: int, days, records: dict, *, locked: bool) -> SafeString:
        """A row's day cells. `days`: [(day of month, working)]; `records`: (cadre_id, day) → (status, source,
        latitude, longitude), the coordinates as text, as `selectors.township_month` gives them."""
        tails = self._tails
        parts = []
        for day, working in days:
            rec = records.get((cadre_id, day))
            status = rec[0] if rec else ""
            tail = tails.get((status, working, locked)) or self._tail(status, working, locked)
            if rec and rec[1] == "check_in":  # the cadre's own check-in: most cells of a township that uses phones
                tail += self._extras(f"{rec[2]},{rec[3]}" if rec[2] is not None else "")
            parts.append(f'<td id="cell-{cadre_id}-{day}"{tail}</td>')
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above

    def print_row(self, cadre_id: int, days, records: dict) -> SafeString:
        """The print view's (paper sheet's) cells: the short label alone."""
        symbols = {v: escape(sym) for v, sym in self.symbols.items()}
        parts = []
        for day, _ in days:
            rec = records.get((cadre_id, day))
            parts.append(f"<td>{symbols.get(rec[0], '') if rec else ''}</td>")
        return mark_safe("".join(parts))  # noqa: S308 - escaped


def _n(value) -> str:
    """A figure as the templates showed it: zh-hans localizes integers and floats to their plain text (a decimal
    point, no grouping); anything else goes through Django's localization."""
    if type(value) is int or (type(value) is float and "e" not in repr(value)):
        return str(value)
    from django.utils.formats import localize

    return escape(localize(value))


def fig_html(fig: dict) -> SafeString:
    """A row's figures cell content (计入/应出勤 · 计发, approved leave, the year-to-date average, compliance), as the
    `_fig.html` include gave it; in Python because an include per row was a fifth of the 400-cadre page."""
    counted, required, full = fig["counted_days"], fig["required_days"], fig["full_month_required_days"]
    out = [f"{_n(counted)}/{_n(required)}"]
    if full != required:
        leave = "并扣除已批准请假" if fig["approved_leave_excused"] and fig["approved_leave_days"] else ""
        out.append(f'<small class="muted" title="应出勤按在岗期间{leave}折算（整月{_n(full)}天）">（折算）</small>')
    out.append(f" · 发{_n(fig['paid_days'])}")
    if fig["approved_leave_days"]:
        out.append(f' · <span class="tag" title="经审批的请假，按请假显示，不计为缺勤">假{_n(fig["approved_leave_days"])}'
                   "</span>")
    out.append(" ")
    year_average = fig["compliance_basis"] == "year_average"
    if year_average and fig.get("yearly_average_days") is not None:
        out.append(f'<span class="ytd">本年月均{_n(fig["yearly_average_days"])}/'
                   f'{_n(fig["yearly_average_required_days"])}（{_n(fig["yearly_average_months"])}个月）</span> ')
    if fig["compliant"]:
        out.append('<span class="tag ok">达标</span>')
    elif fig["severity"] == "soft":
        out.append('<span class="tag warn">未达原则要求</span>')
    else:
        out.append('<span class="tag hard">未达标</span>')
    if year_average and fig["compliant"] != fig["month_compliant"]:
        out.append(f' <small class="muted">（当月{"已达" if fig["month_compliant"] else "未达"}{_n(required)}天，'
                   "按年度月均判断）</small>")
    return mark_safe("".join(out))  # noqa: S308 - figures are numbers, the rest is fixed text


def row_html(*, cadre_id: int, name: str, post: str, keeper: str, keeper_title: str, locked: bool, fig: str,
             cells: str) -> SafeString:
    """One row of the grid: the cadre's name and post (and who keeps the row where the policy names a team keeper),
    the figures, the day cells. An editable row carries its cadre's id for the picker."""
    tag = ""
    if keeper != "township":
        who = "队长" if keeper == "team_leader" else "第一书记"
        tag = f'<br><span class="tag warn" title="{escape(keeper_title)}">由{who}记录</span>'
    attr = "" if locked else f' data-cadre="{cadre_id}"'
    return mark_safe(  # noqa: S308 - name, post and title are escaped; fig and cells are safe strings
        f'<tr{attr}>\n  <td class="name">{escape(name)}<br><small class="muted">{escape(post)}{tag}</small></td>\n'
        f'  <td id="fig-{cadre_id}" class="fig">{fig}</td>\n  {cells}\n</tr>')


def cadre_options_html(rows) -> SafeString:
    """The row-fill form's cadre choices: `<option>` per row (`cadre_id`, `name`)."""
    return mark_safe("".join(f'<option value="{r["cadre_id"]}">{escape(r["name"])}</option>'  # noqa: S308
                             for r in rows))

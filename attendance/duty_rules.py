"""Routine duties (POLICY.md §10): which duty is due when, read from the `duties.*` policy rows.

Pure: the functions take a `Policy` and facts (subjects with the days they were active, the dates a duty was
done) and return schedules and findings; no queries. A row's fields give the schedule (how often, how many, for a
team or for each cadre); the subject gives who is reminded (a team's duty: its leader; a personal one: the cadre).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

KIND_LABELS = {
    "group_study": "集中学习", "team_meeting": "工作例会", "county_meeting": "县级队长会议", "training": "培训",
    "physical_exam": "健康体检", "insurance": "人身意外伤害保险", "household_visit": "走访结对户",
    "half_year_report": "半年工作报告", "research_report": "调研报告", "annual_summary": "年度工作总结",
    "diary": "工作日志（每周记录）", "diary_summary": "工作日志月度小结", "written_followup": "补办书面请假手续",
}
PERIOD_WORDS = {"week": "每周", "month": "每月", "quarter": "每季度", "half_year": "每半年", "year": "每年",
                "term": "任期内"}


@dataclass(frozen=True)
class Schedule:
    kind: str  # what a record of the duty is (DutyKind, or diary / diary_summary)
    subject: str  # "team" | "cadre" | "household"
    per: str  # week | month | quarter | half_year | year | term
    min: int
    rule_ref: str
    severity: str = "hard"
    due_by_level: dict = field(default_factory=dict, hash=False, compare=False)  # {"city": "12-10"} for year

    @property
    def label(self) -> str:
        return f"{KIND_LABELS.get(self.kind, self.kind)}（{PERIOD_WORDS.get(self.per, '')}至少{self.min}次）"


@dataclass(frozen=True)
class Subject:
    kind: str  # team | cadre | household
    id: int
    name: str
    active_from: date
    active_to: date | None = None  # None: still active
    dispatch_level: str = ""
    term_end: date | None = None  # for per="term": the planned end of the posting
    cadre_id: int | None = None  # who is reminded (a household: its cadre; a cadre: itself)
    team_id: int | None = None  # a team: itself; a cadre: its team


@dataclass(frozen=True)
class Finding:
    kind: str
    subject: Subject
    period_start: date
    due: date
    done: int
    required: int
    rule_ref: str
    severity: str
    overdue: bool

    def as_dict(self) -> dict:
        s = self.subject
        out = {"kind": self.kind, "label": KIND_LABELS.get(self.kind, self.kind), "due": self.due.isoformat(),
               "period_start": self.period_start.isoformat(), "done": self.done, "required": self.required,
               "rule_ref": self.rule_ref, "severity": self.severity, "overdue": self.overdue,
               "cadre": None, "team": None, "household": None, "name": s.name}
        if s.kind == "team":
            out["team"] = s.id
        elif s.kind == "cadre":
            out["cadre"] = s.id
            out["team"] = s.team_id
        else:
            out["household"] = s.id
            out["cadre"] = s.cadre_id
        return out


def schedules(policy) -> list[Schedule]:
    """Every duty schedule the jurisdiction's `duties.*` rows set, each with its row's rule_ref."""
    out: list[Schedule] = []

    def add(key, **kw):
        row = policy.get(key)
        if row is not None:
            out.append(Schedule(rule_ref=row.rule_ref, severity=row.value.get("severity", "hard"), **kw))

    def val(key):
        row = policy.get(key)
        return row.value if row is not None else {}

    if val("duties.group_study").get("min_per_month"):
        add("duties.group_study", kind="group_study", subject="team", per="month",
            min=int(val("duties.group_study")["min_per_month"]))
    meeting = val("duties.team_meeting")
    if meeting.get("every"):
        add("duties.team_meeting", kind="team_meeting", subject="team", per=meeting["every"], min=1)
    if meeting.get("county_leaders_meeting"):
        add("duties.team_meeting", kind="county_meeting", subject="team", per=meeting["county_leaders_meeting"], min=1)
    diary = val("duties.diary")
    if diary.get("weekly"):
        add("duties.diary", kind="diary", subject="cadre", per="week", min=1)
    if diary.get("monthly_summary"):
        add("duties.diary", kind="diary_summary", subject="cadre", per="month", min=1)
    if val("duties.research_reports").get("per_year"):
        add("duties.research_reports", kind="research_report", subject="team", per="year",
            min=int(val("duties.research_reports")["per_year"]))
    reports = val("duties.reports")
    if reports.get("team"):
        add("duties.reports", kind="half_year_report", subject="team", per=reports["team"], min=1)
    if reports.get("member"):
        add("duties.reports", kind="half_year_report", subject="cadre", per=reports["member"], min=1)
    if reports.get("annual_summary_due"):
        add("duties.reports", kind="annual_summary", subject="team", per="year", min=1,
            due_by_level=dict(reports["annual_summary_due"]))
    training = val("duties.training")
    if training.get("min_per_term"):
        add("duties.training", kind="training", subject="cadre", per="term", min=int(training["min_per_term"]))
    if training.get("all_members_per_year"):
        add("duties.training", kind="training", subject="cadre", per="year", min=int(training["all_members_per_year"]))
    if training.get("systematic_per_cadre"):
        add("duties.training", kind="training", subject="cadre", per="term", min=int(training["systematic_per_cadre"]))
    checks = val("duties.yearly_checks")
    if checks.get("physical_exam"):
        add("duties.yearly_checks", kind="physical_exam", subject="cadre", per="year", min=1)
    if checks.get("accident_insurance"):
        add("duties.yearly_checks", kind="insurance", subject="cadre", per="year", min=1)
    pairing = val("duties.household_pairing")
    if pairing.get("visits_per_quarter"):
        add("duties.household_pairing", kind="household_visit", subject="household", per="quarter",
            min=int(pairing["visits_per_quarter"]))
    return out


def period_of(per: str, day: date) -> tuple[date, date]:
    """The period of kind `per` that holds `day`: (first day, last day)."""
    if per == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if per == "month":
        months = 1
    elif per == "quarter":
        months = 3
    elif per == "half_year":
        months = 6
    elif per == "year":
        months = 12
    else:
        raise ValueError(per)
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    end_month = first_month + months
    end = (date(day.year + 1, 1, 1) if end_month > 12 else date(day.year, end_month, 1)) - timedelta(days=1)
    return start, end


def _due(schedule: Schedule, subject: Subject, start: date, end: date) -> date:
    mmdd = schedule.due_by_level.get(subject.dispatch_level) if schedule.due_by_level else None
    if mmdd:
        month, day = (int(x) for x in str(mmdd).split("-"))
        return date(end.year, month, day)
    return end


def evaluate(schedule: Schedule, subject: Subject, done_dates: list[date], *, on: date, since: date,
             horizon_days: int = 7) -> list[Finding]:
    """The periods of `schedule` for `subject` that are overdue on `on` (due before `on`, fewer records than
    required) and the one due within `horizon_days` that is not yet done. A period counts only when the subject
    was active from its first to its last day (a cadre posted mid-month owes that month nothing); periods due before
    `since` (the look-back) are not checked. A `term` duty is due on the posting's planned end."""
    findings: list[Finding] = []
    if schedule.per == "term":
        if subject.term_end is None:
            return findings
        start, due = subject.active_from, subject.term_end
        if subject.active_to is not None and subject.active_to < due:
            return findings  # left before the term's end: the term duty is not owed
        done = sum(1 for d in done_dates if start <= d <= due)
        if done < schedule.min and (due < on or due <= on + timedelta(days=horizon_days)):
            findings.append(Finding(schedule.kind, subject, start, due, done, schedule.min, schedule.rule_ref,
                                    schedule.severity, overdue=due < on))
        return findings
    start, end = period_of(schedule.per, max(since, subject.active_from))
    limit = on + timedelta(days=horizon_days)
    while start <= limit:
        due = _due(schedule, subject, start, end)
        active = subject.active_from <= start and (subject.active_to is None or subject.active_to >= end)
        if active and due >= since and due <= limit:
            window_end = min(end, due) if due < end else end
            done = sum(1 for d in done_dates if start <= d <= window_end)
            if done < schedule.min:
                findings.append(Finding(schedule.kind, subject, start, due, done, schedule.min, schedule.rule_ref,
                                        schedule.severity, overdue=due < on))
        start, end = period_of(schedule.per, end + timedelta(days=1))
    return findings

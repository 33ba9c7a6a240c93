"""What a message wants: the intent rules of the contract, in precedence order.

1. A forwarded or posted notice is `other`.
2. A power problem happening now is a `fault_report`, even if it also complains or
   asks something; a fault word inside a hypothetical or general question, a
   planned, past or finished outage, the speaker's own arrears, or a repair already
   reported does not make one.
3. Otherwise: `complaint` (unless it is about the property company, water, gas...);
   arrears and card-meter questions go to the FAQ; so does how to report (what to
   tell, which number) unless a report was already made; a repair already reported
   is a `progress_query`; a planned outage for a place or time is an `outage_query`,
   unless it is told to the group rather than asked; hypothetical and general
   questions go to the FAQ; "when will the worker come" is a `progress_query`;
   thanks and greetings are `other`.
4. Whatever is left may be a FAQ question, but only a question, an ask (请/麻烦/帮我)
   or a statement about the speaker's own account: a reminder to the group (大家记得
   收衫) or a remark is `other`. The caller asks the FAQ matcher, which also decides
   whether the question is in scope at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.nlu import cues, followups
from handlers.nlu.faults import HAZARD, OUTAGE, OUTAGES, fault_type, is_urgent
from handlers.nlu.lexicon import OUTAGE as OUTAGE_WORDS
from handlers.nlu.lexicon import G
from handlers.nlu.lexicon import alt as _alt
from handlers.nlu.lexicon import any_of as _any
from handlers.nlu.models import FaultType, Intent


def _near_outage(
    patterns: list[str], outages: list[str] = OUTAGE_WORDS, after: bool = True
) -> re.Pattern[str]:
    """The words within a few characters before (or after) an outage word, same clause."""
    words, outage = _alt(patterns), _alt(outages)
    before = f"(?:{words}){G}{{0,6}}(?:{outage})"
    return re.compile(f"{before}|(?:{outage}){G}{{0,6}}(?:{words})" if after else before)


FORWARDED = _any(cues.FORWARDED)
HYPOTHETICAL = _any(cues.HYPOTHETICAL)
SAFETY_TIPS = _any(cues.SAFETY_TIPS)
GENERAL = _any(cues.GENERAL)
ARREARS = _any(cues.ARREARS)
ARREARS_DOUBT = _any(cues.ARREARS_DOUBT)
OTHER_DUES = _any(cues.OTHER_DUES)
NOT_NOW = _any(cues.NOT_NOW)
CLAUSE = re.compile(r"[，,。.!！?？;；\s]+")
NOTICE_TO_ALL = _any(cues.NOTICE_TO_ALL)
MAINTENANCE = _any(cues.MAINTENANCE)
PLANNED = _any(cues.PLANNED)
PLANNED_STOP = _any(cues.PLANNED_STOP)
USUALLY = _any(cues.USUALLY)
WHEN = _any(cues.WHEN)
WHEN_NEAR = _near_outage(cues.WHEN, ["停电", "断电", "停"])
NOW = _any(cues.NOW)
NOW_EVENT = _any(cues.NOW_EVENT)
TODAY = _any(cues.TODAY)
PAST_NEAR = _near_outage(cues.PAST, after=False)
PAST_DAY = _any(cues.PAST_DAY)
PERIOD_NEAR = re.compile(f"(?:{_alt(OUTAGE_WORDS)}){G}{{0,2}}(?:{_alt(cues.PERIOD)})")
ONGOING = _any(cues.ONGOING)
SOLVED = re.compile(f"(?:{_alt(cues.SOLVED)}){cues.SOLVED_END}")
STILL_WRONG = _any(cues.STILL_WRONG)
AGAIN = _any(cues.AGAIN)
RESTORED = _any(cues.RESTORED)
PROGRESS_STRONG = _any(followups.PROGRESS_STRONG)
PROGRESS_WEAK = _any(followups.PROGRESS_WEAK)
COMPLAINT = _any(followups.COMPLAINT)
COMPLAINT_HOW = _any(followups.COMPLAINT_HOW)
FRUSTRATED = _any(followups.FRUSTRATED)
RUDE = _any(followups.RUDE)
STAFF_ANY = _any(followups.STAFF_ANY)
SERVICE = _any(followups.SERVICE)
NOT_COMPLAINT = _any(followups.NOT_COMPLAINT)
JOKING = _any(followups.JOKING)
WHERE_TO_SEE = _any(cues.WHERE_TO_SEE)
HOW_TO_REPORT = _any(cues.HOW_TO_REPORT)
PROCEDURE = _any(cues.PROCEDURE)
PLACE_HINT = _any(cues.PLACE_HINT)
PREPAID = _any(cues.PREPAID)
CHATTER = _any(cues.CHATTER)
QUESTION = _any(cues.QUESTION)
ASK = _any(cues.QUESTION + cues.REQUEST)
ADDRESSEE = _any(cues.ADDRESSEE)
OWN_MATTER = _any(cues.OWN_MATTER)
HEARSAY = _any(cues.HEARSAY)
NOTICE_POSTED = _any(cues.NOTICE_POSTED)
REPORTED = _any(cues.REPORTED)
OFF_TOPIC = _any(followups.OFF_TOPIC)
POWER_TOPIC = _any(followups.POWER_TOPIC)
KNOWN_FAULT = re.compile(followups.KNOWN)


@dataclass(frozen=True, slots=True)
class Reading:
    """The rule-based reading of a message; `ask_faq` means the FAQ matcher decides."""

    intent: Intent
    fault_type: FaultType | None = None
    urgent: bool = False
    ask_faq: bool = False


def read(text: str) -> Reading:
    """The intent of a normalised message, with fault type and urgency for reports."""
    if FORWARDED.search(text):
        return Reading(Intent.other)
    kind = fault_type(text)
    if kind in OUTAGES and PREPAID.search(text):
        kind = FaultType.meter  # a card meter that gives no power after a top-up
    if kind not in (None, FaultType.hazard) and (after := _solved(text)) is not None:
        # Fixed it already: only a question left (合上就好了，点解会跳?) is for the FAQ.
        return _faq_or_other(text) if QUESTION.search(after) else Reading(Intent.other)
    if kind is not FaultType.hazard and _announces_work(text):
        return Reading(Intent.other)  # @所有人 电梯明天保养: work announced, not a fault
    if kind is not None and not _not_now(text, kind):
        return Reading(Intent.fault_report, kind, is_urgent(text, kind))
    if _complains(text):
        off_topic = OFF_TOPIC.search(text) and not POWER_TOPIC.search(text)
        return Reading(Intent.other if off_topic else Intent.complaint)
    if _arrears(text) or PREPAID.search(text):
        return _faq_or_other(text)
    if HOW_TO_REPORT.search(text) and ASK.search(text) and not REPORTED.search(text):
        return _faq_or_other(text)  # how to report, not a report already made
    if PROCEDURE.search(text) and not REPORTED.search(text):
        return _faq_or_other(text)  # how long a procedure takes, not a report's progress
    if PROGRESS_STRONG.search(text):
        return Reading(Intent.progress_query)
    if _asks_planned_outage(text):
        return Reading(Intent.other if _informs(text) else Intent.outage_query)
    if PROGRESS_WEAK.search(text) and REPORTED.search(text):
        return Reading(Intent.progress_query)  # 打了95598报修...一般要等多久
    if HYPOTHETICAL.search(text) or GENERAL.search(text):
        return _faq_or_other(text)
    if PROGRESS_WEAK.search(text):
        return Reading(Intent.progress_query)
    if CHATTER.search(text) and not QUESTION.search(text):
        return Reading(Intent.other)
    return _faq_or_other(text)


def _solved(text: str) -> str | None:
    """What follows the speaker's own fix (合上就好了, 冇事了), or None when nothing was
    fixed or something is still wrong after it. Hazards are never retracted here."""
    ends = [m.end() for m in SOLVED.finditer(text)]
    if not ends:
        return None
    after = text[ends[-1] :]
    if STILL_WRONG.search(after) or fault_type(after) is not None:
        return None
    return after


def _arrears(text: str) -> bool:
    """The speaker's own power bill unpaid; 作业还没交 or 水费未交 is something else."""
    return ARREARS.search(OTHER_DUES.sub(" ", text)) is not None


def _complains(text: str) -> bool:
    """Complains about the service or staff, or says they will: not when asking how to
    complain, not when saying it is no complaint (不是投诉) or only a joke."""
    if JOKING.search(text):
        return False
    text = NOT_COMPLAINT.sub(" ", text)
    if COMPLAINT_HOW.search(text):
        return False
    if RUDE.search(text) and STAFF_ANY.search(text):
        return True  # 接线员挂我电话, 抢修的人说话好冲: staff manner
    return bool(COMPLAINT.search(text) or (FRUSTRATED.search(text) and SERVICE.search(text)))


def _faq_or_other(text: str) -> Reading:
    """Only questions, asks and statements of one's own account go to the FAQ; a
    reminder to the group (大家记得...) or a remark about the weather does not."""
    if not ASK.search(text) and (ADDRESSEE.search(text) or not OWN_MATTER.search(text)):
        return Reading(Intent.other)
    return Reading(Intent.faq, ask_faq=True)


def _announces_work(text: str) -> bool:
    """Work on shared equipment told to everyone (a notice, not a question or a fault)."""
    if QUESTION.search(text):
        return False
    return bool(NOTICE_TO_ALL.search(text) and MAINTENANCE.search(text))


def _informs(text: str) -> bool:
    """A planned outage told to the group (a notice posted, a reminder), not asked about."""
    if ASK.search(text) or HEARSAY.search(text):
        return False
    return bool(ADDRESSEE.search(text) or NOTICE_POSTED.search(text))


def _not_now(text: str, kind: FaultType) -> bool:
    """True when the fault words do not describe a problem happening now."""
    # 不是现在停电 denies the present; 刚才报的 dates the report, not the fault.
    timed = REPORTED.sub(" ", NOT_NOW.sub(" ", text))
    now_time = NOW.search(timed) is not None
    now = now_time or NOW_EVENT.search(text) is not None
    if kind is FaultType.hazard:
        if HYPOTHETICAL.search(text) or SAFETY_TIPS.search(text):
            return True
        if not QUESTION.search(text):  # told, not asked: a hazard stays a report
            now = now or NOW.search(text) is not None
        if now or ONGOING.search(text) or not PROGRESS_STRONG.search(text):
            return False
        # 报的那个冒烟的电箱: the danger named inside the report itself, or pointed at as
        # known (那根撞歪的电线杆，修完了没有), no clause besides.
        clauses = [c for c in CLAUSE.split(text) if HAZARD.search(c)]
        return all(PROGRESS_STRONG.search(c) or KNOWN_FAULT.search(c) for c in clauses)
    if HYPOTHETICAL.search(text) or GENERAL.search(text):
        return True
    if PROGRESS_STRONG.search(text) and not AGAIN.search(text):
        return True
    if _arrears(text) and kind in OUTAGES and not ARREARS_DOUBT.search(text):
        return True  # arrears cut power; they never trip a breaker
    # 之前停电把电脑烧坏了，谁负责: a past fault told as a grievance is a complaint.
    if PAST_DAY.search(text) and not (now_time or TODAY.search(text) or ONGOING.search(text)):
        if _complains(text):
            return True
    if kind in OUTAGES:
        if RESTORED.search(text):
            return True
        asks_how = HOW_TO_REPORT.search(text) or (not now and WHERE_TO_SEE.search(text))
        if asks_how and not PLACE_HINT.search(text):
            return True
        if not now and _planned(text):
            return True
        if PERIOD_NEAR.search(text) and not ONGOING.search(text):
            return True
        # 上周三突然停电了一下午: the news words tell that day's event, not today's.
        if now_time or TODAY.search(text) or ONGOING.search(text):
            return False
        return bool(PAST_NEAR.search(text))
    return False


def _planned(text: str) -> bool:
    return PLANNED.search(text) is not None or WHEN_NEAR.search(text) is not None


def _asks_planned_outage(text: str) -> bool:
    """Whether or when a planned outage happens, as opposed to where notices are."""
    if WHERE_TO_SEE.search(text) or PREPAID.search(text):
        return False
    if USUALLY.search(text) and not WHEN.search(text):
        return False  # how planned outages usually go: the FAQ
    return _planned(text) and bool(OUTAGE.search(text) or PLANNED_STOP.search(text))

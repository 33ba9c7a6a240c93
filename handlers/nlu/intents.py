"""What a message wants: the intent rules of the contract, in precedence order.

1. A forwarded notice is `other`.
2. A power problem happening now is a `fault_report`, even if it also complains or
   asks something; a fault word inside a hypothetical or general question, a
   planned or past outage, the speaker's own arrears, or a repair already reported
   does not make one.
3. Otherwise `complaint` beats `progress_query`; arrears questions go to the FAQ;
   a planned outage for a place or time is an `outage_query`.
4. Whatever is left may be a FAQ question: the caller asks the FAQ matcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.nlu import cues
from handlers.nlu.faults import OUTAGE, OUTAGES, fault_type, is_urgent
from handlers.nlu.models import FaultType, Intent


def _any(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


FORWARDED = _any(cues.FORWARDED)
HYPOTHETICAL = _any(cues.HYPOTHETICAL)
GENERAL = _any(cues.GENERAL)
ARREARS = _any(cues.ARREARS)
SCHEDULED = _any(cues.SCHEDULED)
NOW = _any(cues.NOW)
PAST = _any(cues.PAST)
ONGOING = _any(cues.ONGOING)
PROGRESS_STRONG = _any(cues.PROGRESS_STRONG)
PROGRESS_WEAK = _any(cues.PROGRESS_WEAK)
COMPLAINT = _any(cues.COMPLAINT)
COMPLAINT_HOW = _any(cues.COMPLAINT_HOW)
WHERE_TO_SEE = _any(cues.WHERE_TO_SEE)
PREPAID = _any(cues.PREPAID)
CHATTER = _any(cues.CHATTER)
QUESTION = _any(cues.QUESTION)


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
    if kind is not None and not _not_now(text, kind):
        return Reading(Intent.fault_report, kind, is_urgent(text, kind))
    if COMPLAINT.search(text) and not COMPLAINT_HOW.search(text):
        return Reading(Intent.complaint)
    if ARREARS.search(text) or PREPAID.search(text):
        return Reading(Intent.faq, ask_faq=True)
    if PROGRESS_STRONG.search(text):
        return Reading(Intent.progress_query)
    if _asks_planned_outage(text):
        return Reading(Intent.outage_query)
    if HYPOTHETICAL.search(text) or GENERAL.search(text):
        return Reading(Intent.faq, ask_faq=True)
    if PROGRESS_WEAK.search(text):
        return Reading(Intent.progress_query)
    if CHATTER.search(text) and not QUESTION.search(text):
        return Reading(Intent.other)
    return Reading(Intent.faq, ask_faq=True)


def _not_now(text: str, kind: FaultType) -> bool:
    """True when the fault words do not describe a problem happening now."""
    now = NOW.search(text) is not None
    if kind is FaultType.hazard:
        if HYPOTHETICAL.search(text):
            return True
        return bool(PROGRESS_STRONG.search(text)) and not now and not ONGOING.search(text)
    if HYPOTHETICAL.search(text) or GENERAL.search(text) or PROGRESS_STRONG.search(text):
        return True
    if ARREARS.search(text):
        return True
    if kind in OUTAGES and not now:
        if SCHEDULED.search(text):
            return True
        return bool(PAST.search(text)) and not ONGOING.search(text)
    return False


def _asks_planned_outage(text: str) -> bool:
    """Whether or when a planned outage happens, as opposed to where notices are."""
    if WHERE_TO_SEE.search(text) or PREPAID.search(text):
        return False
    return bool(SCHEDULED.search(text)) and OUTAGE.search(text) is not None

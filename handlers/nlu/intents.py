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

from handlers.nlu.faults import OUTAGES, FaultRules
from handlers.nlu.models import FaultType, Intent
from handlers.nlu.words import Vocabulary, alt, lead

# The lists this module reads, each compiled into the attribute of its name.
LISTS = (
    "FORWARDED", "HYPOTHETICAL", "SAFETY_TIPS", "GENERAL", "ARREARS", "ARREARS_DOUBT",
    "OTHER_DUES", "NOT_NOW", "NOTICE_TO_ALL", "MAINTENANCE", "PLANNED", "PLANNED_STOP",
    "USUALLY", "WHEN", "NOW", "NOW_EVENT", "TODAY", "PAST_DAY", "ONGOING", "STILL_WRONG",
    "AGAIN", "RESTORED", "PROGRESS_STRONG", "PROGRESS_WEAK", "COMPLAINT", "COMPLAINT_HOW",
    "FRUSTRATED", "RUDE", "STAFF_ANY", "SERVICE", "NOT_COMPLAINT", "JOKING", "WHERE_TO_SEE",
    "HOW_TO_REPORT", "PROCEDURE", "PLACE_HINT", "PREPAID", "CHATTER", "QUESTION",
    "ASK", "ADDRESSEE", "OWN_MATTER", "HEARSAY", "NOTICE_POSTED", "REPORTED", "OFF_TOPIC",
    "POWER_TOPIC", "ELECTRIC", "HOME_THING",
)  # fmt: skip
REQUIRED = (
    *LISTS, "OUTAGE", "OUTAGE_EVENT", "PAST", "PERIOD", "SOLVED", "SOLVED_END",
    "KNOWN", "G",
)  # fmt: skip
CLAUSE = re.compile(r"[，,。.!！?？;；\s]+")


@dataclass(frozen=True, slots=True)
class Reading:
    """The rule-based reading of a message; `ask_faq` means the FAQ matcher decides."""

    intent: Intent
    fault_type: FaultType | None = None
    urgent: bool = False
    ask_faq: bool = False
    final: bool = False  # the contract decides it whatever else is said (a forwarded notice)


class IntentRules:
    """The intent rules over one vocabulary; `read(text)` applies them."""

    def __init__(self, words: Vocabulary) -> None:
        self.faults = FaultRules(words)
        for name in LISTS:
            setattr(self, name, words.pattern(name))
        gap = words.regex("G")
        outage = words.items("OUTAGE")

        def near_outage(name: str, outages: list[str], after: bool = True) -> re.Pattern[str]:
            """The words within a few characters before (or after) an outage word, same clause."""
            near, out = alt(words.items(name)), alt(outages)
            before = f"(?:{near}){gap}{{0,6}}(?:{out})"
            return lead(f"{before}|(?:{out}){gap}{{0,6}}(?:{near})" if after else before)

        self.WHEN_NEAR = near_outage("WHEN", words.items("OUTAGE_EVENT"))
        self.PAST_NEAR = near_outage("PAST", outage, after=False)
        self.PERIOD_NEAR = lead(f"(?:{alt(outage)}){gap}{{0,2}}(?:{words.regex('PERIOD')})")
        self.SOLVED = lead(f"(?:{alt(words.items('SOLVED'))}){words.regex('SOLVED_END')}")
        self.KNOWN_FAULT = re.compile(words.regex("KNOWN"))

    def read(self, text: str) -> Reading:
        """The intent of a normalised message, with fault type and urgency for reports."""
        if self.FORWARDED.search(text):
            return Reading(Intent.other, final=True)
        kind = self.faults.fault_type(text)
        if kind in OUTAGES and self.PREPAID.search(text):
            kind = FaultType.meter  # a card meter that gives no power after a top-up
        if kind not in (None, FaultType.hazard) and (after := self._solved(text)) is not None:
            # Fixed it already: only a question left (合上就好了，点解会跳?) is for the FAQ.
            return (
                self._faq_or_other(text)
                if self.QUESTION.search(after)
                else Reading(Intent.other, final=True)
            )
        if kind is not FaultType.hazard and self._announces_work(text):
            return Reading(Intent.other)  # @所有人 电梯明天保养: work announced, not a fault
        if kind is not None and not self._not_now(text, kind):
            return Reading(Intent.fault_report, kind, self.faults.is_urgent(text, kind))
        if self._complains(text):
            off_topic = self.OFF_TOPIC.search(text) and not self.POWER_TOPIC.search(text)
            return Reading(Intent.other if off_topic else Intent.complaint)
        if self._arrears(text) or self.PREPAID.search(text):
            return self._faq_or_other(text)
        if (
            self.HOW_TO_REPORT.search(text)
            and self.ASK.search(text)
            and not self.REPORTED.search(text)
        ):
            return self._faq_or_other(text)  # how to report, not a report already made
        if self.PROCEDURE.search(text) and not self.REPORTED.search(text):
            return self._faq_or_other(text)  # how long a procedure takes, not a report's progress
        if self.PROGRESS_STRONG.search(text):
            return Reading(Intent.progress_query)
        if self._asks_planned_outage(text):
            return Reading(Intent.other if self._informs(text) else Intent.outage_query)
        if self.PROGRESS_WEAK.search(text) and self.REPORTED.search(text):
            return Reading(Intent.progress_query)  # 打了95598报修...一般要等多久
        if self.HYPOTHETICAL.search(text) or self.GENERAL.search(text):
            return self._faq_or_other(text)
        if self.PROGRESS_WEAK.search(text):
            return Reading(Intent.progress_query)
        if self.CHATTER.search(text) and not self.QUESTION.search(text):
            return Reading(Intent.other)
        return self._faq_or_other(text)

    def _solved(self, text: str) -> str | None:
        """What follows the speaker's own fix (合上就好了, 冇事了), or None when nothing was
        fixed or something is still wrong after it. Hazards are never retracted here."""
        ends = [m.end() for m in self.SOLVED.finditer(text)]
        if not ends:
            return None
        after = text[ends[-1] :]
        if self.STILL_WRONG.search(after) or self.faults.fault_type(after) is not None:
            return None
        return after

    def _arrears(self, text: str) -> bool:
        """The speaker's own power bill unpaid; 作业还没交 or 水费未交 is something else."""
        return self.ARREARS.search(self.OTHER_DUES.sub(" ", text)) is not None

    def _complains(self, text: str) -> bool:
        """Complains about the service or staff, or says they will: not when asking how to
        complain, not when saying it is no complaint (不是投诉) or only a joke."""
        if self.JOKING.search(text):
            return False
        text = self.NOT_COMPLAINT.sub(" ", text)
        if self.COMPLAINT_HOW.search(text):
            return False
        if self.RUDE.search(text) and self.STAFF_ANY.search(text):
            return True  # 接线员挂我电话, 抢修的人说话好冲: staff manner
        return bool(
            self.COMPLAINT.search(text)
            or (self.FRUSTRATED.search(text) and self.SERVICE.search(text))
        )

    def _faq_or_other(self, text: str) -> Reading:
        """Only questions, asks and statements of one's own account go to the FAQ; a
        reminder to the group (大家记得...) or a remark about the weather does not."""
        if not self.ASK.search(text) and (
            self.ADDRESSEE.search(text) or not self.OWN_MATTER.search(text)
        ):
            return Reading(Intent.other)
        return Reading(Intent.faq, ask_faq=True)

    def _announces_work(self, text: str) -> bool:
        """Work on shared equipment told to everyone (a notice, not a question or a fault)."""
        if self.QUESTION.search(text):
            return False
        return bool(self.NOTICE_TO_ALL.search(text) and self.MAINTENANCE.search(text))

    def _informs(self, text: str) -> bool:
        """A planned outage told to the group (a notice posted, a reminder), not asked about."""
        if self.ASK.search(text) or self.HEARSAY.search(text):
            return False
        return bool(self.ADDRESSEE.search(text) or self.NOTICE_POSTED.search(text))

    def _not_now(self, text: str, kind: FaultType) -> bool:
        """True when the fault words do not describe a problem happening now."""
        # 不是现在停电 denies the present; 刚才报的 dates the report, not the fault.
        timed = self.REPORTED.sub(" ", self.NOT_NOW.sub(" ", text))
        now_time = self.NOW.search(timed) is not None
        now = now_time or self.NOW_EVENT.search(text) is not None
        if kind is FaultType.hazard:
            if self.HYPOTHETICAL.search(text) or self.SAFETY_TIPS.search(text):
                return True
            if not self.QUESTION.search(text):  # told, not asked: a hazard stays a report
                now = now or self.NOW.search(text) is not None
            if now or self.ONGOING.search(text) or not self.PROGRESS_STRONG.search(text):
                return False
            # 报的那个冒烟的电箱: the danger named inside the report itself, or pointed at as
            # known (那根撞歪的电线杆，修完了没有), no clause besides.
            clauses = [c for c in CLAUSE.split(text) if self.faults.HAZARD.search(c)]
            return all(
                self.PROGRESS_STRONG.search(c) or self.KNOWN_FAULT.search(c) for c in clauses
            )
        if self.HYPOTHETICAL.search(text) or self.GENERAL.search(text):
            return True
        if self.PROGRESS_STRONG.search(text) and not self.AGAIN.search(text):
            return True
        if self._arrears(text) and kind in OUTAGES and not self.ARREARS_DOUBT.search(text):
            return True  # arrears cut power; they never trip a breaker
        # 之前停电把电脑烧坏了，谁负责: a past fault told as a grievance is a complaint.
        if self.PAST_DAY.search(text) and not (
            now_time or self.TODAY.search(text) or self.ONGOING.search(text)
        ):
            if self._complains(text):
                return True
        if kind in OUTAGES:
            if self.RESTORED.search(text):
                return True
            asks_how = self.HOW_TO_REPORT.search(text) or (
                not now and self.WHERE_TO_SEE.search(text)
            )
            if asks_how and not self.PLACE_HINT.search(text):
                return True
            if not now and self._planned(text):
                return True
            if self.PERIOD_NEAR.search(text) and not self.ONGOING.search(text):
                return True
            # 上周三突然停电了一下午: the news words tell that day's event, not today's.
            if now_time or self.TODAY.search(text) or self.ONGOING.search(text):
                return False
            return bool(self.PAST_NEAR.search(text))
        return False

    def _planned(self, text: str) -> bool:
        return self.PLANNED.search(text) is not None or self.WHEN_NEAR.search(text) is not None

    def _asks_planned_outage(self, text: str) -> bool:
        """Whether or when a planned outage happens, as opposed to where notices are."""
        if self.WHERE_TO_SEE.search(text) or self.PREPAID.search(text):
            return False
        if self.USUALLY.search(text) and not self.WHEN.search(text):
            return False  # how planned outages usually go: the FAQ
        return self._planned(text) and bool(
            self.faults.OUTAGE.search(text) or self.PLANNED_STOP.search(text)
        )

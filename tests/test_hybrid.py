"""How the rules and the model decide together (handlers/nlu/hybrid.py), on made-up
probabilities, so each rule of the decision is pinned down on its own."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from handlers.nlu.hybrid import FaqVerdict, Policy, as_report, decide
from handlers.nlu.intents import Reading
from handlers.nlu.models import FaultType, Intent
from handlers.nlu.reader import Head, Probabilities

INTENTS = tuple(i.value for i in Intent)
FAULTS = tuple(f.value for f in FaultType)
FAQS = ("pay-methods", "pay-elderly", "hotline")
POLICY = Policy()


def probs(intent: str, p: float, fault: str = "area_outage", q: float = 0.9, urgent: float = 0.0,
          faq: str = "pay-methods", f: float = 0.9) -> Probabilities:  # fmt: skip
    """One head's best label at its probability, the rest of it shared evenly."""
    heads, parts, start = {}, [], 0
    for name, labels, best, prob in (
        ("intent", INTENTS, intent, p),
        ("fault_type", FAULTS, fault, q),
        ("faq_id", FAQS, faq, f),
    ):
        rest = (1 - prob) / (len(labels) - 1)
        parts.append([prob if label == best else rest for label in labels])
        heads[name] = Head(name, labels, start, start + len(labels))
        start += len(labels)
    heads["urgent"] = Head("urgent", ("yes",), start, start + 1)
    parts.append([urgent])
    return Probabilities(heads, np.array([x for part in parts for x in part]), 1.0)


@dataclass
class Clues:
    about_power: bool = True
    at_a_place: bool = True
    rules_fault: FaultType | None = None
    only_place: bool = False
    life_support: bool = False


NO_ANSWER = FaqVerdict()


@dataclass
class Faq:
    """The matcher's answers, fixed; counts how often the costly verdict is asked."""

    hit: FaqVerdict = NO_ANSWER
    answerable: bool = True
    asked: int = 0

    def verdict(self) -> FaqVerdict:
        self.asked += 1
        return self.hit

    def refused(self) -> bool:
        return self.hit.out_of_scope

    def may_answer(self, entry_id: str) -> bool:
        return self.answerable


def run(reading: Reading, pr: Probabilities | None, hit: FaqVerdict = NO_ANSWER,
        clues: Clues | None = None, may_answer: bool = True):  # fmt: skip
    return decide(reading, pr, Faq(hit, may_answer), clues or Clues(), POLICY)


OTHER = Reading(Intent.other)
FAQ = Reading(Intent.faq, ask_faq=True)


def test_a_hazard_the_rules_found_stays_whatever_the_model_says() -> None:
    v = run(Reading(Intent.fault_report, FaultType.hazard, True), probs("other", 0.99))
    assert (v.intent, v.fault_type, v.urgent) == (Intent.fault_report, FaultType.hazard, True)


def test_a_forwarded_notice_stays_other() -> None:
    v = run(Reading(Intent.other, final=True), probs("fault_report", 0.99))
    assert v.intent is Intent.other


def test_without_a_model_the_rules_and_the_matcher_decide() -> None:
    assert run(FAQ, None, FaqVerdict("hotline", 0.5)).faq_id == "hotline"
    assert run(FAQ, None).intent is Intent.other


def test_the_model_fills_in_where_the_rules_are_silent() -> None:
    v = run(OTHER, probs("fault_report", 0.95, "trip", 0.9))
    assert (v.intent, v.fault_type, v.confirm) == (Intent.fault_report, FaultType.trip, False)
    assert run(OTHER, probs("fault_report", POLICY.fill - 0.01)).intent is not Intent.fault_report


def test_a_report_only_the_model_reads_is_asked_about_when_not_sure() -> None:
    v = run(OTHER, probs("fault_report", POLICY.firm - 0.05))
    assert v.intent is Intent.fault_report and v.confirm
    v = run(OTHER, probs("fault_report", 0.95, "voltage", POLICY.firm_type - 0.1))
    assert v.confirm


def test_the_model_reports_nothing_for_a_bare_address_or_without_power_words() -> None:
    v = run(OTHER, probs("fault_report", 0.9), clues=Clues(only_place=True))
    assert v.intent is Intent.other
    v = run(OTHER, probs("fault_report", POLICY.sure - 0.05), clues=Clues(about_power=False))
    assert v.intent is Intent.other
    v = run(OTHER, probs("fault_report", POLICY.sure + 0.05), clues=Clues(about_power=False))
    assert v.intent is Intent.fault_report


def test_the_model_overrides_the_rules_only_when_very_sure() -> None:
    complaint = Reading(Intent.complaint)
    assert run(complaint, probs("progress_query", POLICY.sure - 0.05)).intent is Intent.complaint
    assert (
        run(complaint, probs("progress_query", POLICY.sure + 0.05)).intent is Intent.progress_query
    )
    # Into a FAQ question, its most common mistake, the bar is higher still.
    assert run(complaint, probs("faq", POLICY.sure + 0.05)).intent is Intent.complaint


def test_the_rules_fault_type_stands_unless_the_model_is_sure() -> None:
    report = Reading(Intent.fault_report, FaultType.trip)
    assert run(report, probs("fault_report", 0.9, "voltage", 0.5)).fault_type is FaultType.trip
    assert run(report, probs("fault_report", 0.9, "voltage", 0.9)).fault_type is FaultType.voltage
    other_kind = Reading(Intent.fault_report, FaultType.other)
    assert run(other_kind, probs("fault_report", 0.9, "hazard", 0.8)).fault_type is FaultType.other


def test_a_danger_the_rules_missed_is_reported_as_a_hazard_and_urgent() -> None:
    v = run(OTHER, probs("fault_report", 0.3, "hazard", 0.7))
    assert (v.intent, v.fault_type, v.urgent) == (Intent.fault_report, FaultType.hazard, True)


def test_urgency_from_the_model_or_the_life_support_words() -> None:
    report = Reading(Intent.fault_report, FaultType.area_outage)
    assert run(report, probs("fault_report", 0.9, urgent=POLICY.urgent + 0.1)).urgent
    assert run(report, probs("fault_report", 0.9), clues=Clues(life_support=True)).urgent
    assert not run(report, probs("fault_report", 0.9, urgent=0.1)).urgent


def test_a_sure_model_answers_without_the_matchers_scoring() -> None:
    faq = Faq(FaqVerdict("pay-elderly", 0.5))
    v = decide(FAQ, probs("faq", 0.9, faq="hotline", f=POLICY.faq + 0.1), faq, Clues(), POLICY)
    assert v.faq_id == "hotline" and faq.asked == 0


def test_the_models_faq_entry_wins_where_it_and_the_matcher_disagree() -> None:
    v = run(FAQ, probs("faq", 0.9, faq="pay-elderly", f=0.6), FaqVerdict("pay-methods", 0.3))
    assert v.faq_id == "pay-elderly" and v.unsure == "FAQ matcher pay-methods, model pay-elderly"
    v = run(FAQ, probs("faq", 0.9, faq="pay-elderly", f=0.2), FaqVerdict("pay-methods", 0.3))
    assert v.faq_id == "pay-methods"


def test_the_model_answers_what_the_matcher_declined_only_within_scope() -> None:
    assert run(FAQ, probs("faq", 0.9, faq="hotline", f=0.9)).faq_id == "hotline"
    out_of_scope = FaqVerdict(out_of_scope=True)
    assert run(FAQ, probs("faq", 0.9, faq="hotline", f=0.9), out_of_scope).faq_id is None
    assert run(FAQ, probs("faq", 0.9, faq="hotline", f=0.9), may_answer=False).faq_id is None
    assert run(FAQ, probs("faq", 0.9, faq="hotline", f=POLICY.faq - 0.1)).faq_id is None


def test_a_possible_report_is_asked_about_not_passed_over() -> None:
    v = run(OTHER, probs("other", 0.6), clues=Clues(rules_fault=FaultType.trip))
    assert (v.intent, v.confirm, v.unsure) == (Intent.other, True, "asked whether to report")
    assert not run(OTHER, probs("other", 0.9), clues=Clues(at_a_place=False)).confirm
    assert not run(OTHER, probs("other", 0.95)).confirm


def test_a_question_that_may_be_a_report_is_answered_and_asked_about() -> None:
    pr = probs("faq", 0.5)
    pr._out[pr._heads["intent"].start + INTENTS.index("fault_report")] = POLICY.doubt + 0.05
    v = run(FAQ, pr, FaqVerdict("pay-methods", 0.4))
    assert v.faq_id == "pay-methods" and v.confirm


def test_read_as_a_report_when_the_resident_says_so() -> None:
    v = as_report(OTHER, probs("other", 0.8, "household_outage", 0.7), Clues(), POLICY)
    assert (v.intent, v.fault_type) == (Intent.fault_report, FaultType.household_outage)
    v = as_report(OTHER, None, Clues(rules_fault=FaultType.meter), POLICY)
    assert v.fault_type is FaultType.meter
    assert as_report(OTHER, None, Clues(), POLICY).fault_type is FaultType.other

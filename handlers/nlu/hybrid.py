"""How the rules and the learned reader decide together what a message says.

The rules read first. They own addresses, commands and dangers: a hazard they find
stays a hazard and urgent, whatever the model thinks, and so does a life-support
case; a forwarded notice and a fault the speaker already fixed stay theirs too. The
model decides where the rules would stay silent (they read chatter, or a question
the FAQ matcher cannot answer) when it is fairly sure (`Policy.fill`), and overrides
a reading of the rules only when it is very sure (`Policy.sure`; into a FAQ question,
its most common mistake, `Policy.sure_faq`). It fills in a report only where power
or an electrical thing is named, never for a bare address, and a danger it sees
where the rules are silent is reported as a hazard.

FAQ: the model's entry answers when it is sure and the entry's required words are
said (it reads unseen phrasings better than the matcher); otherwise the matcher's,
or the model's where the two differ and the model is not unsure; a question the
matcher refuses as out of scope gets no answer at all.

A message that names power or an electrical thing and a home or a place, that
nothing reads as a report but that may be one (`Policy.ask`), is not left in
silence: `confirm` asks the resident whether to report it. So is a report only the
model reads and not surely (`Policy.firm`), and a question that may well be a
report (`Policy.doubt`, answered and asked). `unsure` says why the two readers
disagreed, for an admin to label; `why` records each step for `powerbot explain`.
The thresholds were chosen by leave-one-writer-out cross-validation over the
corpus (bench/nlu_cv.py), never on the test portion or the dev set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from handlers.nlu.intents import Reading
from handlers.nlu.models import FaultType, Intent
from handlers.nlu.reader import Probabilities


@dataclass(frozen=True)
class Policy:
    """The thresholds, chosen by cross-validation over the corpus (bench/nlu_cv.py)."""

    fill: float = 0.5  # the model decides where the rules are silent
    fill_complaint: float = 0.4  # ... a complaint (every one must be recorded)
    sure: float = 0.7  # the model overrides the rules' intent
    sure_faq: float = 0.9  # ... into a question for the FAQ (its most common mistake)
    faq: float = 0.7  # the model's FAQ entry where the matcher has none
    faq_over: float = 0.3  # ... and over a different entry of the matcher's
    leave_faq: float = 0.4  # the model takes a matched question for another intent
    fault: float = 0.6  # the model overrides the rules' fault type (never a hazard)
    urgent: float = 0.5  # the model marks a report urgent (the rules' life-support list too)
    hazard: float = 0.5  # the model's hazard: a danger the rules' words missed
    hazard_over: float = 0.9  # ... where the rules read another fault
    ask: float = 0.15  # a possible report nothing reads as one: ask
    firm: float = 0.8  # a report only the model reads opens a ticket at once; below, ask
    firm_type: float = 0.6  # ... and only when it is this sure of the fault type
    doubt: float = 0.35  # a question that may be a report: ask as well


@dataclass(frozen=True)
class FaqVerdict:
    """The matcher's answer: an entry and its score, or why it declined."""

    id: str | None = None
    score: float | None = None
    out_of_scope: bool = False  # refused whatever the score: water, gas, chatter, thanks


class FaqAccess(Protocol):
    """The FAQ matcher as the decision uses it, each answer worked out on first use."""

    def verdict(self) -> FaqVerdict: ...  # the matcher's full verdict (the costly part)
    def refused(self) -> bool: ...  # out of scope whatever the score (cheap)
    def may_answer(self, entry_id: str) -> bool: ...  # in scope, the entry's words said


@dataclass
class Verdict:
    intent: Intent
    fault_type: FaultType | None = None
    urgent: bool = False
    faq_id: str | None = None
    faq_score: float | None = None
    confirm: bool = False
    unsure: str | None = None  # why this one is worth an admin's label (`powerbot unsure`)
    faq_doubt: str | None = None  # the matcher and the model named different entries
    why: list[str] = field(default_factory=list)


class Clues(Protocol):
    """What the decision needs of the text besides the two readings (computed on demand:
    most messages never need them)."""

    @property
    def about_power(self) -> bool: ...  # names power or an electrical thing
    @property
    def at_a_place(self) -> bool: ...  # names a home, a building, a community
    @property
    def rules_fault(self) -> FaultType | None: ...  # the fault the rules' words describe
    @property
    def only_place(self) -> bool: ...  # nothing but an address (the answer to "which building?")
    @property
    def life_support(self) -> bool: ...  # the rules' list of life-support words


def decide(
    reading: Reading,
    probs: Probabilities | None,
    faq: FaqAccess,
    clues: Clues,
    policy: Policy,
) -> Verdict:
    """The final reading of a message (see the module docstring)."""
    if probs is None or reading.final:
        return _rules_only(reading, faq)
    v = _decide(reading, probs, faq, clues, policy)
    v.unsure = _unsure(v, reading, probs)
    return v


def as_report(
    reading: Reading, probs: Probabilities | None, clues: Clues, policy: Policy
) -> Verdict:
    """The message read as a fault report, because its sender said it is one (报修)."""
    v = Verdict(Intent.fault_report, why=["the resident says it is a report"])
    if probs is None:
        v.fault_type = reading.fault_type or clues.rules_fault or FaultType.other
        v.urgent = v.fault_type is FaultType.hazard or clues.life_support
        return v
    return _report(v, reading, probs, clues, policy)


def _unsure(v: Verdict, reading: Reading, probs: Probabilities) -> str | None:
    """Why the readers' disagreement makes this message worth labelling, or None."""
    model, p = probs.best("intent")
    if v.confirm:
        return "asked whether to report"
    if model != reading.intent and p >= 0.5 and reading.fault_type is not FaultType.hazard:
        return f"rules read {reading.intent}, model {model} {p:.2f}"
    return v.faq_doubt if v.faq_id is not None else None


def _decide(
    reading: Reading,
    probs: Probabilities,
    faq: FaqAccess,
    clues: Clues,
    policy: Policy,
) -> Verdict:
    v = Verdict(reading.intent, reading.fault_type, reading.urgent)
    model, p = probs.best("intent")
    v.why.append(f"rules: {reading.intent}; model: {model} {p:.2f}")
    if reading.intent is Intent.fault_report and reading.fault_type is FaultType.hazard:
        v.why.append("a hazard the rules found stays a hazard")
        return v
    intent = reading.intent
    # A question the matcher cannot answer is as silent as chatter (asked only if it matters).
    silent = intent is Intent.other or (
        intent is Intent.faq and model != intent and faq.verdict().id is None
    )
    if silent:
        bar = policy.fill_complaint if model == Intent.complaint else policy.fill
    else:
        bar = (
            policy.sure_faq
            if model == "faq"
            else policy.leave_faq
            if intent is Intent.faq
            else policy.sure
        )
    if model != intent and p >= bar and _may_take(model, p, silent, clues, policy):
        intent = Intent(model)
        v.why.append(f"model {'fills in' if silent else 'overrides'}: {model} {p:.2f}")
    elif silent and _danger(probs, policy):
        intent = Intent.fault_report
        v.why.append(f"model sees a danger: hazard {probs.p('fault_type', 'hazard'):.2f}")
    v.intent = intent
    if intent is Intent.faq:
        return _answer(v, probs, faq, clues, policy)
    if intent is Intent.fault_report:
        v = _report(v, reading, probs, clues, policy)
        if reading.intent is not Intent.fault_report:
            _confirm_if_unsure(v, p if model == intent else 0.0, probs, policy)
        return v
    v.fault_type, v.urgent = None, False
    return _maybe_ask(v, probs, clues, policy)


def _may_take(model: str, p: float, silent: bool, clues: Clues, policy: Policy) -> bool:
    """The model fills in a report where power or an electrical thing is named, or when
    it is very sure; never for an address given alone (the answer to "which building?")."""
    if model != Intent.fault_report or not silent:
        return True
    return not clues.only_place and (clues.about_power or p >= policy.sure)


def _danger(probs: Probabilities, policy: Policy) -> bool:
    """A hazard the rules missed: recall first, as for every danger."""
    report = probs.p("intent", "fault_report")
    return report >= policy.ask and probs.p("fault_type", "hazard") >= policy.hazard


def _rules_only(reading: Reading, faq: FaqAccess) -> Verdict:
    v = Verdict(reading.intent, reading.fault_type, reading.urgent, why=["rules only"])
    if reading.ask_faq:
        hit = faq.verdict()
        v.intent = Intent.faq if hit.id is not None else Intent.other
        v.faq_id, v.faq_score = hit.id, hit.score
    return v


def _answer(
    v: Verdict, probs: Probabilities, faq: FaqAccess, clues: Clues, policy: Policy
) -> Verdict:
    """The entry that answers: the model's when it is sure and the entry's words are
    said (it reads unseen phrasings better), else the matcher's, else none. A sure
    model needs only the matcher's cheap scope check, not its scoring."""
    entry, q = probs.best("faq_id")
    if q >= policy.faq and not faq.refused() and faq.may_answer(entry):
        v.faq_id, v.faq_score = entry, round(q, 3)
        v.why.append(f"model's FAQ entry: {entry} {q:.2f}")
        return _maybe_doubt(v, probs, clues, policy)
    hit = faq.verdict()
    if hit.id is not None and hit.id != entry:
        v.faq_doubt = f"FAQ matcher {hit.id}, model {entry}"
    if v.faq_doubt and q >= policy.faq_over and faq.may_answer(entry):
        v.faq_id, v.faq_score = entry, round(q, 3)
        v.why.append(f"model's FAQ entry: {entry} {q:.2f} (matcher: {hit.id})")
    elif hit.id is not None:
        v.faq_id, v.faq_score = hit.id, hit.score
        v.why.append(f"FAQ matcher: {hit.id} (model: {entry} {q:.2f})")
    else:
        v.intent = Intent.other
        v.why.append("no FAQ entry answers it")
        return _maybe_ask(v, probs, clues, policy)
    return _maybe_doubt(v, probs, clues, policy)


def _report(
    v: Verdict, reading: Reading, probs: Probabilities, clues: Clues, policy: Policy
) -> Verdict:
    kind = reading.fault_type or clues.rules_fault
    model_kind, q = probs.best("fault_type")
    danger = probs.p("fault_type", "hazard")
    if danger >= (policy.hazard if kind is None else policy.hazard_over):
        model_kind, q = "hazard", danger  # a danger wins, as in the contract
    if kind is None:
        kind = FaultType(model_kind)
        v.why.append(f"fault type from the model: {model_kind} {q:.2f}")
    elif (
        model_kind != kind
        and kind is not FaultType.hazard
        and q >= (policy.hazard_over if model_kind == FaultType.hazard else policy.fault)
    ):
        kind = FaultType(model_kind)
        v.why.append(f"model overrides the fault type: {model_kind} {q:.2f}")
    v.fault_type = kind
    v.urgent = (
        kind is FaultType.hazard
        or reading.urgent
        or clues.life_support
        or probs.urgent >= policy.urgent
    )
    if v.urgent and not reading.urgent:
        v.why.append(f"urgent (model {probs.urgent:.2f})")
    return v


def _confirm_if_unsure(v: Verdict, p: float, probs: Probabilities, policy: Policy) -> None:
    """A report only the model reads: ask first unless it is sure of it and of its kind."""
    kind = probs.p("fault_type", v.fault_type.value) if v.fault_type else 0.0
    if p < policy.firm or kind < policy.firm_type:
        v.confirm = True
        v.why.append(
            f"the model alone reads a report ({p:.2f}, {v.fault_type} {kind:.2f}): ask first"
        )


def _maybe_ask(v: Verdict, probs: Probabilities, clues: Clues, policy: Policy) -> Verdict:
    """Silent on something that may be a report: ask instead."""
    if v.intent is Intent.other and clues.about_power and clues.at_a_place:
        report = probs.p("intent", "fault_report")
        if report >= policy.ask or clues.rules_fault is not None:
            v.confirm = True
            v.why.append(f"may be a report ({report:.2f}): ask")
    return v


def _maybe_doubt(v: Verdict, probs: Probabilities, clues: Clues, policy: Policy) -> Verdict:
    """Read as a question, but quite possibly a report: ask as well."""
    report = probs.p("intent", "fault_report")
    if clues.at_a_place and clues.about_power and report >= policy.doubt:
        v.confirm = True
        v.why.append(f"may be a report ({report:.2f}): ask as well")
    return v

"""Message understanding: intent, fault type, urgency, address and FAQ match.

`Understander(config, faq, rules, model).understand(text, topic)` is the one entry
point; it has no side effects. The text is normalised once (`normalize`), read by
the intent and fault rules (`intents`, `faults`, with their words in kb/words, see
`words` and `rules`), the address parser (`address`) and, when there is one, the
learned reader (`reader`, trained by `train`); `hybrid` decides between them. The
FAQ matcher answers questions and decides whether a question is in scope at all.
Without a model the rules alone decide, as they did before the model existed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from bot.config import Config
from handlers.nlu.address import AddressParser, without_place
from handlers.nlu.hybrid import FaqVerdict, Policy, Verdict, as_report, decide
from handlers.nlu.intents import Reading
from handlers.nlu.models import Address, FaultType, Intent, Understanding
from handlers.nlu.reader import Probabilities, ReaderModel
from handlers.nlu.rules import Rules

_WORDS = re.compile(r"[\W_\d]+")  # what is left of a message once its place is taken out
__all__ = ["Understander", "Understanding", "Intent", "Address", "Rules", "Evidence"]


class FaqHit(Protocol):
    """What a FAQ matcher returns when it is confident: `handlers.nlu.faq.FaqMatch`."""

    @property
    def id(self) -> str: ...
    @property
    def score(self) -> float: ...


FaqFunction = Callable[[str], FaqHit | None]


@dataclass
class Evidence:
    """What each reader makes of one message, before the decision."""

    text: str
    clean: str
    masked: str
    in_text: Address
    reading: Reading
    probs: Probabilities | None
    rules: Rules
    faq_function: Any

    # The FAQ matcher as the decision asks it (hybrid.FaqAccess), each answer once.
    @cached_property
    def question(self) -> str:
        return without_place(self.masked)  # place words only dilute the match

    @cached_property
    def faq(self) -> FaqVerdict:
        """The FAQ matcher's verdict on the question."""
        if self.faq_function is None:
            return FaqVerdict()
        if hasattr(self.faq_function, "verdict"):
            return self.faq_function.verdict(self.question)
        match = getattr(self.faq_function, "match", self.faq_function)
        hit = match(self.question)
        return FaqVerdict(hit.id, float(hit.score)) if hit is not None else FaqVerdict()

    def verdict(self) -> FaqVerdict:
        return self.faq

    def refused(self) -> bool:
        if "faq" in self.__dict__:
            return self.faq.out_of_scope
        refuses = getattr(self.faq_function, "refuses", None)
        return refuses(self.question) if refuses else self.faq.out_of_scope

    def may_answer(self, entry_id: str) -> bool:
        check = getattr(self.faq_function, "may_answer", None)
        return check(entry_id, self.question) if check else True

    # The clues the decision may ask for (hybrid.Clues), each worked out on first use.
    @cached_property
    def about_power(self) -> bool:
        # A phone or a car with a flat battery says nothing about the grid's power.
        rest = self.rules.intents.faults.BATTERY.sub(" ", self.masked)
        return self.rules.intents.ELECTRIC.search(rest) is not None

    @cached_property
    def at_a_place(self) -> bool:
        intents = self.rules.intents
        return (
            not self.in_text.is_empty()
            or intents.PLACE_HINT.search(self.masked) is not None
            or intents.HOME_THING.search(self.masked) is not None
        )

    @cached_property
    def rules_fault(self) -> FaultType | None:
        return self.reading.fault_type or self.rules.intents.faults.fault_type(self.masked)

    @cached_property
    def only_place(self) -> bool:
        return not _WORDS.sub("", without_place(self.masked))

    @cached_property
    def life_support(self) -> bool:
        return self.rules.intents.faults.LIFE_SUPPORT.search(self.masked) is not None


class Understander:
    """Turns (text, group topic) into an `Understanding`, per the contract."""

    def __init__(
        self,
        config: Config,
        faq: Any = None,
        rules: Rules | None = None,
        model: ReaderModel | None = None,
        policy: Policy | None = None,
    ) -> None:
        self._config = config
        self.faq: Any = faq
        self.model = model
        self.policy = policy or Policy()
        self.set_rules(rules or Rules.load(config.kb.dir))

    def set_rules(self, rules: Rules) -> None:
        """Swap the rules (hot reload of kb/words)."""
        self.rules = rules
        self._address = AddressParser(self._config.communities, rules.words.homophones)

    def set_faq(self, faq: Any) -> None:
        """Swap the FAQ matcher (hot reload): a `FaqMatcher`, a callable, or None."""
        self.faq = faq

    def set_model(self, model: ReaderModel | None) -> None:
        """Swap the learned reader (hot reload, retraining); None: rules only."""
        self.model = model

    def understand(self, text: str, topic: str | None) -> Understanding:
        """What one message from the group `topic` (None: a private chat) says."""
        return self.explain(text, topic)[0]

    def explain(self, text: str, topic: str | None) -> tuple[Understanding, Evidence, Verdict]:
        """The understanding, with what each reader said and why the decision went so."""
        evidence = self.evidence(text)
        verdict = decide(evidence.reading, evidence.probs, evidence, evidence, self.policy)
        return self._understanding(verdict, evidence, topic), evidence, verdict

    def as_report(self, text: str, topic: str | None) -> Understanding:
        """The message read as a fault report: its sender confirmed it is one."""
        evidence = self.evidence(text, model=True)
        verdict = as_report(evidence.reading, evidence.probs, evidence, self.policy)
        return self._understanding(verdict, evidence, topic)

    def evidence(self, text: str, model: bool = False) -> Evidence:
        clean = self.rules.normalize(text or "")
        in_text, masked = self._address.parse(clean)
        reading = self.rules.intents.read(masked)
        probs = None
        # A hazard the rules found is final: the model could not change it.
        if self.model is not None and (model or reading.fault_type is not FaultType.hazard):
            probs = self.model.predict(clean)
        return Evidence(text, clean, masked, in_text, reading, probs, self.rules, self.faq)

    def _understanding(self, v: Verdict, e: Evidence, topic: str | None) -> Understanding:
        report = v.intent is Intent.fault_report
        address = None
        if report:
            community = e.in_text.community or self._group_community(topic)
            address = e.in_text.model_copy(update={"community": community})
        return Understanding(
            intent=v.intent,
            fault_type=v.fault_type if report else None,
            urgent=v.urgent if report else False,
            address=address,
            faq_id=v.faq_id if v.intent is Intent.faq else None,
            faq_score=v.faq_score if v.intent is Intent.faq else None,
            address_in_text=e.in_text,
            confirm=v.confirm,
            unsure=v.unsure,
            about_power=e.about_power,
        )

    def _group_community(self, topic: str | None) -> str | None:
        group = self._config.group(topic) if topic else None
        return group.community if group else None

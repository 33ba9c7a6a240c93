"""Message understanding: intent, fault type, urgency, address and FAQ match.

`Understander(config, faq).understand(text, topic)` is the one entry point; it
has no side effects. The text is normalised once (`normalize`), read by the
intent and fault rules (`intents`, `faults`, with their words in kb/words, see
`words` and `rules`) and the address parser (`address`).
Questions that are none of fault, outage, progress or complaint go to the FAQ
matcher, which also decides whether a question is in scope at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.config import Config
from handlers.nlu.address import AddressParser, without_place
from handlers.nlu.models import Address, Intent, Understanding
from handlers.nlu.rules import Rules

__all__ = ["Understander", "Understanding", "Intent", "Address", "Rules"]


class FaqHit(Protocol):
    """What a FAQ matcher returns when it is confident: `handlers.nlu.faq.FaqMatch`."""

    @property
    def id(self) -> str: ...
    @property
    def score(self) -> float: ...


class SupportsMatch(Protocol):
    def match(self, text: str) -> FaqHit | None: ...


FaqFunction = Callable[[str], FaqHit | None]


class Understander:
    """Turns (text, group topic) into an `Understanding`, per the contract."""

    def __init__(
        self,
        config: Config,
        faq: SupportsMatch | FaqFunction | None = None,
        rules: Rules | None = None,
    ) -> None:
        self._config = config
        self._faq: FaqFunction | None = None
        self.set_faq(faq)
        self.set_rules(rules or Rules.load(config.kb.dir))

    def set_rules(self, rules: Rules) -> None:
        """Swap the rules (hot reload of kb/words)."""
        self.rules = rules
        self._address = AddressParser(self._config.communities, rules.words.homophones)

    def set_faq(self, faq: SupportsMatch | FaqFunction | None) -> None:
        """Swap the FAQ matcher (hot reload): a `FaqMatcher`, a callable, or None."""
        self._faq = faq.match if hasattr(faq, "match") else faq  # type: ignore[union-attr]

    def understand(self, text: str, topic: str | None) -> Understanding:
        """What one message from the group `topic` (None: a private chat) says."""
        clean = self.rules.normalize(text or "")
        in_text, masked = self._address.parse(clean)
        reading = self.rules.intents.read(masked)
        intent, hit = reading.intent, None
        if reading.ask_faq:
            hit = self._ask_faq(masked)
            intent = Intent.faq if hit is not None else Intent.other
        address = None
        if intent is Intent.fault_report:
            address = in_text.model_copy(
                update={"community": in_text.community or self._group_community(topic)}
            )
        return Understanding(
            intent=intent,
            fault_type=reading.fault_type if intent is Intent.fault_report else None,
            urgent=reading.urgent if intent is Intent.fault_report else False,
            address=address,
            faq_id=hit.id if hit else None,
            faq_score=float(hit.score) if hit else None,
            address_in_text=in_text,
        )

    def _ask_faq(self, masked: str) -> FaqHit | None:
        """The matcher's answer, or None: out of scope, not confident, or no matcher."""
        if self._faq is None:
            return None
        # Place words say nothing about the question and only dilute the match.
        return self._faq(without_place(masked))

    def _group_community(self, topic: str | None) -> str | None:
        group = self._config.group(topic) if topic else None
        return group.community if group else None

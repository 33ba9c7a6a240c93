"""A station of its own for the NLU tests: names the dev set never uses, so the
tests show the rules hold for any configured community, not only the sample ones."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config
from handlers.nlu import Understander

ESTATE_GROUP = "碧水湾业主群"
DIGIT_GROUP = "海景1号住户群"
VILLAGE_GROUP = "龙塘村民群"
TOWN_GROUP = "镇供电总群"

CONFIG = Config.model_validate(
    {
        "communities": [
            {"name": "碧水湾", "aliases": ["碧水湾小区"], "kind": "estate"},
            {"name": "海景1号", "aliases": ["海景一号", "海景壹号"], "kind": "estate"},
            {"name": "荔枝园", "aliases": ["荔园"], "kind": "estate"},
            {"name": "龙塘村", "aliases": ["龙塘"], "kind": "village"},
            {"name": "白石村", "aliases": ["白石"], "kind": "village"},
        ],
        "groups": [
            {"topic": ESTATE_GROUP, "community": "碧水湾"},
            {"topic": DIGIT_GROUP, "community": "海景1号"},
            {"topic": VILLAGE_GROUP, "community": "龙塘村"},
            {"topic": TOWN_GROUP},
        ],
    }
)


@dataclass(frozen=True)
class Hit:
    id: str
    score: float


def make_understander(faq_id: str | None = None) -> Understander:
    """An Understander whose FAQ stub answers every question with `faq_id` (or declines)."""
    faq = (lambda _text: Hit(faq_id, 0.9)) if faq_id else None
    return Understander(CONFIG, faq)


U = make_understander()
WITH_FAQ = make_understander("some-entry")


def intent(text: str, u: Understander = U, group: str = ESTATE_GROUP) -> str:
    return u.understand(text, group).intent.value


def reading(text: str, group: str = ESTATE_GROUP) -> tuple[str, str | None]:
    """(intent, fault type) of a message in a group of the test station."""
    u = U.understand(text, group)
    return (u.intent.value, u.fault_type.value if u.fault_type else None)


def where(text: str, group: str = ESTATE_GROUP) -> tuple[str | None, ...]:
    """The address of a fault report as (community, building, unit, room)."""
    a = U.understand(text, group).address
    assert a is not None
    return (a.community, a.building, a.unit, a.room)

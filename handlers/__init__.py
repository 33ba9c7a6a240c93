"""Feature handlers, one module per feature, each with one `router`.

ROUTERS is the priority order: the first router that handles a message wins, and
the FAQ (with its polite hand-over and silence) is the catch-all, last.
"""

from __future__ import annotations

from typing import Any

from bot.config import Config
from handlers import (
    admin,
    aftercare,
    announcements,
    basics,
    dispatch,
    faq,
    fault_reports,
    figures,
    outages,
    promises,
    smalltalk,
)
from handlers.nlu import Understander
from handlers.nlu.live import LiveKnowledge, load_all

ROUTERS = [
    basics.router,
    dispatch.router,
    admin.router,
    figures.router,
    aftercare.router,
    smalltalk.router,
    announcements.router,
    outages.router,  # before reports: no power where an outage is on is that outage
    fault_reports.router,
    faq.router,
    promises.router,  # timers only: the commitment clock
]


def make_services(config: Config) -> dict[str, Any]:
    """What handlers share for the life of the bot: the understanding and the knowledge base."""
    loaded = load_all(config.kb.dir)  # a broken kb/ at start is fatal: file:line
    understander = Understander(config, rules=loaded.rules)
    knowledge = LiveKnowledge(config.kb.dir, understander, loaded=loaded)
    return {"understander": understander, "knowledge": knowledge}

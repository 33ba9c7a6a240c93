"""The app under concurrent load: many messages at once, each reply sent exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.app import App
from bot.gateways.memory import MemoryGateway
from bot.messages import Outgoing
from tests.conftest import GROUP


class SlowGateway(MemoryGateway):
    """Sending takes a turn of the event loop, as a network send does."""

    async def send(self, out: Outgoing) -> None:
        await asyncio.sleep(0)
        await super().send(out)


async def test_concurrent_messages_each_get_one_reply(base_config, shared_services, db_path, clock):
    gw = SlowGateway(clock)
    app = App(base_config, gw, clock, services=dict(shared_services), db_path=db_path)
    await app.start(background=False)
    try:
        messages = [
            gw.message(f"{n}栋{n}单元{n}01停电了", sender=f"r{n}", group=GROUP)
            for n in range(1, 16)
        ]
        await asyncio.gather(*(gw.deliver(m) for m in messages))

        group_replies = [o for o in gw.sent if o.conversation.is_group]
        assert len(group_replies) == 15
        assert Counter(o.mention_ids[0] for o in group_replies) == {
            f"r{n}": 1 for n in range(1, 16)
        }
        assert app.store.count("tickets") == 15
        assert app.store.unsent() == []
    finally:
        await app.stop()

"""The send governor: WeChat blocks an account that sends too fast ("发送消息过于频繁"),
so the outbox keeps under a number of sends per minute overall and per group.

Sliding windows of the last minute's send times, one overall and one per group. The
sending loop asks `take` just before each send (no await in between, so lanes running
at once never overspend); a send refused waits for a later pass, in its place.
Which waiting message goes first is the outbox's business (priority, then age).
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from bot.messages import Conversation

WINDOW = timedelta(minutes=1)


class SendPace:
    def __init__(self, per_minute: int, per_group_per_minute: int) -> None:
        self.per_minute = per_minute
        self.per_group = per_group_per_minute
        self._all: deque[datetime] = deque()
        self._groups: dict[str, deque[datetime]] = {}
        self.held = 0  # sends refused so far (for the logs and the figures)

    def take(self, conversation: Conversation, now: datetime) -> bool:
        """May a message go to `conversation` now? If so, it is counted as sent."""
        _forget(self._all, now)
        if len(self._all) >= self.per_minute:
            self.held += 1
            return False
        group = None
        if conversation.is_group:
            group = self._groups.setdefault(conversation.id, deque())
            _forget(group, now)
            if len(group) >= self.per_group:
                self.held += 1
                return False
        self._all.append(now)
        if group is not None:
            group.append(now)
        return True

    def give_back(self, conversation: Conversation) -> None:
        """A send that failed did not reach WeChat: it does not count."""
        if self._all:
            self._all.pop()
        group = self._groups.get(conversation.id) if conversation.is_group else None
        if group:
            group.pop()

    def tidy(self, now: datetime) -> None:
        """Drop groups quiet for a minute (the dict stays as small as the busy groups)."""
        for key in [k for k, q in self._groups.items() if not q or now - q[-1] >= WINDOW]:
            del self._groups[key]


def _forget(window: deque[datetime], now: datetime) -> None:
    while window and now - window[0] >= WINDOW:
        window.popleft()

"""Time as an injected object, so tests and the console can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """The real clock: timezone-aware UTC now."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock(Clock):
    """A clock that only moves when told to; starts at the real time unless given one."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class OffsetClock(Clock):
    """Real time plus an offset that `/wait` grows: the console's clock."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

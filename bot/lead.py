"""Which process serves a station: the one holding its lead lock.

One WeChat account, one active `powerbot run`. A second process for the same station
started with `--standby` waits for the lock and takes over when the active one dies: the
lock belongs to the holder's database session (PostgreSQL's advisory lock) or its open
file (SQLite: `flock` on `<file>.lock`), so the operating system or the server frees it
the moment the holder dies, kill -9 included. Without `--standby` a second process is
refused at start with a clear message instead of answering every message twice.

The active process checks its hold every few seconds; if the database session that held
it is gone (a network cut, a restarted server), another process may now be active, so it
stops rather than go on beside it.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.sql import StoreError, is_postgres, pg_connect, redact, sqlite_path

log = logging.getLogger(__name__)

LOCK_CLASS = 0x706F77  # the first key of every station's advisory lock ("pow")
POLL_SECONDS = 1.0  # how often a standby tries the lock
CHECK_SECONDS = 3.0  # how often the active one checks that it still holds it


class LeadTaken(StoreError):
    """Another process is active for this station (and we were not asked to wait)."""


class Lead:
    """`await lead.take(wait=...)`, then `await lead.watch()` (returns if it is lost)."""

    def __init__(self, target: str | Path, station: str) -> None:
        self.target, self.station = target, station
        self.held = False

    @classmethod
    def of(cls, target: str | Path, station: str) -> Lead:
        return (PgLead if is_postgres(target) else FileLead)(target, station)

    def try_take(self) -> bool:
        raise NotImplementedError

    def still_held(self) -> bool:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    async def take(self, wait: bool) -> None:
        """Hold the station's lock; LeadTaken if another has it and not `wait`. A standby
        also waits out a database that is away (saying so); an active one says why not."""
        try:
            taken = self.try_take()
        except StoreError as e:
            if not wait:
                raise
            log.warning("standby: %s", e)
            taken = False
        if taken:
            self.held = True
            return
        if not wait:
            raise LeadTaken(
                f"station {self.station!r} is already served by another process "
                f"({self.describe()}); start this one with --standby to take over when it stops"
            )
        log.info("standby for station %r: waiting for %s", self.station, self.describe())
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                taken = self.try_take()
            except StoreError as e:  # the database is away: keep waiting, say so
                log.warning("standby: %s", e)
                continue
            if taken:
                self.held = True
                log.warning("station %r: the active process is gone; taking over", self.station)
                return

    async def watch(self, healthy: Callable[[], bool] = lambda: True) -> None:
        """Return when the lock is no longer ours, or the process is no longer `healthy`
        (its handling stopped: holding the lock would keep the standby out); the caller
        then stops."""
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            if not healthy():
                log.error("station %r: handling stopped; letting the standby take over",
                          self.station)  # fmt: skip
                return
            if not self.still_held():
                log.error("station %r: lost the lead lock (%s); stopping", self.station,
                          self.describe())  # fmt: skip
                self.held = False
                return


class FileLead(Lead):
    def __init__(self, target: str | Path, station: str) -> None:
        super().__init__(target, station)
        self.path = Path(sqlite_path(target)).with_suffix(".lock")
        self.fd: int | None = None

    def describe(self) -> str:
        return f"lock file {self.path}"

    def try_take(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return True

    def still_held(self) -> bool:
        return self.fd is not None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the file frees the lock
            self.fd = None
        self.held = False


class PgLead(Lead):
    """An advisory lock on a connection of its own, held for the process's life."""

    def __init__(self, target: str | Path, station: str) -> None:
        super().__init__(target, station)
        self.conn: Any = None

    def describe(self) -> str:
        return f"advisory lock ({LOCK_CLASS}, hashtext({self.station!r})) on {redact(str(self.target))}"

    def try_take(self) -> bool:
        import psycopg

        if self.conn is None or self.conn.closed:
            self.conn = pg_connect(str(self.target))
        try:
            got = self.conn.execute(
                "select pg_try_advisory_lock(%s, hashtext(%s))",
                (LOCK_CLASS, f"powerbot:{self.station}"),
            ).fetchone()[0]
        except psycopg.Error as e:
            self.conn.close()
            raise StoreError(f"lead lock: {e}") from None
        return bool(got)

    def still_held(self) -> bool:
        import psycopg

        try:
            row = self.conn.execute(
                "select count(*) from pg_locks where locktype = 'advisory' and "
                "pid = pg_backend_pid() and classid = %s and granted",
                (LOCK_CLASS,),
            ).fetchone()
        except psycopg.Error:
            return False
        return bool(row and row[0])

    def release(self) -> None:
        if self.conn is not None and not self.conn.closed:
            self.conn.close()  # the session ends: the lock is free
        self.conn = None
        self.held = False

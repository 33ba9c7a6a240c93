"""Shared fixtures: a config, a store on both engines (a temporary SQLite file, and a
fresh database on a throwaway PostgreSQL server: every test that uses `db_path` runs on
each), a clock tests move, and a bot running end to end behind the memory gateway."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.gateways.memory import MemoryGateway
from bot.messages import Outgoing

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = PROJECT / "config.example.toml"
SHARED_EVAL = PROJECT.parent / "shared" / "eval"

GROUP = "幸福花园业主用电群"
VILLAGE_GROUP = "东岭村用电群"
TOWN_GROUP = "白花镇供电服务总群"
LI, WANG, CHEN, ADMIN = "wxid_li", "wxid_wang", "wxid_chen", "wxid_admin"


@pytest.fixture(scope="session")
def base_config() -> Config:
    return load_config(EXAMPLE_CONFIG)


@pytest.fixture(scope="session")
def shared_services(base_config: Config) -> dict:
    import handlers

    return handlers.make_services(base_config)


class PgDatabases:
    """Databases on one server: `create()` makes a fresh one, a copy of a migrated
    template (~100 ms); `fresh()` hands out one shared database emptied (~10 ms), for the
    feature tests that need one store each, one after another."""

    def __init__(self, server_url: str) -> None:
        import psycopg

        from bot.store import Store

        self.base = server_url.rsplit("/", 1)[0]
        self.admin = psycopg.connect(server_url, autocommit=True)
        self.names = itertools.count(1)
        self.prefix = f"powerbot_t{os.getpid()}_"
        template = f"{self.prefix}template"
        self.admin.execute(f"drop database if exists {template}")
        self.admin.execute(f"create database {template}")
        Store.open(self.url(template)).close()
        self.template = template
        self.shared = self.create()
        self.shared_conn = psycopg.connect(self.shared, autocommit=True)
        self.tables = sorted(  # ticket_events before the tickets they name
            (
                r[0]
                for r in self.shared_conn.execute(
                    "select tablename from pg_tables where schemaname = 'public' "
                    "and tablename <> 'powerbot_migrations'"
                )
            ),
            key=lambda t: t != "ticket_events",
        )

    def fresh(self) -> str:
        """The shared database, emptied: whatever the last test left open is cut off, every
        table truncated and every counter back at 1 (ticket #1 again)."""
        self.shared_conn.execute(
            "select pg_terminate_backend(pid, 5000) from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid()"
        )
        for table in self.tables:  # delete is quicker than truncate on tables this small
            self.shared_conn.execute(f"delete from {table}")
        self.shared_conn.execute(
            "select setval(oid::regclass, 1, false) from pg_class where relkind = 'S'"
        )
        return self.shared

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def create(self) -> str:
        name = f"{self.prefix}{next(self.names)}"
        self.admin.execute(f"create database {name} template {self.template}")
        return self.url(name)

    def drop(self, url: str) -> None:
        self.admin.execute(f"drop database if exists {url.rsplit('/', 1)[1]} with (force)")

    def close(self) -> None:
        self.shared_conn.close()
        self.drop(self.shared)
        self.drop(self.url(self.template))
        self.admin.close()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    """A throwaway PostgreSQL server for the session (or POWERBOT_TEST_DATABASE_URL's)."""
    from tests.pgserver import ThrowawayPostgres

    given = os.environ.get("POWERBOT_TEST_DATABASE_URL")
    server = None if given else ThrowawayPostgres()
    url = given or server.start()  # type: ignore[union-attr]
    try:
        databases = PgDatabases(url)
        yield databases
        databases.close()
    finally:
        if server is not None:
            server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_path(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """Where the test's store is: a SQLite file, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        yield tmp_path / "powerbot.db"
        return
    databases: PgDatabases = request.getfixturevalue("pg_databases")
    yield databases.fresh()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))  # 10:00 in Guangdong


@dataclass
class Bot:
    """The bot under test: push messages in, read what it sent, restart it on the same file."""

    app: App
    gw: MemoryGateway
    clock: ManualClock

    async def say(self, text: str, **kw) -> list[Outgoing]:
        return await self.gw.push(text, **kw)

    @property
    def store(self):
        return self.app.store


def to_person(sent: list[Outgoing], person_id: str) -> list[Outgoing]:
    return [o for o in sent if not o.conversation.is_group and o.conversation.id == person_id]


def to_group(sent: list[Outgoing], topic: str) -> list[Outgoing]:
    return [o for o in sent if o.conversation.is_group and o.conversation.topic == topic]


async def start_bot(
    config: Config,
    services: dict,
    db_path: Path,
    clock: ManualClock,
    known: list | None = None,
) -> Bot:
    """A bot on `db_path`; `known` are messages its gateway can fetch again by id."""
    gw = MemoryGateway(clock)
    gw.known.update({m.id: m for m in known or []})
    app = App(config, gw, clock, services=dict(services), db_path=db_path)
    await app.start(background=False)
    return Bot(app, gw, clock)


@pytest.fixture
async def bot(
    base_config: Config, shared_services: dict, db_path: Path, clock: ManualClock
) -> AsyncIterator[Bot]:
    running = await start_bot(base_config, shared_services, db_path, clock)
    yield running
    await running.app.stop()

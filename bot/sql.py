"""Plain SQL on one connection, SQLite or PostgreSQL, for everything the store does.

Statements are written once, in the SQL both engines speak: `?` parameters, `insert …
on conflict do nothing`, upserts, `returning`. `PgSql` turns `?` into psycopg's `%s`
(and a literal `%` into `%%`), `begin immediate` into `begin`, and keeps
`for update skip locked`, which SQLite (one writer per file) is given without.

The connection is in autocommit mode; `atomic()` opens a transaction at the outermost
level and a savepoint inside, so one message's work can roll back alone within a batch
that commits once. Row values come back as Python str/int/float/None on both engines.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

Row = dict[str, Any]


class StoreError(Exception):
    """The database could not be opened or reached; the message says which and why."""


class Sql:
    """What both engines share: rows as dicts, transactions with savepoints."""

    dialect = "sqlite"
    conn: Any

    def __init__(self) -> None:
        self.depth = 0

    # Each engine: how a statement runs, and whether a transaction is open.
    def run(self, sql: str, args: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _open(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        self.conn.close()

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        cursor = self.run(sql, args)
        if cursor.description is None:
            return []
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def one(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        cursor = self.run(sql, args)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def value(self, sql: str, args: Sequence[Any] = ()) -> Any:
        row = self.run(sql, args).fetchone()
        return None if row is None else row[0]

    def insert(self, table: str, row: Row, *, ignore: bool = False, pk: str | None = "id") -> int:
        """Insert one row; its `pk` (0 when `ignore` skipped a duplicate, or no `pk`)."""
        cursor = self.run(_insert_sql(table, tuple(row), ignore, pk), tuple(row.values()))
        got = cursor.fetchone() if pk else None
        return got[0] if got else 0

    @contextmanager
    def together(self) -> Iterator[None]:
        """Writes that must not be split: inside a transaction already, they are part of
        it (it rolls back whole, or the caller's savepoint does); outside, one of their own."""
        if self.depth:
            yield
        else:
            with self.atomic():
                yield

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """All writes inside together or not at all; nested blocks are savepoints."""
        depth = self.depth
        name = f"sp{depth}"
        self.run("begin immediate" if depth == 0 else f"savepoint {name}")
        self.depth += 1
        try:
            yield
        except BaseException:
            self.depth = depth
            if self._open():  # a failed COMMIT may have ended it already
                if depth == 0:
                    self.run("rollback")
                else:
                    self.run(f"rollback to {name}")
                    self.run(f"release {name}")
            raise
        self.depth = depth
        self.run("commit" if depth == 0 else f"release {name}")


class SqliteSql(Sql):
    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        conn.isolation_level = None  # we say when a transaction begins and ends
        self.conn = conn

    def run(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(_for_sqlite(sql), args)

    def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(_for_sqlite(sql), rows)

    def _open(self) -> bool:
        return self.conn.in_transaction


class PgSql(Sql):
    """One psycopg 3 connection (synchronous: see README, "Choosing the driver")."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__()

        self.conn = pg_connect(url)
        self.conn.adapters.register_loader("numeric", _numeric_loader())
        # A statement stuck behind another process's lock fails instead of waiting forever.
        self.conn.execute("set lock_timeout = '10s'")

    def run(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self.conn.execute(_for_pg(sql), args, prepare=None)

    def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.conn.cursor() as cursor:
                cursor.executemany(_for_pg(sql), rows)

    def _open(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.conn.info.transaction_status != TransactionStatus.IDLE


# A peer that vanished without closing (a power cut, a cable pulled) is found out within
# about 6 s on both sides: our end stops waiting, and the server ends the session, which
# frees its locks (the lead lock among them) for the standby.
KEEPALIVE = {"idle": 3, "interval": 1, "count": 3}


def pg_connect(url: str) -> Any:
    """A psycopg connection (autocommit) that notices a dead peer quickly; StoreError
    saying why when it cannot be made."""
    import psycopg

    try:
        conn = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=10,
            keepalives=1,
            keepalives_idle=KEEPALIVE["idle"],
            keepalives_interval=KEEPALIVE["interval"],
            keepalives_count=KEEPALIVE["count"],
            tcp_user_timeout=1000
            * (KEEPALIVE["idle"] + KEEPALIVE["count"] * KEEPALIVE["interval"]),
        )
        for name, value in KEEPALIVE.items():  # the server's side of the same
            conn.execute(f"set tcp_keepalives_{name} = {value}")
    except psycopg.Error as e:
        raise StoreError(f"cannot connect to {redact(url)}: {e}".strip()) from None
    return conn


@lru_cache(maxsize=1)
def _numeric_loader() -> type:
    from psycopg.adapt import Loader

    class NumericLoader(Loader):
        """sum()/avg() come back as int when whole, else float (SQLite's way), not Decimal."""

        def load(self, data: Any) -> int | float:
            text = bytes(data).decode()
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else number

    return NumericLoader


def is_postgres(target: str | Any) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def sqlite_path(target: str | Any) -> str:
    """The file a SQLite target names: a plain path, or sqlite:///relative, sqlite:////abs."""
    text = str(target)
    if text.startswith("sqlite:///"):
        return text[len("sqlite:///") :]
    if text.startswith("sqlite:"):
        raise StoreError(f"{text}: write a SQLite URL as sqlite:///path/to/file.db")
    return text


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


_SKIP_LOCKED = re.compile(r"\s+for update skip locked", re.IGNORECASE)


@lru_cache(maxsize=512)
def _for_sqlite(sql: str) -> str:
    return _SKIP_LOCKED.sub("", sql) if "skip locked" in sql.lower() else sql


@lru_cache(maxsize=512)
def _for_pg(sql: str) -> str:
    """`?` → `%s` and `%` → `%%` outside quoted literals too (psycopg reads both)."""
    if sql.lower() == "begin immediate":
        return "begin"
    out = []
    quoted = False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
            out.append(ch)
        elif ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...], ignore: bool, pk: str | None) -> str:
    marks = ", ".join("?" * len(columns))
    sql = f"insert into {table} ({', '.join(columns)}) values ({marks})"
    if ignore:
        sql += " on conflict do nothing"
    return sql + (f" returning {pk}" if pk else "")

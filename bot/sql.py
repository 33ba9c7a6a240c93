"""Plain SQL on one SQLite connection, for the bot's hot path.

sqlite-utils stays for the schema (migrations), the CLI and admin queries; the
per-message path uses this instead: statements with `?` parameters, whose compiled
form Python's sqlite3 keeps in its statement cache, no per-call schema checks, and
transactions with fixed savepoint names (so those are cached too).

The connection is in autocommit mode; `atomic()` opens `BEGIN IMMEDIATE` at the
outermost level and a savepoint inside, so one message's work can roll back alone
within a batch that commits once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

Row = dict[str, Any]


class Sql:
    def __init__(self, conn: sqlite3.Connection) -> None:
        conn.isolation_level = None  # we say when a transaction begins and ends
        self.conn = conn
        self.depth = 0

    def run(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, args)

    def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        cursor = self.conn.execute(sql, args)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def one(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        cursor = self.conn.execute(sql, args)
        row = cursor.fetchone()
        return (
            None if row is None else dict(zip([d[0] for d in cursor.description], row, strict=True))
        )

    def value(self, sql: str, args: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, args).fetchone()
        return None if row is None else row[0]

    def insert(self, table: str, row: Row, *, ignore: bool = False) -> int:
        """Insert one row; its rowid (0 when `ignore` skipped a duplicate)."""
        cursor = self.conn.execute(_insert_sql(table, tuple(row), ignore), tuple(row.values()))
        return cursor.lastrowid if cursor.rowcount else 0

    def update(self, table: str, key: Any, changes: Row, pk: str = "id") -> None:
        sql = _update_sql(table, tuple(changes), pk)
        self.conn.execute(sql, (*changes.values(), key))

    @property
    def in_transaction(self) -> bool:
        return self.depth > 0

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
        self.conn.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {name}")
        self.depth += 1
        try:
            yield
        except BaseException:
            self.depth = depth
            if self.conn.in_transaction:  # a failed COMMIT may have ended it already
                if depth == 0:
                    self.conn.execute("ROLLBACK")
                else:
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
            raise
        self.depth = depth
        self.conn.execute("COMMIT" if depth == 0 else f"RELEASE {name}")


@lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...], ignore: bool) -> str:
    verb = "INSERT OR IGNORE" if ignore else "INSERT"
    marks = ", ".join("?" * len(columns))
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({marks})"


@lru_cache(maxsize=256)
def _update_sql(table: str, columns: tuple[str, ...], pk: str) -> str:
    sets = ", ".join(f"{c} = ?" for c in columns)
    return f"UPDATE {table} SET {sets} WHERE {pk} = ?"

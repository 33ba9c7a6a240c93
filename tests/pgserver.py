"""A throwaway PostgreSQL server for the tests and the benches: the OS packages'
`initdb`/`pg_ctl` on a free port of 127.0.0.1, its data in a temporary folder, stopped
and removed at the end. As root (CI) it runs as the `postgres` user, since PostgreSQL
refuses root.

    python -m tests.pgserver [--durable]   # start one, print its URL, stop it on Ctrl-C

`POWERBOT_TEST_DATABASE_URL=postgresql://…` makes the tests use a server of yours
instead (they create and drop their own databases on it).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return candidate
    raise PostgresUnavailable(
        f"{name} not found: install PostgreSQL's server package (Debian: postgresql), "
        "or set POWERBOT_TEST_DATABASE_URL to a server the tests may use"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    """`durable=False` (the tests): fsync off, nothing waits for the disk. The benches
    use `durable=True`, PostgreSQL's defaults, to compare with SQLite's synchronous=FULL."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.folder = Path(tempfile.mkdtemp(prefix="powerbot-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres")
        self.started = False

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True)
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise PostgresUnavailable(f"{' '.join(args[:2])} failed: {done.stderr}{tail}")

    def start(self) -> str:
        self._run(_bin("initdb"), "-D", str(self.data), "-U", "powerbot", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c max_connections=300 -c shared_buffers=64MB"
        )
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                  "-w", "-t", "60", "-o", options, "start")  # fmt: skip
        self.started = True
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql://powerbot@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if self.started:
            subprocess.run([*self.as_user, _bin("pg_ctl"), "-D", str(self.data), "-m",
                            "immediate", "-w", "stop"], capture_output=True)  # fmt: skip
            self.started = False
        shutil.rmtree(self.folder, ignore_errors=True)


if __name__ == "__main__":
    server = ThrowawayPostgres(durable="--durable" in sys.argv)
    print(server.start(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()

"""A burst, then kill -9: 500 messages said at once, `powerbot run` killed 0.5 s later
and restarted; how many were never recorded, never handled, sent twice. Three trials.

    .venv/bin/python bench/kill_burst.py [TREE]

TREE (default: this checkout) is the source tree whose `python -m bot run` is tested,
so an older commit checked out elsewhere can be measured with the same harness (the
"before" figures in bench/README.md). Reads the inbox table, or the older messages.
"""

import asyncio
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests import storm_harness as h  # noqa: E402
from tests.fake_puppet import FakePuppetService  # noqa: E402

OLD = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT


class P(h.BotProcess):
    def start(self):
        env = {
            **os.environ,
            "WECHATY_PUPPET_SERVICE_TOKEN": self.token,
            "WECHATY_PUPPET_SERVICE_ENDPOINT": self.endpoint,
            "PYTHONWARNINGS": "ignore",
        }
        self.starts += 1
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(self.config)],
            cwd=OLD,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def rows(db, sql):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return c.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        c.close()


async def main():
    results = []
    for trial in range(3):
        st = h.make_storm(20 + trial, 500)
        st = [s for s in st]  # all kinds
        service = await FakePuppetService(h.world_for(st)).start()
        d = Path(tempfile.mkdtemp())
        db = d / "bot.db"
        (d / "s.toml").write_text(h.station_toml(40, db, service.endpoint))
        bot = P(d / "s.toml", service.endpoint, service.token, d / "log")
        run = h.Run(service, bot, h.Books(db))
        bot.start()
        await run.logged_in(1)
        await asyncio.sleep(0.5)
        for s in st:
            run.say(s)
        await asyncio.sleep(0.5)
        bot.kill()
        bot.start()
        await run.logged_in(2)
        await asyncio.sleep(8)
        bot.stop()
        await service.stop()
        ids = set(run.said)
        tab = (
            "inbox" if rows(db, "select name from sqlite_master where name='inbox'") else "messages"
        )
        recorded = {r[0] for r in rows(db, f"select id from {tab}")}
        handled = {r[0] for r in rows(db, f"select id from {tab} where handled_at is not null")}
        received = run.received()
        queued = h.Counter(
            (h._conversation_id(c), t) for c, t in rows(db, "select conversation, text from outbox")
        )
        doubled = sum(max(0, received[k] - queued[k]) for k in received)
        results.append((len(ids), len(ids - recorded), len(ids - handled), doubled))
    print(OLD, "said / never recorded / never handled / sends doubled, per trial:", results)


asyncio.run(main())

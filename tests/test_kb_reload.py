"""The running bot picks up kb/ edits; a broken edit is refused and the last good KB kept."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import handlers
from tests.conftest import ADMIN, GROUP, PROJECT, start_bot, to_group, to_person

QUESTION = "老人不会用手机怎么交电费"


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(PROJECT / "kb", target)
    return target


def touch_later(path: Path) -> None:
    """File systems with coarse mtimes: make sure the edit is seen as a change."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@pytest.fixture
async def kb_bot(base_config, kb_copy, db_path, clock):
    config = base_config.model_copy(
        update={"kb": base_config.kb.model_copy(update={"dir": kb_copy})}
    )
    running = await start_bot(config, handlers.make_services(config), db_path, clock)
    yield running
    await running.app.stop()


async def test_an_edited_answer_is_used_after_the_next_tick(kb_bot, kb_copy):
    entry = kb_copy / "pay-elderly.md"
    header, _, _ = entry.read_text(encoding="utf-8").rpartition("+++")
    entry.write_text(header + "+++\n请带老人的户号到营业厅，我们帮您办理。\n", encoding="utf-8")
    touch_later(entry)
    await kb_bot.app.tick()

    sent = await kb_bot.say(QUESTION, sender="r1", group=GROUP)
    assert to_group(sent, GROUP)[0].text == "请带老人的户号到营业厅，我们帮您办理。"


async def test_a_broken_edit_is_refused_told_to_admins_and_the_old_kb_kept(kb_bot, kb_copy):
    before = to_group(await kb_bot.say(QUESTION, sender="r1", group=GROUP), GROUP)[0].text
    entry = kb_copy / "pay-elderly.md"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace('id = "pay-elderly"', "id = "), "utf-8"
    )
    touch_later(entry)

    await kb_bot.app.tick()
    [notice] = to_person(kb_bot.gw.sent, ADMIN)
    assert "pay-elderly.md:" in notice.text and "修改前的版本" in notice.text
    await kb_bot.app.tick()
    assert len(to_person(kb_bot.gw.sent, ADMIN)) == 1, "told once per broken edit"

    after = to_group(await kb_bot.say(QUESTION, sender="r2", group=GROUP), GROUP)[0].text
    assert after == before

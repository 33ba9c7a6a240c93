"""The running bot's kb/: a corpus edit retrains the reader in the background; a failed
training or a broken file keeps what worked, and the admins are told."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import handlers
from handlers.nlu import Understander
from handlers.nlu.corpus import CORPUS_DIR
from handlers.nlu.live import NO_TRAINER, LiveKnowledge, check_all
from handlers.nlu.reader import MODEL_FILE
from handlers.nlu.train import current_hash, train
from tests.conftest import ADMIN, PROJECT, start_bot, to_person

LABELLED = {
    "id": "station-1",
    "group": "幸福花园业主用电群",
    "text": "屋企个掣飞咗",
    "expect": {"intent": "fault_report", "fault_type": "trip", "urgent": False,
               "address": None, "faq_id": None},
}  # fmt: skip


@pytest.fixture(scope="module")
def trained_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kb/ with a tenth of the corpus and a model trained from it."""
    kb = tmp_path_factory.mktemp("kb")
    for item in (PROJECT / "kb").iterdir():
        if item.name in (CORPUS_DIR, "model"):
            continue
        (shutil.copytree if item.is_dir() else shutil.copy)(item, kb / item.name)
    (kb / CORPUS_DIR).mkdir()
    for path in sorted((PROJECT / "kb" / CORPUS_DIR).glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()[::10]
        (kb / CORPUS_DIR / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    train(kb)
    return kb


@pytest.fixture
def kb(trained_kb: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "kb"
    shutil.copytree(trained_kb, copy)
    return copy


@pytest.fixture
def live(kb: Path, base_config):
    config = base_config.model_copy(update={"kb": base_config.kb.model_copy(update={"dir": kb})})
    knowledge = LiveKnowledge(kb, Understander(config))
    yield knowledge
    knowledge.close()


def add_line(kb: Path, row: dict | str) -> None:
    path = kb / CORPUS_DIR / "station.jsonl"
    with path.open("a", encoding="utf-8") as f:
        f.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    stat = path.stat()  # coarse mtimes: make the edit a change
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_a_fresh_kb_needs_no_training(live: LiveKnowledge) -> None:
    assert live.stale() is None
    assert live.poll() == [] and live.training is None


def test_a_labelled_message_retrains_the_reader_in_the_background(live: LiveKnowledge, kb: Path):
    old = live.understander.model
    add_line(kb, LABELLED)
    assert live.poll() == []
    assert live.training is not None, "training runs in its own process"
    assert live.understander.model is old, "the old model answers meanwhile"
    live.wait_for_training()
    told = live.poll()
    assert len(told) == 1 and "重新训练" in told[0]
    new = live.understander.model
    assert new is not old and new.inputs_hash == current_hash(kb)
    assert live.poll() == [] and live.training is None


def test_a_failed_training_keeps_the_old_model_and_says_why(live: LiveKnowledge, kb: Path):
    old = live.understander.model
    for path in (kb / CORPUS_DIR).glob("*.jsonl"):
        path.unlink()
    chatter = {**LABELLED, "expect": {**LABELLED["expect"], "intent": "other", "fault_type": None}}
    add_line(kb, chatter)  # no fault report left to learn fault types from
    assert live.poll() == []
    live.wait_for_training()
    [told] = live.poll()
    assert "训练失败" in told and "继续使用原来的模型" in told
    assert live.understander.model is old
    assert live.poll() == [], "not retried for the same inputs"


def test_a_broken_corpus_line_is_refused_and_nothing_retrains(live: LiveKnowledge, kb: Path):
    add_line(kb, '{"id": "s2", "text": "停电了"')
    [told] = live.poll()
    assert f"{kb / CORPUS_DIR / 'station.jsonl'}:1: not JSON" in told
    assert live.training is None
    assert check_all(kb)[0], "kb check reports it too"


def test_without_the_trainer_the_admins_are_told_once(live, kb, monkeypatch) -> None:
    monkeypatch.setattr("handlers.nlu.live.importlib.util.find_spec", lambda name: None)
    add_line(kb, LABELLED)
    assert live.poll() == [NO_TRAINER]
    assert live.training is None and live.poll() == []


def test_kb_check_warns_when_the_model_is_older_than_its_corpus(kb: Path) -> None:
    assert check_all(kb) == ([], [w for w in check_all(kb)[1] if "local figure" in w])
    add_line(kb, LABELLED)
    problems, warnings = check_all(kb)
    assert problems == [] and any("run `powerbot nlu train`" in w for w in warnings)
    (kb / MODEL_FILE).unlink()
    assert any("no model" in w for w in check_all(kb)[1])


async def test_the_running_bot_tells_its_admins_about_a_new_model(kb, base_config, db_path, clock):
    config = base_config.model_copy(update={"kb": base_config.kb.model_copy(update={"dir": kb})})
    running = await start_bot(config, handlers.make_services(config), db_path, clock)
    try:
        add_line(kb, LABELLED)
        await running.app.tick()
        running.app.services["knowledge"].wait_for_training()
        await running.app.tick()
        [notice] = to_person(running.gw.sent, ADMIN)
        assert "识别模型已按新的语料重新训练" in notice.text
    finally:
        await running.app.stop()

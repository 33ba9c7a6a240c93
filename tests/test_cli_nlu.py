"""The understanding commands: nlu train, explain, and labelling what the bot was unsure of."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.store import Store
from handlers.nlu.corpus import CORPUS_DIR, read_corpus
from tests.conftest import EXAMPLE_CONFIG, PROJECT

VAGUE = "我家那个电闸好奇怪，我电话13812345678"


def invoke(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def station(tmp_path: Path) -> Path:
    """A config whose kb/ is a copy (labels land there) and whose database is in tmp."""
    shutil.copytree(PROJECT / "kb", tmp_path / "kb")
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = text.replace('path = "var/powerbot.db"', f'path = "{tmp_path / "bot.db"}"')
    text = text.replace('dir = "kb"', f'dir = "{tmp_path / "kb"}"')
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    return config


def test_explain_shows_both_readers_and_the_decision() -> None:
    out = invoke("explain", "5栋电没了", "--group", "幸福花园业主用电群")
    for part in ("规则 rules:", "模型 intent:", "fault_report", "判断 why:", '"building": "5"'):
        assert part in out


def test_train_writes_a_model_for_the_kb(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(PROJECT / "kb", kb, ignore=shutil.ignore_patterns("model", "written-t[2-6]*"))
    out = invoke("nlu", "train", "--kb", str(kb))
    assert "trained on 550 corpus messages" in out and (kb / "model" / "reader.npz").exists()
    checked = invoke("kb", "check", str(kb))
    assert "0 problem(s)" in checked and "nlu train" not in checked


def test_train_refuses_a_broken_corpus_naming_the_line(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(PROJECT / "kb", kb, ignore=shutil.ignore_patterns("model", "written-*"))
    (kb / CORPUS_DIR / "station.jsonl").write_text("{oops\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["nlu", "train", "--kb", str(kb)])
    assert result.exit_code == 1 and "station.jsonl:1: not JSON" in result.output


def test_an_unsure_message_is_listed_then_labelled_into_the_corpus(station: Path) -> None:
    script = station.parent / "chat.txt"
    script.write_text(f"/group 幸福花园业主用电群\n/as r1 张阿姨\n{VAGUE}\n", encoding="utf-8")
    db = str(station.parent / "bot.db")
    invoke("chat", "--config", str(station), "--script", str(script), "--json", "--db", db)
    listed = invoke("unsure", "--config", str(station))
    assert "#1" in listed and VAGUE in listed and "asked whether to report" in listed

    out = invoke(
        "unsure", "label", "1", "fault_report", "--fault-type", "trip", "--config", str(station)
    )
    assert "已加入语料" in out
    kb = station.parent / "kb"
    [added] = [e for e in read_corpus(kb)[0] if e.source == "station"]
    assert (added.intent, added.fault_type, added.group) == (
        "fault_report",
        "trip",
        "幸福花园业主用电群",
    )
    assert "13812345678" not in added.text and "138****5678" in added.text
    assert "没有待标注" in invoke("unsure", "--config", str(station))


def test_a_label_that_breaks_the_contract_is_refused(station: Path) -> None:
    store = Store.open(station.parent / "bot.db")
    from datetime import UTC, datetime

    from bot.messages import Conversation, Incoming, Person

    msg = Incoming(
        id="m1",
        conversation=Conversation.group("g1", "幸福花园业主用电群"),
        sender=Person(id="r1", name="张阿姨"),
        text="电费点交",
        time=datetime(2026, 11, 26, tzinfo=UTC),
    )
    store.record_unsure(msg, {"intent": "other"}, "test")
    store.close()
    args = ["unsure", "label", "1", "faq", "--faq-id", "pay-bitcoin", "--config", str(station)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "pay-bitcoin" in result.output
    assert not (station.parent / "kb" / CORPUS_DIR / "station.jsonl").exists()
    out = invoke("unsure", "label", "1", "faq", "--faq-id", "pay-methods", "--config", str(station))
    assert "pay-methods" in out
    line = (station.parent / "kb" / CORPUS_DIR / "station.jsonl").read_text(encoding="utf-8")
    assert json.loads(line)["expect"]["faq_id"] == "pay-methods"

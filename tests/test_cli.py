"""The command line: a scripted chat checked line by line, and `parse`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import cli
from tests.conftest import EXAMPLE_CONFIG

SCRIPT = """\
# a resident reports, the worker takes it, the resident asks, the worker finishes
/group 幸福花园业主用电群
/as r1 张阿姨
3栋2单元501停电了
/as wxid_li 李明
/dm
接单 1
/as r1 张阿姨
/group 幸福花园业主用电群
我报的修到哪了
/wait 30m
/as wxid_li 李明
/dm
完成 1 换了进户保险
"""


def run_script(tmp_path, script: str) -> list[dict]:
    path = tmp_path / "script.txt"
    path.write_text(script, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "chat",
            "--config",
            str(EXAMPLE_CONFIG),
            "--script",
            str(path),
            "--json",
            "--db",
            str(tmp_path / "chat.db"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_chat_script_runs_the_loop(tmp_path):
    lines = run_script(tmp_path, SCRIPT)

    group, li = {"group": "幸福花园业主用电群"}, {"person": "wxid_li"}
    expected = [
        (li, [], "【新工单 #1】"),
        (group, ["r1"], "已收到您的报修，工单号 1"),
        (group, ["r1"], "李明师傅已接单"),
        (li, [], "已接单 #1"),
        (group, ["r1"], "您的报修进度"),
        (group, ["r1"], "已处理完毕：换了进户保险"),
        (li, [], "工单 #1 已完成"),
    ]
    assert len(lines) == len(expected), lines
    for line, (to, mentions, words) in zip(lines, expected, strict=True):
        assert line["to"] == to and line["mentions"] == mentions, line
        assert words in line["text"], line


def test_second_script_run_continues_on_the_same_database(tmp_path):
    run_script(tmp_path, "/group 幸福花园业主用电群\n/as r1 张阿姨\n3栋2单元501停电了\n")
    lines = run_script(tmp_path, "/as r1 张阿姨\n/dm\n我报的修到哪了\n")

    assert lines[0]["to"] == {"person": "r1"} and "工单 1" in lines[0]["text"]


def test_parse_writes_one_json_line_per_message():
    rows = [
        {"id": "a", "group": "幸福花园业主用电群", "text": "3栋2单元501停电了"},
        {"id": "b", "group": None, "text": "今晚吃什么"},
    ]
    stdin = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\nnot json\n"
    result = CliRunner().invoke(cli, ["parse", "--config", str(EXAMPLE_CONFIG)], input=stdin)

    assert result.exit_code == 0
    out = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert out["a"]["intent"] == "fault_report"
    assert out["a"]["address"] == {
        "community": "幸福花园",
        "building": "3",
        "unit": "2",
        "room": "501",
    }
    assert out["b"]["intent"] == "other" and out["b"]["address"] is None
    assert "<input>:3" in result.stderr


def test_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    for command in ("chat", "parse", "run", "migrate"):
        assert command in result.output


def test_a_wait_too_long_for_the_clock_is_refused_not_fatal(tmp_path):
    lines = run_script(
        tmp_path, "/wait 99999999999d\n/as r1 张阿姨\n/group 幸福花园业主用电群\n3栋停电了\n"
    )
    assert "工单号 1" in next(line["text"] for line in lines if "group" in line["to"])


def test_chat_does_not_run_beside_the_stations_running_bot(tmp_path):
    import asyncio

    from bot.lead import Lead

    running = Lead.of(tmp_path / "chat.db", "baihua")
    asyncio.run(running.take(wait=False))
    try:
        path = tmp_path / "script.txt"
        path.write_text("/group 幸福花园业主用电群\n3栋停电了\n", encoding="utf-8")
        args = ["chat", "--config", str(EXAMPLE_CONFIG), "--script", str(path)]
        result = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "chat.db")])
        assert result.exit_code == 2 and "--db" in result.output
    finally:
        running.release()

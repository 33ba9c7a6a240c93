"""The `powerbot` command: run the bot, chat with it locally, and inspect what it understands.

powerbot chat --config config.example.toml
powerbot parse --config config.toml < messages.jsonl
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import TextIO

import click

from bot.config import Config, ConfigError, load_config
from bot.gateways.base import Gateway, GatewayError

DEFAULT_CONFIG = "config.example.toml"


def _load(path: str) -> Config:
    """The config, or exit status 2 with the file, the key and the reason."""
    try:
        return load_config(path)
    except ConfigError as e:
        click.echo(f"配置错误 / config error: {e}", err=True)
        sys.exit(2)


def _logging(level: str, stream: TextIO | None = None) -> None:
    logging.basicConfig(
        level=level,
        stream=stream or sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )


def _services(config: Config) -> dict:
    import handlers

    try:
        return handlers.make_services(config)
    except Exception as e:  # a broken kb/ at start: say which file and line
        problems = getattr(e, "problems", None) or [str(e)]
        click.echo("知识库错误 / kb error:\n" + "\n".join(problems), err=True)
        sys.exit(2)


@click.group()
@click.version_option(package_name="powerbot")
def cli() -> None:
    """powerbot: the WeChat group bot of a power supply station."""


config_option = click.option(
    "--config",
    "config_path",
    default=DEFAULT_CONFIG,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="the bot's TOML config file",
)


@cli.command()
@config_option
@click.option("--script", type=click.File("r", encoding="utf-8"), help="read lines from a file")
@click.option("--json", "as_json", is_flag=True, help="print each sent message as a JSON line")
@click.option("--db", help="SQLite file or postgresql:// URL (default: [storage])")
@click.option("--verbose", is_flag=True, help="log every event to stderr")
@click.option("--no-api", is_flag=True, help="do not serve the admin HTTP API")
def chat(
    config_path: str,
    script: TextIO | None,
    as_json: bool,
    db: str | None,
    verbose: bool,
    no_api: bool,
) -> None:
    """A local chat: play residents, workers and admins, see all the bot sends.

    Example: powerbot chat --config config.example.toml --script demo.txt --json
    """
    config = _load(config_path)
    _logging(config.bot.log_level if verbose else "WARNING")
    services = _services(config)
    asyncio.run(_chat(config, services, script, as_json, db, api=not no_api and script is None))


async def _chat(
    config: Config,
    services: dict,
    script: TextIO | None,
    as_json: bool,
    db: str | None,
    api: bool = False,
) -> None:
    from bot.app import App
    from bot.clock import OffsetClock
    from bot.gateways.console import ConsoleGateway
    from bot.lead import Lead, LeadTaken
    from bot.sql import StoreError

    # The chat serves the station as a bot would: not beside the station's running bot.
    lead = Lead.of(db or config.storage.target(), config.station.id)
    try:
        await lead.take(wait=False)
    except LeadTaken:
        click.echo(
            f"station {config.station.id!r} is served by a running bot ({lead.describe()}): "
            "the chat would answer its messages too. Stop it, or chat on another store "
            "with --db var/chat.db",
            err=True,
        )
        sys.exit(2)
    except StoreError as e:
        click.echo(f"数据库错误 / store error: {e}", err=True)
        sys.exit(2)
    clock = OffsetClock()
    first_group = config.groups[0].topic if config.groups else None
    gateway = ConsoleGateway(clock, bot_name=config.bot.name, group=first_group, as_json=as_json)
    app = App(config, gateway, clock, services=services, db_path=db)
    gateway.on_wait = app.tick
    try:
        await app.start(background=script is None)
        runner = await _api(app, config, api)
        try:
            if script is not None:
                await gateway.run_lines(script)
            else:
                await gateway.run_interactive()
        finally:
            if runner is not None:
                await runner.cleanup()
            await app.stop()
    finally:
        lead.release()


@cli.command()
@config_option
@click.option(
    "--input",
    "source",
    type=click.File("r", encoding="utf-8"),
    default="-",
    help="JSON lines to read (default: stdin)",
)
def parse(config_path: str, source: TextIO) -> None:
    """Understand messages: JSON lines {"id", "group", "text"} in, one result a line out.

    Example: powerbot parse --config station.toml < dev.jsonl > out.jsonl
    """
    config = _load(config_path)
    _logging("WARNING")
    understander = _services(config)["understander"]
    for n, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, group = str(row.get("text") or ""), row.get("group")
        except (json.JSONDecodeError, AttributeError) as e:
            click.echo(f"<input>:{n}: not a JSON object: {e}", err=True)
            continue
        result = understander.understand(text, group)
        out = {"id": row.get("id"), **result.model_dump(mode="json")}
        click.echo(json.dumps(out, ensure_ascii=False))


def _open_store(config: Config):  # noqa: ANN202 - Store
    """The config's store for its station, or exit status 2 saying why not."""
    from bot.sql import StoreError
    from bot.store import Store

    try:
        return Store.open(config.storage.target(), config.station.id)
    except StoreError as e:
        click.echo(f"数据库错误 / store error: {e}", err=True)
        sys.exit(2)


@cli.command()
@config_option
def migrate(config_path: str) -> None:
    """Create or upgrade the store named in the config (the same as `powerbot db migrate`).

    Example: powerbot migrate --config config.toml
    """
    store = _open_store(_load(config_path))
    click.echo(f"database ready: {store.where}")
    store.close()


@cli.group()
def db() -> None:
    """The store: migrate it, or copy a station to another (SQLite → the county's PostgreSQL)."""


@db.command("migrate")
@config_option
@click.option(
    "--database-url", help="a store other than the config's (postgresql://…, sqlite:///…)"
)
def db_migrate(config_path: str, database_url: str | None) -> None:
    """Create or upgrade the store: the config's [storage] (or POWERBOT_DATABASE_URL).

    Example: POWERBOT_DATABASE_URL=postgresql://powerbot@db/county powerbot db migrate
    """
    from bot.sql import StoreError
    from bot.store import open_sql, where

    target = database_url or _load(config_path).storage.target()
    try:
        open_sql(target).close()
    except StoreError as e:
        click.echo(f"数据库错误 / store error: {e}", err=True)
        sys.exit(2)
    click.echo(f"database ready: {where(target)}")


@db.command("copy")
@click.option("--from", "source", required=True, help="sqlite:///var/powerbot.db or postgresql://…")
@click.option("--to", "dest", required=True, help="postgresql://… or sqlite:///…")
@click.option(
    "--station",
    help="from a county store: only this station's rows; from a SQLite file: the id its rows take",
)
def db_copy(source: str, dest: str, station: str | None) -> None:
    """Copy a station's whole store, in one transaction; stop its bot first.

    Example: powerbot db copy --from sqlite:///var/powerbot.db --to postgresql://powerbot@db/county
    """
    from bot.dbcopy import copy_store
    from bot.sql import StoreError

    try:
        copied = copy_store(source, dest, station)
    except StoreError as e:
        click.echo(f"数据库错误 / store error: {e}", err=True)
        sys.exit(2)
    click.echo("copied:\n" + "\n".join(copied.lines()))


@cli.group()
def outage() -> None:
    """Outage notices: made here are announced by the running bot (or at its next start)."""


def _outage_store(config_path: str):  # noqa: ANN202 - (Config, Store)

    config = _load(config_path)
    return config, _open_store(config)


def _iso(value: str, config: Config):  # noqa: ANN202 - datetime
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        click.echo(
            f"不是 ISO 8601 时间 / not an ISO 8601 time: {value!r} (2026-11-28T08:00)", err=True
        )
        sys.exit(2)
    return when if when.tzinfo else when.replace(tzinfo=ZoneInfo(config.bot.timezone))


@outage.command("add")
@config_option
@click.option("--community", "communities", multiple=True, required=True, help="repeatable")
@click.option("--places", default="", help="part of it: 1-5栋, 3组")
@click.option("--start", required=True, help="ISO 8601, e.g. 2026-11-28T08:00 (local time)")
@click.option("--end", required=True, help="ISO 8601, e.g. 2026-11-28T12:00")
@click.option("--reason", required=True)
@click.option("--contact", default="")
@click.option("--yes", is_flag=True, help="post even with a warning (less than 7 days ahead)")
def outage_add(config_path, communities, places, start, end, reason, contact, yes) -> None:  # noqa: ANN001
    """Announce a planned outage to the groups of its communities.

    Example: powerbot outage add --config config.toml --community 幸福花园 --places 1-5栋
    --start 2026-11-28T08:00 --end 2026-11-28T12:00 --reason 线路检修
    """
    from datetime import UTC, datetime

    from handlers.outages import Plan, check, make, notice

    config, store = _outage_store(config_path)
    plan = Plan(
        "planned",
        list(communities),
        places,
        _iso(start, config),
        _iso(end, config),
        reason,
        contact,
    )
    now = datetime.now(UTC)
    problems, warnings = check(plan, now, config)
    for line in problems + warnings:
        click.echo(line.strip(), err=True)
    if problems or (warnings and not yes):
        if warnings and not problems:
            click.echo("加 --yes 仍然发布 / add --yes to post anyway", err=True)
        store.close()
        sys.exit(2)
    with store.atomic():
        made = make(plan, store, now, "cli", config)
    store.close()
    click.echo(f"#{made.id} {notice(made, config, now)}")


@outage.command("list")
@config_option
def outage_list(config_path: str) -> None:
    """The outages announced and not over."""
    from handlers.outages import WHAT, _when, where

    config, store = _outage_store(config_path)
    for o in store.outages():
        when = _when(o.start_at, o.end_at, config)
        click.echo(f"#{o.id} {WHAT[o.kind]} {where(o)} {when} {o.reason} (answered {o.asked})")
    store.close()


def _change_outage(config_path: str, number: int, state: str) -> None:
    from datetime import UTC, datetime

    from handlers.outages import cancel, restore

    config, store = _outage_store(config_path)
    found = store.outage(number)
    if found is None or found.state != "scheduled":
        click.echo(f"没有找到停电 #{number}（或已经取消、恢复）/ no such outage", err=True)
        store.close()
        sys.exit(2)
    now = datetime.now(UTC)
    if state == "restored" and found.start_at > now:
        click.echo(f"停电 #{number} 还没开始，要取消请用 outage cancel / not started yet", err=True)
        store.close()
        sys.exit(2)
    with store.atomic():
        (cancel if state == "cancelled" else restore)(found, store, now)
        store.add_timer("outage", found.id, now, {"do": state})  # the bot tells the groups
    store.close()
    click.echo(f"#{number} {state}")


@outage.command("cancel")
@config_option
@click.argument("number", type=int)
def outage_cancel(config_path: str, number: int) -> None:
    """Cancel outage N; the groups are told."""
    _change_outage(config_path, number, "cancelled")


@outage.command("restore")
@config_option
@click.argument("number", type=int)
def outage_restore(config_path: str, number: int) -> None:
    """Power is back for outage N; the groups are told."""
    _change_outage(config_path, number, "restored")


@cli.group()
def kb() -> None:
    """The FAQ knowledge base in kb/."""


@kb.command("check")
@click.argument("kb_dir", required=False, type=click.Path(file_okay=False))
def kb_check(kb_dir: str | None) -> None:
    """Check every kb/ file (entries, word lists, corpus, model); print `file:line: what is
    wrong`; exit 1 on problems.

    Example: powerbot kb check kb/
    """
    from bot.config import DEFAULT_KB_DIR
    from handlers.nlu.live import check_all

    problems, warnings = check_all(Path(kb_dir) if kb_dir else DEFAULT_KB_DIR)
    for line in problems:
        click.echo(line)
    for line in warnings:
        where, _, what = line.partition(": ")
        click.echo(f"{where}: warning: {what}")
    click.echo(f"{len(problems)} problem(s), {len(warnings)} warning(s)", err=True)
    sys.exit(1 if problems else 0)


def _first_and_all(markdown: str, hotline: str) -> str:
    from handlers.nlu.answers import full_answer, short_answer

    first = short_answer(markdown, hotline)
    if not first.more:
        return first.text
    return f"{first.text}\n\n（回复「详细」后）\n{full_answer(markdown, hotline).text}"


@cli.command()
@click.argument("question")
@click.option("--kb", "kb_dir", type=click.Path(file_okay=False), help="default: the project's kb/")
def ask(question: str, kb_dir: str | None) -> None:
    """Show which kb/ entry answers a question, its score and the runners-up.

    Example: powerbot ask "老人不会用手机怎么交电费"
    """
    from bot.config import DEFAULT_KB_DIR, Station
    from handlers.nlu.faq import FaqMatcher, format_explanation
    from handlers.nlu.kb import KBError, load_kb

    try:
        knowledge = load_kb(Path(kb_dir) if kb_dir else DEFAULT_KB_DIR)
    except KBError as e:
        click.echo("知识库错误 / kb error:\n" + "\n".join(e.problems), err=True)
        sys.exit(2)
    explanation = FaqMatcher(knowledge).explain(question)
    hotline = Station().hotline
    click.echo(format_explanation(explanation, knowledge, lambda md: _first_and_all(md, hotline)))


@cli.command()
@config_option
@click.option("--no-api", is_flag=True, help="do not serve the admin HTTP API")
@click.option(
    "--standby",
    is_flag=True,
    help="wait while another process serves this station; take over when it stops",
)
def run(config_path: str, no_api: bool, standby: bool) -> None:
    """Serve real WeChat groups through a Wechaty puppet service.

    Example: WECHATY_PUPPET_SERVICE_TOKEN=... powerbot run --config config.toml

    One process serves a station (its lead lock); a second with --standby waits and
    takes over within seconds of the first one's death. Runs until SIGINT or SIGTERM.
    Exit status 2: a bad config, a missing or refused token, a puppet service that
    cannot be reached at start, a store that cannot be opened, or (without --standby)
    another process already serving the station. Exit status 3: the lead lock was lost.
    """
    from bot.gateways.wechaty import WechatyGateway  # imports the wechaty packages: only here
    from bot.sql import StoreError

    config = _load(config_path)
    _logging(config.bot.log_level)
    try:
        gateway = WechatyGateway.from_config(config)
        kept = asyncio.run(
            _run(config, _services(config), gateway, api=not no_api, standby=standby)
        )
    except GatewayError as e:
        click.echo(f"网关错误 / gateway error: {e}", err=True)
        sys.exit(2)
    except StoreError as e:
        click.echo(f"数据库错误 / store error: {e}", err=True)
        sys.exit(2)
    if not kept:
        sys.exit(3)


async def _run(
    config: Config, services: dict, gateway: Gateway, api: bool = True, standby: bool = False
) -> bool:
    """Serve until asked to stop (True) or until the lead lock is lost (False)."""
    import signal

    from bot.app import App
    from bot.lead import Lead

    lead = Lead.of(config.storage.target(), config.station.id)
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stopping.set)
    taking = asyncio.create_task(lead.take(wait=standby))
    asked = asyncio.create_task(stopping.wait())
    await asyncio.wait([taking, asked], return_when=asyncio.FIRST_COMPLETED)
    if not taking.done():  # stopped while standing by
        taking.cancel()
        lead.release()
        return True
    asked.cancel()
    taking.result()  # LeadTaken (a StoreError) when another serves the station
    app = App(config, gateway, services=services)
    runner = None
    try:
        await app.start()
        runner = await _api(app, config, api)
        watching = asyncio.create_task(lead.watch(healthy=lambda: app.failure is None))
        asked = asyncio.create_task(stopping.wait())
        await asyncio.wait([watching, asked], return_when=asyncio.FIRST_COMPLETED)
        lost = watching.done()
        for task in (watching, asked):
            task.cancel()
        return not lost
    finally:
        if runner is not None:
            await runner.cleanup()
        await app.stop()
        lead.release()


async def _api(app, config: Config, wanted: bool):  # noqa: ANN001, ANN202 - App, AppRunner | None
    """The admin API beside the bot, unless switched off; a port in use is said, not fatal."""
    if not wanted or not config.api.enabled:
        return None
    from bot.api import start_api

    try:
        return await start_api(app, config.api.port)
    except OSError as e:
        logging.getLogger("bot.api").error(
            "admin API not started on port %s: %s", config.api.port, e
        )
        return None


def _register_nlu_commands() -> None:
    from handlers.nlu.cli import explain, nlu, unsure

    for command in (nlu, explain, unsure):
        cli.add_command(command)


_register_nlu_commands()

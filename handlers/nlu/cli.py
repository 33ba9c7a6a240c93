"""The commands about understanding: train the reader, explain a reading, label what
the bot was unsure of. Registered on the `powerbot` group by bot/cli.py.

powerbot nlu train [--kb kb/]
powerbot explain "5栋电没了" --group 幸福花园业主用电群
powerbot unsure --config config.toml
powerbot unsure label 12 fault_report --fault-type area_outage --config config.toml
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from handlers.nlu.models import FaultType, Intent

INTENTS = [i.value for i in Intent]
FAULTS = [f.value for f in FaultType]


def _config(path: str):  # noqa: ANN202 - bot.config.Config, imported lazily
    from bot.cli import _load

    return _load(path)


config_option = click.option(
    "--config",
    "config_path",
    default="config.example.toml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="the bot's TOML config file",
)


@click.group()
def nlu() -> None:
    """The learned reader: train it from kb/corpus and the kb/ questions."""


@nlu.command("train")
@click.option("--kb", "kb_dir", type=click.Path(file_okay=False), help="default: the project's kb/")
def train_command(kb_dir: str | None) -> None:
    """Train the reader from kb/ and write kb/model/reader.npz (needs the train extra).

    Example: powerbot nlu train --kb kb/
    """
    from bot.config import DEFAULT_KB_DIR
    from handlers.nlu.kb import KBError
    from handlers.nlu.reader import MODEL_FILE
    from handlers.nlu.train import TrainingError, train
    from handlers.nlu.words import WordsError

    folder = Path(kb_dir) if kb_dir else DEFAULT_KB_DIR
    started = time.perf_counter()
    try:
        model = train(folder)
    except ImportError as e:
        click.echo(f"训练需要 scikit-learn：pip install 'powerbot[train]' ({e})", err=True)
        sys.exit(2)
    except (TrainingError, KBError, WordsError) as e:
        click.echo(f"无法训练 / cannot train:\n{e}", err=True)
        sys.exit(1)
    except ValueError as e:  # scikit-learn: e.g. a head with only one label in the corpus
        click.echo(f"无法训练 / cannot train: {e}", err=True)
        sys.exit(1)
    m = model.meta
    click.echo(
        f"trained on {m['examples']} corpus messages and {m['kb_questions']} kb/ questions, "
        f"{len(model.vocabulary)} features, in {time.perf_counter() - started:.1f} s\n"
        f"wrote {folder / MODEL_FILE} (inputs {m['inputs_hash']})"
    )


@click.command()
@click.argument("text")
@click.option("--group", "topic", help="the group's topic (default: a private chat)")
@config_option
def explain(text: str, topic: str | None, config_path: str) -> None:
    """Show how a message is read: the rules, the model's probabilities, the FAQ, and
    why the final reading won.

    Example: powerbot explain "5栋电没了" --group 幸福花园业主用电群
    """
    from bot.cli import _services

    config = _config(config_path)
    understander = _services(config)["understander"]
    u, e, v = understander.explain(text, topic)
    r = e.reading
    lines = [
        f"消息 text:        {text}",
        f"规范化 normalized: {e.clean}",
        f"规则 rules:       {r.intent}"
        + (f" / {r.fault_type}" if r.fault_type else "")
        + (" / urgent" if r.urgent else ""),
    ]
    if e.probs is None:
        why = "no model loaded" if understander.model is None else "a hazard: the rules decide"
        lines.append(f"模型 model:       ({why})")
    else:
        for head in ("intent", "fault_type", "faq_id"):
            probs = getattr(e.probs, head)
            top = sorted(probs.items(), key=lambda kv: -kv[1])[:3]
            lines.append(f"模型 {head + ':':<12} " + ", ".join(f"{k} {p:.2f}" for k, p in top))
        lines.append(f"模型 urgent:       {e.probs.urgent:.2f}")
    hit = e.faq
    faq = hit.id or ("out of scope" if hit.out_of_scope else "no answer")
    lines.append(f"问答 FAQ matcher:  {faq}" + (f" {hit.score}" if hit.score else ""))
    lines.append("判断 why:         " + "; ".join(v.why))
    lines.append("结果 result:      " + json.dumps(u.model_dump(mode="json"), ensure_ascii=False))
    click.echo("\n".join(lines))


@click.group(invoke_without_command=True)
@config_option
@click.option("--limit", default=30, show_default=True)
@click.option("--all", "include_labelled", is_flag=True, help="labelled ones too")
@click.pass_context
def unsure(ctx: click.Context, config_path: str, limit: int, include_labelled: bool) -> None:
    """List the messages the readers disagreed on, newest first, to label.

    Example: powerbot unsure --config config.toml
    """
    if ctx.invoked_subcommand is not None:
        return
    from bot.store import Store

    config = _config(config_path)
    store = Store.open(config.storage.target(), config.station.id)
    try:
        rows = store.unsure_messages(limit, labelled=include_labelled)
    finally:
        store.close()
    if not rows:
        click.echo("没有待标注的消息 / nothing to label")
        return
    for row in rows:
        g = row.guess
        guess = g["intent"] + (f"/{g['fault_type']}" if g.get("fault_type") else "")
        guess += f"/{g['faq_id']}" if g.get("faq_id") else ""
        done = " (已标注)" if row.labelled_at else ""
        click.echo(f"#{row.id} {row.at:%m-%d %H:%M} {row.group_topic or '私聊'}{done}")
        click.echo(f"    {row.text[:200]}")
        click.echo(f"    读作 guessed: {guess}   原因 why: {row.reason}")
    click.echo("\n标注：powerbot unsure label ID INTENT [--fault-type T] [--urgent] [--faq-id ID]")


@unsure.command("label")
@config_option
@click.argument("unsure_id", type=int)
@click.argument("intent", type=click.Choice(INTENTS))
@click.option("--fault-type", type=click.Choice(FAULTS), help="for fault_report")
@click.option("--urgent", is_flag=True, help="a hazard, or a life depends on power")
@click.option("--faq-id", help="for faq: the kb/ entry that answers it")
def label(
    config_path: str,
    unsure_id: int,
    intent: str,
    fault_type: str | None,
    urgent: bool,
    faq_id: str | None,
) -> None:
    """Add one message, with the right reading, to kb/corpus/station.jsonl. The running
    bot retrains on it in the background.

    Example: powerbot unsure label 12 fault_report --fault-type area_outage
    """
    from bot.privacy import mask_phones
    from bot.store import Store
    from handlers.nlu.corpus import append_example, check_row
    from handlers.nlu.kb import load_kb

    config = _config(config_path)
    store = Store.open(config.storage.target(), config.station.id)
    try:
        row = store.unsure_message(unsure_id)
        if row is None:
            raise click.UsageError(f"no unsure message #{unsure_id} (see `powerbot unsure`)")
        urgent = urgent or fault_type == FaultType.hazard
        address = row.guess.get("address_in_text") if intent == Intent.fault_report else None
        example = {
            "id": f"station-{unsure_id}-{row.message_id}"[:80],
            "group": row.group_topic,
            "text": mask_phones(row.text),
            "expect": {
                "intent": intent,
                "fault_type": fault_type,
                "urgent": urgent,
                "address": address,
                "faq_id": faq_id,
            },
        }
        problem = check_row(example, set(load_kb(config.kb.dir).entries))
        if problem:
            raise click.UsageError(problem)
        path = append_example(config.kb.dir, example)
        store.mark_labelled(unsure_id, datetime.now(UTC))
    finally:
        store.close()
    click.echo(f"已加入语料 / added to {path}: {intent} {fault_type or faq_id or ''}".rstrip())

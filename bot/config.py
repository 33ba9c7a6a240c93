"""The bot's configuration: a TOML file read into pydantic models.

`load_config(path)` returns a `Config` or raises `ConfigError` whose message names
the file, the key and the reason. Secrets never live here: they come from the
environment (see `bot.app`).
"""

from __future__ import annotations

import os
import re
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_KB_DIR = PROJECT_DIR / "kb"


class ConfigError(Exception):
    """A config file that cannot be used; str() is the message for the operator."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CommunityKind(StrEnum):
    estate = "estate"
    village = "village"


class Station(Strict):
    """The station this bot account serves. `id` names its rows in a shared (county)
    store: short, ASCII, and never changed once it holds data there."""

    id: str = "main"
    name: str = "供电所"
    hotline: str = "95598"

    @field_validator("id")
    @classmethod
    def _an_id(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,31}", value):
            raise ValueError(
                f"{value!r} is not a station id: 1-32 of a-z, 0-9, _ and -, e.g. baihua"
            )
        if value == "county":
            raise ValueError("'county' names the county's scope; give the station its own id")
        return value


class Team(Strict):
    id: str
    name: str


class Community(Strict):
    name: str
    aliases: list[str] = Field(default_factory=list)
    kind: CommunityKind = CommunityKind.estate
    team: str | None = None
    remote: bool = False  # far from the station: the longer arrival promise
    # this community's own promises, when they differ from its kind's ([service])
    arrival_minutes: PositiveInt | None = None
    restore_hours: PositiveInt | None = None
    households: PositiveInt | None = None  # for complaints per 1,000 households


class Group(Strict):
    topic: str
    community: str | None = None
    # A group of several communities (a joint village group): the ones it covers, so a
    # report there that names none goes to their team and is asked which one.
    communities: list[str] = Field(default_factory=list)


class Worker(Strict):
    id: str = Field(description="the WeChat contact id")
    name: str
    team: str
    leader: bool = False


class Admin(Strict):
    id: str
    name: str
    county: bool = False  # also sees every station of a shared store (统计)


class BotSection(Strict):
    name: str = "供电小助手"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    timezone: str = "Asia/Shanghai"
    rate_limit_per_minute: int = Field(default=20, ge=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
        return value


DATABASE_URL_ENV = "POWERBOT_DATABASE_URL"


class Storage(Strict):
    """One SQLite file (`path`, the default), or a shared PostgreSQL database (`url`, or
    the POWERBOT_DATABASE_URL environment variable, which wins). A password never goes
    in the file: put it in the environment (PGPASSWORD, or the variable's URL)."""

    path: Path = Path("var/powerbot.db")
    url: str | None = None

    @field_validator("path")
    @classmethod
    def _a_file(cls, value: Path) -> Path:
        if str(value) in ("", "."):
            raise ValueError("must name a file, e.g. var/powerbot.db")
        return value

    @field_validator("url")
    @classmethod
    def _a_database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"{value!r}: write postgresql://user@host:port/database")
        from urllib.parse import urlsplit

        if urlsplit(value).password is not None:
            raise ValueError(
                "holds a password: secrets never go in the file; put it in PGPASSWORD "
                f"or in {DATABASE_URL_ENV}"
            )
        return value

    def target(self) -> str | Path:
        """Where the store is: the environment's URL, the file's URL, or the SQLite file."""
        return os.environ.get(DATABASE_URL_ENV) or self.url or self.path


class KB(Strict):
    dir: Path = DEFAULT_KB_DIR


class Service(Strict):
    """The commitments (defaults from the 95598 service commitment) and the clocks."""

    arrival_minutes: dict[CommunityKind, PositiveInt] = Field(
        default_factory=lambda: {CommunityKind.estate: 45, CommunityKind.village: 90}
    )
    remote_arrival_minutes: PositiveInt = 120
    restore_hours: dict[CommunityKind, PositiveInt] = Field(
        default_factory=lambda: {CommunityKind.estate: 4, CommunityKind.village: 5}
    )
    address_wait_minutes: int = Field(default=10, ge=1)
    accept_minutes: PositiveInt = 10  # not accepted by then: the next worker and the leader
    warn_share: float = Field(default=0.8, gt=0, lt=1)  # of a promise: warn worker and leader
    extension_minutes: PositiveInt = 30  # a missed promise: the new expected time
    incident_window_minutes: PositiveInt = 60  # reports of one outage within this join
    ack_every_seconds: PositiveInt = 60  # at most one batched acknowledgement per group
    reopen_hours: PositiveInt = 48  # 还是没电 after 完成 reopens the ticket within this
    followup_close_hours: PositiveInt = 24  # no answer to "恢复了吗" by then: closed
    outage_reminder_hour: int = Field(default=18, ge=0, le=23)  # the day-before reminder
    outage_notice_days: PositiveInt = 7  # planned work is announced this many days ahead
    daily_summary_hour: int = Field(default=8, ge=0, le=23)  # 日报 to the admins, local hour

    def arrival_for(self, community: Community | None) -> int:
        """The arrival promise, in minutes: the community's own, a remote one's, its
        kind's; with no community known, the longest."""
        if community is not None and community.arrival_minutes is not None:
            return community.arrival_minutes
        if community is not None and community.remote:
            return self.remote_arrival_minutes
        if community is None:
            return max(self.arrival_minutes.values(), default=90)
        return self.arrival_minutes.get(community.kind, 90)

    def restore_for(self, community: Community | None) -> int:
        """The restoration target, in minutes."""
        if community is not None and community.restore_hours is not None:
            return 60 * community.restore_hours
        if community is None:
            return 60 * max(self.restore_hours.values(), default=5)
        return 60 * self.restore_hours.get(community.kind, 5)


class Gateway(Strict):
    endpoint: str | None = Field(default=None, description="host:port of a Wechaty puppet service")
    # WeChat blocks accounts that send too fast: the outbox keeps under these.
    send_per_minute: PositiveInt = 60
    send_per_group_per_minute: PositiveInt = 20


class Api(Strict):
    """The admin HTTP API on 127.0.0.1 (its token only from POWERBOT_ADMIN_TOKEN)."""

    port: int = Field(default=8765, ge=0, le=65535)
    enabled: bool = True


class Config(Strict):
    station: Station = Field(default_factory=Station)
    teams: list[Team] = Field(default_factory=list)
    communities: list[Community] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    workers: list[Worker] = Field(default_factory=list)
    admins: list[Admin] = Field(default_factory=list)
    bot: BotSection = Field(default_factory=BotSection)
    storage: Storage = Field(default_factory=Storage)
    kb: KB = Field(default_factory=KB)
    service: Service = Field(default_factory=Service)
    gateway: Gateway = Field(default_factory=Gateway)
    api: Api = Field(default_factory=Api)

    @model_validator(mode="after")
    def _references_resolve(self) -> Config:
        teams = {t.id for t in self.teams}
        names = {c.name for c in self.communities}
        _unique("teams", [t.id for t in self.teams])
        _unique("communities", [c.name for c in self.communities])
        _unique("groups", [g.topic for g in self.groups])
        _unique("workers", [w.id for w in self.workers])
        _unique("admins", [a.id for a in self.admins])
        for i, c in enumerate(self.communities):
            if c.team is not None and c.team not in teams:
                raise ValueError(f"communities[{i}].team: no team with id {c.team!r}")
        for i, g in enumerate(self.groups):
            if g.community is not None and g.community not in names:
                raise ValueError(f"groups[{i}].community: no community named {g.community!r}")
        for i, w in enumerate(self.workers):
            if w.team not in teams:
                raise ValueError(f"workers[{i}].team: no team with id {w.team!r}")
        for i, a in enumerate(self.admins):
            if any(w.id == a.id for w in self.workers):
                raise ValueError(f"admins[{i}].id: {a.id!r} is also a worker; give one role each")
        return self

    # Look-ups used across the bot.
    def community(self, name: str | None) -> Community | None:
        return next((c for c in self.communities if c.name == name), None)

    def group(self, topic: str | None) -> Group | None:
        return next((g for g in self.groups if g.topic == topic), None)

    def village_team(self) -> str | None:
        """The team that serves the most villages (the rural team)."""
        teams = [c.team for c in self.communities if c.kind is CommunityKind.village and c.team]
        return max(set(teams), key=teams.count) if teams else None

    def team(self, team_id: str | None) -> Team | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def worker(self, worker_id: str) -> Worker | None:
        return next((w for w in self.workers if w.id == worker_id), None)

    def admin(self, admin_id: str) -> Admin | None:
        return next((a for a in self.admins if a.id == admin_id), None)


def _unique(section: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in seen:
            raise ValueError(f"{section}[{i}]: {key!r} appears twice")
        seen.add(key)


def load_config(path: str | Path) -> Config:
    """Read and validate a config file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text ({e.reason})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    _anchor_paths(raw, path.parent)
    try:
        return Config.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(f"{path}: " + _describe(e)) from None


def _anchor_paths(raw: dict, base: Path) -> None:
    """Relative paths written in the file are taken from the file's own folder."""
    for section, key in (("kb", "dir"), ("storage", "path")):
        value = raw.get(section, {}).get(key) if isinstance(raw.get(section), dict) else None
        if isinstance(value, str) and value and not Path(value).is_absolute():
            raw[section][key] = str(base / value)


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in item["loc"]).lstrip(".")
        reason = item["msg"].removeprefix("Value error, ")
        lines.append(f"{key}: {reason}" if key else reason)
    return "; ".join(lines)

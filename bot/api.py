"""The admin HTTP API, in the bot's process (aiohttp), on 127.0.0.1.

Every route but `GET /healthz` needs `Authorization: Bearer <token>` (compared in
constant time): POWERBOT_ADMIN_TOKEN sees this station; POWERBOT_COUNTY_TOKEN sees every
station in the (shared) store, all together or one with `?station=<id>`. With neither
set the API does not start. Changes (POST) are made by a station's own bot, so they act
on this station's tickets and outages only. Writes go through
`App.act`: the same transaction and outbox as a chat message, so an assignment or an
outage made here tells residents and workers exactly as the chat command would. Bodies
are pydantic models; a bad body is a 400 naming the field. `GET /api/openapi.json`
describes every route.

    GET  /healthz                       gateway, database, KB, outbox backlog, last message
    GET  /api/tickets[?state&community&team&worker&urgent&from&to]   (.csv too)
    GET  /api/tickets/{id}              with its event history
    POST /api/tickets/{id}/assign       {"worker": "王师傅" | "wxid_..."}
    GET  /api/outages                   POST /api/outages {communities, start, end, reason, ...}
    POST /api/outages/{id}/cancel       POST /api/outages/{id}/restore
    POST /api/kb/check                  POST /api/kb/reload
    GET  /api/stats?from&to             (.csv too) per station, community, team and worker
    GET  /api/stations                  the stations the token may see, with their queues
    (every GET takes ?station=<id>[,<id>]: the stations to show, within the token's scope)
    GET  /                              the station head's page (signs in once: POST /login)

The page signs in with the token once and then holds an HttpOnly, SameSite=Strict session
cookie; a change made from it (POST) must carry the session's CSRF token in X-CSRF-Token.
"""

from __future__ import annotations

import csv
import hmac
import io
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError, field_validator

from bot.app import App
from bot.router import Context
from bot.stats import CSV_FIELDS, figures, questions

log = logging.getLogger(__name__)

TOKEN_ENV = "POWERBOT_ADMIN_TOKEN"
COUNTY_TOKEN_ENV = "POWERBOT_COUNTY_TOKEN"
COOKIE = "powerbot_session"
SESSION_HOURS = 12
WEB = Path(__file__).with_name("web")
OPEN_PATHS = ("/healthz", "/", "/login")
DEFAULT_PORT = 8765
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class AssignBody(BaseModel):
    worker: str = Field(min_length=1, description="a worker's name, 王师傅, or id")


class MergeBody(BaseModel):
    other: int = Field(ge=1, lt=10**9, description="the ticket that joins this one")


class OutageBody(BaseModel):
    communities: list[str] = Field(min_length=1)
    places: str = ""
    start: datetime = Field(description="ISO 8601; local time unless it has an offset")
    end: datetime
    reason: str = Field(min_length=1)
    contact: str = ""
    despite_warnings: bool = Field(False, description="post even under 7 days ahead")

    @field_validator("start", "end")
    @classmethod
    def _sane_year(cls, when: datetime) -> datetime:
        if not 2000 <= when.year <= 2100:
            raise ValueError("a time between the years 2000 and 2100")
        return when


ROUTES: list[tuple[str, str, str, type[BaseModel] | None]] = []  # method, path, what, body


def route(method: str, path: str, what: str, body: type[BaseModel] | None = None):  # noqa: ANN201
    def register(handler: Handler) -> Handler:
        ROUTES.append((method, path, what, body))
        handler.route = (method, path)  # type: ignore[attr-defined]
        return handler

    return register


COUNTY = "county"  # the scope of the county token; a station token's is its station
SCOPE = web.RequestKey("scope", str)  # the request's scope: COUNTY or a station id


class Api:
    def __init__(self, app: App, token: str | None, county_token: str | None = None) -> None:
        self.app = app
        # scope -> token; a station id is never "county" (bot.config reserves it)
        self.tokens = {k: v for k, v in ((COUNTY, county_token), (self.station, token)) if v}
        # session id -> (csrf token, expires, scope)
        self.sessions: dict[str, tuple[str, datetime, str]] = {}

    @property
    def station(self) -> str:
        return self.app.config.station.id

    def scope_of(self, token: str) -> str | None:
        """COUNTY, this station's id, or None for a token that is neither."""
        found = None
        for scope, known in self.tokens.items():  # every one compared: constant time
            if hmac.compare_digest(token.encode(), known.encode()):
                found = scope
        return found

    def stations(self, request: web.Request) -> list[str]:
        """The stations this request shows: its `?station=` within the token's scope (a
        station token: its own; the county token: any, all of them by default)."""
        scope = request[SCOPE]
        asked = [s for s in request.query.get("station", "").split(",") if s]
        if scope != COUNTY:
            if any(s != scope for s in asked):
                raise _error(403, "station: this token sees its own station only", "station")
            return [scope]
        return asked or self.store().stations() or [self.station]

    def store(self) -> Any:
        assert self.app.store is not None
        return self.app.store

    # -- plumbing ----------------------------------------------------------------------

    @web.middleware
    async def authorize(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in OPEN_PATHS:
            return await handler(request)
        given = request.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        scope = self.scope_of(token) if scheme == "Bearer" else None
        if scope is not None:
            request[SCOPE] = scope
            return await self._within_scope(request, handler)
        csrf = self.session(request)
        if csrf is None:
            return web.json_response({"error": "unauthorized: Bearer token needed"}, status=401)
        request[SCOPE] = self.sessions[request.cookies[COOKIE]][2]
        if request.method not in ("GET", "HEAD"):
            sent = request.headers.get("X-CSRF-Token", "")
            if not hmac.compare_digest(sent.encode(), csrf.encode()):
                return web.json_response({"error": "forbidden: CSRF token missing"}, status=403)
        return await self._within_scope(request, handler)

    async def _within_scope(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A change names no other station: it is made by that station's own bot."""
        if request.method not in ("GET", "HEAD"):
            asked = [s for s in request.query.get("station", "").split(",") if s]
            if any(s != self.station for s in asked):
                return web.json_response(
                    {
                        "error": f"station: changes go through that station's own bot; this "
                        f"one serves {self.station!r}",
                        "field": "station",
                    },
                    status=403,
                )
        return await handler(request)

    def session(self, request: web.Request) -> str | None:
        """The CSRF token of the request's signed-in session, None if it has none."""
        held = self.sessions.get(request.cookies.get(COOKIE, ""))
        if held is None or held[1] < datetime.now(UTC):
            return None
        return held[0]

    def web_app(self) -> web.Application:
        application = web.Application(middlewares=[self.authorize])
        for name in dir(self):
            handler = getattr(self, name)
            if callable(handler) and hasattr(handler, "route"):
                method, path = handler.route
                application.router.add_route(method, path, handler)
        return application

    @staticmethod
    async def body(request: web.Request, model: type[BaseModel]) -> Any:
        try:
            data = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(
                text='{"error": "the body is not JSON"}', content_type="application/json"
            ) from None
        try:
            return model.model_validate(data)
        except ValidationError as e:
            first = e.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "body"
            raise web.HTTPBadRequest(
                text=web.json_response({"error": f"{field}: {first['msg']}", "field": field}).text,
                content_type="application/json",
            ) from None

    def _zone(self) -> Any:
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.app.config.bot.timezone)

    def _range(self, request: web.Request, days: int = 30) -> tuple[datetime, datetime]:
        now = self.app.clock.now()
        try:
            start = request.query.get("from")
            end = request.query.get("to")
            begin = datetime.fromisoformat(start) if start else now - timedelta(days=days)
            finish = datetime.fromisoformat(end) if end else now + timedelta(seconds=1)
            zone = self._zone()
            begin = begin if begin.tzinfo else begin.replace(tzinfo=zone)
            finish = finish if finish.tzinfo else finish.replace(tzinfo=zone)
            begin, finish = begin.astimezone(UTC), finish.astimezone(UTC)
        except (ValueError, OverflowError) as e:
            raise web.HTTPBadRequest(
                text=web.json_response({"error": f"from/to: {e}", "field": "from"}).text,
                content_type="application/json",
            ) from None
        if finish <= begin:
            raise web.HTTPBadRequest(
                text=web.json_response({"error": "to must be after from", "field": "to"}).text,
                content_type="application/json",
            )
        return begin, finish

    # -- routes ------------------------------------------------------------------------

    @route("GET", "/", "the station head's page (the sign-in form until signed in)")
    async def page(self, request: web.Request) -> web.Response:
        csrf = self.session(request)
        station = self.app.config.station.name
        if csrf is None:
            return _html("signin.html", station=station, error="")
        return _html("dashboard.html", station=station, csrf=csrf)

    @route("POST", "/login", "sign in with the token: a session cookie")
    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        token = str(form.get("token", ""))
        scope = self.scope_of(token)
        if scope is None:
            station = self.app.config.station.name
            return _html("signin.html", station=station, error="口令不对，请重新输入。", status=401)
        session = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + timedelta(hours=SESSION_HOURS)
        self.sessions = {k: v for k, v in self.sessions.items() if v[1] > datetime.now(UTC)}
        self.sessions[session] = (secrets.token_urlsafe(32), expires, scope)
        response = web.HTTPSeeOther("/")
        response.set_cookie(
            COOKIE,
            session,
            httponly=True,
            samesite="Strict",
            max_age=SESSION_HOURS * 3600,
            path="/",
        )
        raise response

    @route("GET", "/api/dashboard", "what the page shows: the queue, today, outages, 30 days")
    async def dashboard(self, request: web.Request) -> web.Response:
        # one station's page: the one asked for (within scope), else this bot's
        station = self.stations(request)[0] if request.query.get("station") else self.station
        return web.json_response(
            {
                **dashboard(self.app, station),
                "stations": self._visible(request),
                "station": station,
                "home": self.station,  # this bot's: only its tickets are reassigned here
            }
        )

    def _visible(self, request: web.Request) -> list[str]:
        scope = request[SCOPE]
        return self.store().stations() or [self.station] if scope == COUNTY else [scope]

    @route("GET", "/api/stations", "the stations this token may see, each with its open queue")
    async def stations_route(self, request: web.Request) -> web.Response:
        store = self.store()
        rows = []
        for station in self._visible(request):
            view = store.for_station(station)
            leads = [t for t in view.open_tickets() if t.incident_id is None]
            rows.append(
                {
                    "station": station,
                    "this_bot": station == self.station,
                    "open": len(leads),
                    "urgent": sum(1 for t in leads if t.urgent or t.fault_type == "hazard"),
                    "waiting_messages": view.waiting_count(),
                }
            )
        return web.json_response({"scope": request[SCOPE], "stations": rows})

    @route("GET", "/healthz", "is the bot up: gateway, database, KB, outbox, last message")
    async def healthz(self, request: web.Request) -> web.Response:
        store = self.app.store
        gateway = self.app.gateway
        logged_in = getattr(gateway, "logged_in", None)
        knowledge = self.app.services.get("knowledge")
        try:
            backlog = store.sql.value(  # type: ignore[union-attr]
                "select count(*) from outbox where station = ? and sent_at is null "
                "and given_up_at is null",
                [self.station],
            )
            last = store.sql.value(  # type: ignore[union-attr]
                "select max(received_at) from inbox where station = ?", [self.station]
            )
            db_ok = True
        except Exception:  # noqa: BLE001 - reported, not raised
            backlog, last, db_ok = None, None, False
        understander = self.app.services.get("understander")
        return web.json_response(
            {
                "station": self.station,
                "gateway": gateway.__class__.__name__,
                "connected": logged_in.is_set() if logged_in is not None else True,
                "database": db_ok,
                "kb_entries": len(knowledge.kb.entries) if knowledge else 0,
                "model_loaded": bool(understander and understander.model is not None),
                "outbox_backlog": backlog,
                "last_message_at": last,
            }
        )

    @route(
        "GET",
        "/api/tickets",
        "tickets, filtered by state, community, team, worker, urgent, from, to",
    )
    async def tickets(self, request: web.Request) -> web.Response:
        return web.json_response(self._tickets(request))

    @route("GET", "/api/tickets.csv", "the same tickets as CSV")
    async def tickets_csv(self, request: web.Request) -> web.Response:
        rows = self._tickets(request)
        return _csv(rows, list(rows[0]) if rows else ["id"], "tickets.csv")

    def _tickets(self, request: web.Request) -> list[dict[str, Any]]:
        q = request.query
        stations = self.stations(request)
        where, args = [f"station in ({', '.join('?' for _ in stations)})"], list(stations)
        for key in ("state", "community", "team"):
            if q.get(key):
                where.append(f"{key} = ?")
                args.append(q[key])
        if q.get("worker"):
            where.append("worker_id = ?")
            args.append(q["worker"])
        if q.get("urgent") in ("1", "true"):
            where.append("urgent = 1")
        if q.get("from") or q.get("to"):
            start, end = self._range(request, days=36500)
            where.append("created_at >= ? and created_at < ?")
            args += [start.isoformat(), end.isoformat()]
        sql = "select * from tickets where " + " and ".join(where)
        return [dict(r) for r in self.store().sql.all(sql + " order by id", args)]

    @route("GET", "/api/tickets/{id}", "one ticket with its event history")
    async def ticket(self, request: web.Request) -> web.Response:
        number = _number(request)
        stations = self.stations(request)
        marks = ", ".join("?" for _ in stations)
        row = self.store().sql.one(
            f"select * from tickets where id = ? and station in ({marks})", [number, *stations]
        )
        if row is None:
            raise web.HTTPNotFound(
                text='{"error": "no such ticket"}', content_type="application/json"
            )
        events = self.store().sql.all(
            "select * from ticket_events where ticket_id = ? and station = ? order by id",
            [number, row["station"]],
        )
        return web.json_response({**dict(row), "events": [dict(e) for e in events]})

    @route("POST", "/api/tickets/{id}/assign", "hand a ticket to a worker", AssignBody)
    async def assign(self, request: web.Request) -> web.Response:
        from handlers.dispatch import find_worker
        from handlers.repairs import reassign
        from handlers.tickets import lead_of

        number = _number(request)
        body = await self.body(request, AssignBody)

        async def job(ctx: Context) -> tuple[int, dict[str, Any]]:
            ticket = ctx.store.ticket(number)
            if ticket is None:
                return 404, {"error": "no such ticket"}
            ticket = lead_of(ticket, ctx)
            if not ticket.is_open:
                return 409, {"error": f"ticket {ticket.id} is closed"}
            worker = find_worker(ctx, body.worker)
            if isinstance(worker, str):
                return 400, {"error": worker, "field": "worker"}
            if ticket.worker_id != worker.id:
                ticket = await reassign(ticket, worker, ctx, "api", "admin")
            return 200, {"id": ticket.id, "worker_id": ticket.worker_id, "state": ticket.state}

        status, result = await self.app.act(job, cause="api")
        return web.json_response(result, status=status)

    @route("GET", "/api/incidents", "open incidents: each lead ticket with its reports")
    async def incidents(self, request: web.Request) -> web.Response:
        found = []
        for station in self.stations(request):
            store = self.store().for_station(station)
            for t in store.open_tickets():
                if t.incident_id is None:
                    reports = [t.id, *[m.id for m in store.members(t.id)]]
                    found.append({**t.model_dump(mode="json"), "station": station,
                                  "reports": reports})  # fmt: skip
        return web.json_response(found)

    @route("POST", "/api/tickets/{id}/merge", "merge another ticket into this one", MergeBody)
    async def merge(self, request: web.Request) -> web.Response:
        from handlers.repairs import merge
        from handlers.tickets import lead_of

        number = _number(request)
        body = await self.body(request, MergeBody)

        async def job(ctx: Context) -> tuple[int, dict[str, Any]]:
            into, other = ctx.store.ticket(number), ctx.store.ticket(body.other)
            if into is None or other is None:
                return 404, {"error": "no such ticket"}
            into, other = lead_of(into, ctx), lead_of(other, ctx)
            if not into.is_open or not other.is_open:
                return 409, {"error": "a closed ticket cannot be merged"}
            if into.id == other.id:
                return 409, {"error": "the same incident"}
            into = await merge(into, other, ctx, "api")
            members = [m.id for m in ctx.store.members(into.id)]
            return 200, {"id": into.id, "reports": [into.id, *members]}

        status, result = await self.app.act(job, cause="api")
        return web.json_response(result, status=status)

    @route("POST", "/api/tickets/{id}/split", "take a report out of its incident")
    async def split(self, request: web.Request) -> web.Response:
        from handlers.repairs import split

        number = _number(request)

        async def job(ctx: Context) -> tuple[int, dict[str, Any]]:
            ticket = ctx.store.ticket(number)
            if ticket is None:
                return 404, {"error": "no such ticket"}
            if ticket.incident_id is None or ticket.state != "joined":
                return 409, {"error": "not part of another incident"}
            ticket = await split(ticket, ctx, "api")
            return 200, {"id": ticket.id, "state": ticket.state, "worker_id": ticket.worker_id}

        status, result = await self.app.act(job, cause="api")
        return web.json_response(result, status=status)

    @route("GET", "/api/outages", "outages announced and not over")
    async def outages(self, request: web.Request) -> web.Response:
        return web.json_response(
            [
                {**o.model_dump(mode="json"), "station": station}
                for station in self.stations(request)
                for o in self.store().for_station(station).outages()
            ]
        )

    @route(
        "POST", "/api/outages", "announce a planned outage (the chat command's checks)", OutageBody
    )
    async def add_outage(self, request: web.Request) -> web.Response:
        from handlers.outages import Plan, announce, check, make

        body = await self.body(request, OutageBody)
        zone = self._zone()
        start = body.start if body.start.tzinfo else body.start.replace(tzinfo=zone)
        end = body.end if body.end.tzinfo else body.end.replace(tzinfo=zone)
        plan = Plan("planned", body.communities, body.places, start, end, body.reason, body.contact)

        async def job(ctx: Context) -> tuple[int, dict[str, Any]]:
            problems, warnings = check(plan, ctx.now(), ctx.config)
            if problems:
                return 400, {"error": " ".join(problems), "field": "body"}
            if warnings and not body.despite_warnings:
                return 409, {"error": " ".join(w.strip() for w in warnings), "warnings": warnings}
            outage = make(plan, ctx.store, ctx.now(), "api", ctx.config)
            ctx.store.cancel_timers("outage", outage.id)
            groups = await announce(outage, ctx)
            return 201, {"id": outage.id, "groups": groups}

        status, result = await self.app.act(job, cause="api")
        return web.json_response(result, status=status)

    @route("POST", "/api/outages/{id}/cancel", "cancel an outage and tell its groups")
    async def cancel_outage(self, request: web.Request) -> web.Response:
        return await self._change_outage(request, "cancelled")

    @route("POST", "/api/outages/{id}/restore", "power is back: tell its groups")
    async def restore_outage(self, request: web.Request) -> web.Response:
        return await self._change_outage(request, "restored")

    async def _change_outage(self, request: web.Request, state: str) -> web.Response:
        from handlers.outages import (
            CANCELLED,
            _when,
            cancel,
            restore,
            tell_groups,
            told_restored,
            where,
        )

        number = _number(request)

        async def job(ctx: Context) -> tuple[int, dict[str, Any]]:
            outage = ctx.store.outage(number)
            if outage is None or outage.state != "scheduled":
                return 404, {"error": "no such outage, or it is over"}
            if state == "restored":
                if outage.start_at > ctx.now():
                    return 409, {"error": "it has not started: cancel it instead"}
                outage = restore(outage, ctx.store, ctx.now())
                groups = await told_restored(outage, ctx)
            else:
                outage = cancel(outage, ctx.store, ctx.now())
                when = _when(outage.start_at, outage.end_at, ctx.config)
                text = CANCELLED.format(where=where(outage), when=when)
                groups = await tell_groups(outage, text, ctx)
            return 200, {"id": outage.id, "state": outage.state, "groups": groups}

        status, result = await self.app.act(job, cause="api")
        return web.json_response(result, status=status)

    @route("POST", "/api/kb/check", "check kb/ as `powerbot kb check` does")
    async def kb_check(self, request: web.Request) -> web.Response:
        from handlers.nlu.live import check_all

        problems, warnings = check_all(self.app.config.kb.dir)
        return web.json_response({"problems": problems, "warnings": warnings})

    @route("POST", "/api/kb/reload", "load kb/ edits now (refused if it has problems)")
    async def kb_reload(self, request: web.Request) -> web.Response:
        knowledge = self.app.services["knowledge"]
        notices = knowledge.poll()
        return web.json_response({"notices": notices, "entries": len(knowledge.kb.entries)})

    @route("GET", "/api/stats", "service figures per station, community, team, worker (from, to)")
    async def stats(self, request: web.Request) -> web.Response:
        start, end = self._range(request)
        stations = self.stations(request)
        rows = figures(self.store().sql, self.app.config, start, end, stations)
        asked = questions(self.store().sql, start, end, stations)
        return web.json_response(
            {
                "stations": stations,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "rows": [r.public() for r in rows],
                "faq": asked,
            }
        )

    @route("GET", "/api/stats.csv", "the same figures as CSV")
    async def stats_csv(self, request: web.Request) -> web.Response:
        start, end = self._range(request)
        rows = figures(self.store().sql, self.app.config, start, end, self.stations(request))
        return _csv([r.public() for r in rows], CSV_FIELDS, "stats.csv")

    @route("GET", "/api/openapi.json", "this description")
    async def openapi(self, request: web.Request) -> web.Response:
        return web.json_response(openapi_spec())


def _html(name: str, status: int = 200, **words: str) -> web.Response:
    text = (WEB / name).read_text(encoding="utf-8")
    for key, value in words.items():
        text = text.replace("{{" + key + "}}", _escape(value))
    return web.Response(text=text, content_type="text/html", status=status)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def dashboard(app: App, station: str | None = None) -> dict[str, Any]:
    """The page's data for one station (this bot's by default): the open queue (late and
    urgent first), today's reports, outages, and the last 30 days: arrival minutes per day
    against the promise, reports per community, complaints per day, and its figures."""
    from zoneinfo import ZoneInfo

    from handlers.common import FAULT_WORDS, ticket_address, ticket_state, worker_label
    from handlers.dispatch import first_things_first
    from handlers.outages import WHAT, _when, where

    ctx = app.context("api")
    if station is not None and station != app.config.station.id:
        ctx.store = ctx.store.for_station(station)  # another station's rows, read only
    st = ctx.store.station
    config, now = app.config, app.clock.now()
    zone = ZoneInfo(config.bot.timezone)
    local_now = now.astimezone(zone)
    queue = []
    leads = [t for t in ctx.store.open_tickets() if t.incident_id is None]
    for t in first_things_first(leads, ctx):
        late = t.due_at is not None and t.due_at < now and t.state != "arrived"
        queue.append(
            {
                "id": t.id,
                "address": ticket_address(t, config),
                "fault": FAULT_WORDS.get(t.fault_type or "other", ""),
                "state": ticket_state(t, config),
                "due": t.due_at.astimezone(zone).strftime("%m-%d %H:%M") if t.due_at else "—",
                "worker": worker_label(config, t.worker_id) if t.worker_id else "未派",
                "late": late,
                "urgent": bool(t.urgent or t.fault_type == "hazard"),
            }
        )
    queue.sort(key=lambda q: (not q["late"], not q["urgent"]))
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    today = []
    for row in ctx.store.sql.all(
        "select id from tickets where created_at >= ? and incident_id is null and station = ? "
        "order by id",
        [midnight.isoformat(), st],
    ):
        t = ctx.store.ticket(row["id"])
        if t is not None:
            reports = 1 + len(ctx.store.members(t.id))
            today.append(
                {
                    "id": t.id,
                    "address": ticket_address(t, config),
                    "state": ticket_state(t, config),
                    "reports": reports,
                }
            )
    outages = [
        {
            "id": o.id,
            "what": WHAT[o.kind],
            "where": where(o),
            "when": _when(o.start_at, o.end_at, config),
        }
        for o in ctx.store.outages()
    ]
    start = (local_now - timedelta(days=29)).replace(hour=0, minute=0, second=0, microsecond=0)
    arrivals = _arrivals_per_day(ctx.store.sql, start.astimezone(UTC), zone, st)
    communities = [
        {"label": r["community"], "value": r["n"]}
        for r in ctx.store.sql.all(
            "select community, count(*) as n from tickets where created_at >= ? and station = ? "
            "and community is not null group by community order by n desc, community",
            [start.astimezone(UTC).isoformat(), st],
        )
    ]
    complaints: dict[str, int] = {}
    for r in ctx.store.sql.all(
        "select at from complaints where at >= ? and station = ?",
        [start.astimezone(UTC).isoformat(), st],
    ):
        day = datetime.fromisoformat(r["at"]).astimezone(zone).strftime("%m-%d")
        complaints[day] = complaints.get(day, 0) + 1
    station = next(
        (
            f
            for f in figures(ctx.store.sql, config, start.astimezone(UTC), now, [st])
            if f.by == "station"
        ),
        None,
    )
    shown = []
    if station is not None:
        share = station.arrived_in_time
        shown = [
            ("报修 / 事件", f"{station.reports} / {station.incidents}"),
            (
                "到场中位 / 90%",
                f"{station.arrive_median or '—'} / {station.arrive_p90 or '—'} 分钟",
            ),
            ("按时到场", f"{share:.0%}" if share is not None else "—"),
            ("复电中位", f"{station.restore_median or '—'} 分钟"),
            ("返修率", f"{station.reopen_rate:.0%}" if station.reopen_rate is not None else "—"),
            ("评价", f"{station.rating or '—'}（{station.ratings} 条）"),
            ("投诉", str(station.complaints)),
        ]
    promise = config.service.arrival_minutes
    return {
        "now": local_now.strftime("%Y-%m-%d %H:%M"),
        "queue": queue,
        "today": today,
        "outages": outages,
        "arrivals": arrivals,
        "arrival_promise": min(promise.values()) if promise else None,
        "communities": communities,
        "complaints": [{"label": k, "value": v} for k, v in sorted(complaints.items())],
        "figures": shown,
    }


def _arrivals_per_day(sql: Any, start: datetime, zone: Any, station: str) -> list[dict[str, Any]]:
    """The median minutes from first report to arrival, per day with arrivals."""
    from bot.stats import percentile

    per_day: dict[str, list[float]] = {}
    for r in sql.all(
        "select t.first_reported_at as began, min(e.at) as arrived from tickets t "
        "join ticket_events e on e.ticket_id = t.id and e.action = 'arrived' "
        "where coalesce(t.first_reported_at, t.created_at) >= ? and t.station = ? "
        "group by t.id, t.first_reported_at",
        [start.isoformat(), station],
    ):
        if not r["began"]:
            continue
        began = datetime.fromisoformat(r["began"])
        minutes = (datetime.fromisoformat(r["arrived"]) - began).total_seconds() / 60
        per_day.setdefault(began.astimezone(zone).strftime("%m-%d"), []).append(minutes)
    return [
        {"label": day, "value": round(percentile(values, 0.5) or 0)}
        for day, values in sorted(per_day.items())
    ]


MAX_ID = 10**9


def _error(status: int, message: str, field: str) -> web.HTTPException:
    kind = {400: web.HTTPBadRequest, 403: web.HTTPForbidden, 404: web.HTTPNotFound}[status]
    return kind(
        text=web.json_response({"error": message, "field": field}).text,
        content_type="application/json",
    )


def _number(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < MAX_ID:
        raise web.HTTPBadRequest(
            text='{"error": "id: a number", "field": "id"}', content_type="application/json"
        )
    return int(raw)


def _cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a resident's name or words starting with = + - @
    (or a tab or return) would run as a formula; a quote in front keeps it text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(rows: list[dict[str, Any]], fields: list[str], name: str) -> web.Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode("utf-8"),  # a BOM: Excel reads it as UTF-8
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


QUERY = {
    "/api/tickets": ("state", "community", "team", "worker", "urgent", "from", "to"),
    "/api/tickets.csv": ("state", "community", "team", "worker", "urgent", "from", "to"),
    "/api/stats": ("from", "to"),
    "/api/stats.csv": ("from", "to"),
}


def openapi_spec() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path, what, body in ROUTES:
        op: dict[str, Any] = {"summary": what, "responses": {"200": {"description": "ok"}}}
        if path == "/login":
            op["requestBody"] = {
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"type": "object", "properties": {"token": {"type": "string"}}}
                    }
                }
            }
            op["responses"] = {
                "303": {"description": "signed in: to /"},
                "401": {"description": "wrong token"},
            }
        if path == "/api/outages" and method == "POST":
            op["responses"] = {
                "201": {"description": "announced"},
                "409": {"description": "a warning (under 7 days): set despite_warnings"},
            }
        if path in QUERY:
            op["parameters"] = [
                {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
                for name in QUERY[path]
            ]
        if path not in OPEN_PATHS:
            op["security"] = [{"bearer": []}]
            op["responses"]["401"] = {"description": "no or wrong token"}
        if body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": body.model_json_schema()}},
            }
            op["responses"]["400"] = {"description": "a bad body, naming the field"}
        if "{id}" in path:
            op["parameters"] = [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ]
            op["responses"]["404"] = {"description": "no such id"}
        paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "powerbot admin API", "version": "1"},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }


async def start_api(
    app: App, port: int = DEFAULT_PORT, environ: Any = None
) -> web.AppRunner | None:
    """Serve the API on 127.0.0.1:`port`; None (and a warning) when no token is set."""
    env = environ if environ is not None else os.environ
    token, county = env.get(TOKEN_ENV, ""), env.get(COUNTY_TOKEN_ENV, "")
    if not token and not county:
        log.warning("admin API not started: set %s (or %s) to serve it on 127.0.0.1:%s",
                    TOKEN_ENV, COUNTY_TOKEN_ENV, port)  # fmt: skip
        return None
    if token and token == county:
        log.error("admin API not started: %s and %s must differ", TOKEN_ENV, COUNTY_TOKEN_ENV)
        return None
    runner = web.AppRunner(Api(app, token or None, county or None).web_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    log.info("admin API on http://127.0.0.1:%s", port)
    return runner

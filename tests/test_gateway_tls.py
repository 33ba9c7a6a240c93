"""How the gateway secures its link, by the official clients' rules (bot.gateways.puppet_tls):
TLS with the Wechaty root CA by default, the server name from the token or the
environment, plaintext only when asked, the token in both places a service looks, and
errors that say which setting to change."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from bot.gateways.base import GatewayError
from bot.gateways.puppet_tls import (
    CA_ENV,
    NO_TLS_ENV,
    SERVER_NAME_ENV,
    LinkSecurity,
    sni_of,
)
from bot.gateways.wechaty import Timing, WechatyGateway
from tests.fake_puppet import SERVER_PEM, FakePuppetService, FakeWeChat

FAST = Timing(ding_every=0.05, dong_within=1.0, first_retry=0.01, max_retry=0.05, send_wait=2.0)
SERVER_CERT = SERVER_PEM.read_text().split("-----BEGIN RSA")[0].split("\n", 4)[4]


@pytest.mark.parametrize(
    ("token", "sni"),
    [
        ("insecure_4a6f-11", "insecure"),
        ("puppet_workpro_abc", "puppet_workpro"),
        ("PUPPET_Padlocal_x", "puppet_padlocal"),
        ("no-underscore", None),
        ("_leading", None),
    ],
)
def test_the_server_name_is_the_tokens_prefix_lower_cased(token, sni):
    assert sni_of(token) == sni


def test_settings_come_from_the_environment_as_the_official_client_reads_them():
    assert LinkSecurity.from_env("insecure_x", {}) == LinkSecurity(tls=True, server_name="insecure")
    named = LinkSecurity.from_env("insecure_x", {SERVER_NAME_ENV: "gw.example"})
    assert named.server_name == "gw.example"
    assert LinkSecurity.from_env("x", {NO_TLS_ENV: "true"}) == LinkSecurity(tls=False)
    assert LinkSecurity.from_env("insecure_x", {NO_TLS_ENV: "1"}).tls, "only 'true' turns it off"
    ca = LinkSecurity.from_env("insecure_x", {CA_ENV: "-----BEGIN\\nX"})
    assert ca.ca_pem == "-----BEGIN\nX", "\\n in the variable stands for a newline"


def test_a_token_without_a_server_name_says_what_to_do():
    with pytest.raises(GatewayError, match=SERVER_NAME_ENV) as e:
        LinkSecurity.from_env("4a6f1122", {})
    assert NO_TLS_ENV in str(e.value) and "insecure_4a6f1122" in str(e.value)


async def started(service: FakePuppetService, **env: str) -> WechatyGateway:
    gw = WechatyGateway(
        service.endpoint, service.token, timing=FAST, qr_out=io.StringIO(), environ=env
    )
    gw.attach(_Nobody())
    await gw.start()
    return gw


class _Nobody:
    def arrived(self, message_id: str) -> None: ...
    def prepared(self, message_id: str, message: object) -> None: ...
    async def receive(self, message: object) -> None: ...


@pytest.fixture
async def tls_service():
    running = await FakePuppetService(FakeWeChat()).start()
    yield running
    await running.stop()


@pytest.fixture
async def plain_service():
    running = await FakePuppetService(FakeWeChat(), tls=False).start()
    yield running
    await running.stop()


async def test_tls_is_the_default_and_trusts_the_wechaty_root_ca(tls_service):
    gw = await started(tls_service)
    try:
        await asyncio.wait_for(gw.logged_in.wait(), 5)
    finally:
        await gw.stop()


async def test_plaintext_when_asked(plain_service):
    gw = await started(plain_service, **{NO_TLS_ENV: "true"})
    try:
        await asyncio.wait_for(gw.logged_in.wait(), 5)
    finally:
        await gw.stop()


@pytest.mark.parametrize("looks", [("authorization",), (":authority",)])
async def test_the_token_reaches_a_service_wherever_it_looks(tls_service, looks):
    tls_service.token_in = looks  # a 1.x gateway reads the header, a 0.x one :authority
    gw = await started(tls_service)
    await gw.stop()
    assert ("Start", "") in tls_service.world.calls


async def test_plaintext_to_a_tls_service_says_it_probably_wants_tls(tls_service):
    with pytest.raises(GatewayError, match=f"probably wants TLS.*unset {NO_TLS_ENV}"):
        await started(tls_service, **{NO_TLS_ENV: "true"})


async def test_tls_to_a_plaintext_service_names_the_switch(plain_service):
    with pytest.raises(GatewayError, match=f"does not speak TLS.*{NO_TLS_ENV}=true"):
        await started(plain_service)


async def test_a_certificate_for_another_name_says_which_settings(tls_service):
    with pytest.raises(GatewayError, match=f"{CA_ENV}.*{SERVER_NAME_ENV}"):
        await started(tls_service, **{SERVER_NAME_ENV: "gw.example"})


async def test_a_service_certificate_from_another_ca_says_which_setting(tls_service):
    with pytest.raises(GatewayError, match=f"does not trust.*{CA_ENV}"):
        await started(tls_service, **{CA_ENV: SERVER_CERT})  # not the CA that signed it


async def test_quiet_transport_logs_even_when_the_bot_logs_at_debug(tls_service):
    root, level = logging.getLogger(), logging.getLogger().level
    root.setLevel(logging.DEBUG)
    try:
        gw = await started(tls_service)
        await gw.stop()
    finally:
        root.setLevel(level)
    for name in ("hpack", "h2", "grpclib"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING

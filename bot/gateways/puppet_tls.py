"""How the link to a puppet service is secured, by the official clients' rules.

The rules and the environment variables are those of the TypeScript client
(wechaty/puppet-service, src/client/grpc-manager.ts and src/auth/, 1.19):

- TLS by default, trusting the Wechaty community root CA that every official client
  ships (bundled here as wechaty-root-ca.pem, its source named in the file), or the CA
  in `WECHATY_PUPPET_SERVICE_TLS_CA_CERT` (PEM text; `\\n` stands for a newline). ALPN
  `h2`, TLS 1.2 or later.
- The server name checked against the certificate (and sent as SNI) is
  `WECHATY_PUPPET_SERVICE_TLS_SERVER_NAME`, else the token's prefix before its last
  `_`, lower-cased (`insecure_4a6f…` -> `insecure`, the name on the community's
  default server certificate). A token without one cannot be used with TLS.
- Plaintext HTTP/2 only with `WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT=true`.
- The token goes both ways a service may look for it: as the HTTP/2 `:authority`
  (0.x gateways) and as `authorization: Wechaty <token>` (1.x gateways).
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.gateways.base import GatewayError

CA_ENV = "WECHATY_PUPPET_SERVICE_TLS_CA_CERT"
SERVER_NAME_ENV = "WECHATY_PUPPET_SERVICE_TLS_SERVER_NAME"
NO_TLS_ENV = "WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT"
ROOT_CA = Path(__file__).with_name("wechaty-root-ca.pem")
INSECURE_NAME = "insecure"  # the common name of the community's default server certificate


def sni_of(token: str) -> str | None:
    """The server name a token carries: what comes before its last `_`, lower-cased."""
    cut = token.rfind("_")
    return token[:cut].lower() if cut > 0 else None


def authorization(token: str) -> str:
    return f"Wechaty {token}"


@dataclass(frozen=True)
class LinkSecurity:
    tls: bool
    server_name: str | None = None
    ca_pem: str | None = None  # None: the bundled Wechaty root CA

    @classmethod
    def from_env(cls, token: str, environ: Mapping[str, str]) -> LinkSecurity:
        if environ.get(NO_TLS_ENV, "").strip() == "true":
            return cls(tls=False)
        name = environ.get(SERVER_NAME_ENV, "").strip() or sni_of(token)
        if not name:
            raise GatewayError(
                "the puppet service token has no server name for TLS (the part before its "
                f"last '_'): set {SERVER_NAME_ENV}, or use a token like "
                f"'{INSECURE_NAME}_{token}', or, for a service without TLS, "
                f"{NO_TLS_ENV}=true"
            )
        ca = environ.get(CA_ENV, "").replace("\\n", "\n").strip() or None
        return cls(tls=True, server_name=name, ca_pem=ca)

    def ssl_context(self) -> ssl.SSLContext | None:
        """The client's TLS settings, or None for plaintext."""
        if not self.tls:
            return None
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        ctx.load_verify_locations(cadata=self.ca_pem or ROOT_CA.read_text(encoding="ascii"))
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_alpn_protocols(["h2"])
        return ctx

    def describe(self) -> str:
        if not self.tls:
            return f"no TLS ({NO_TLS_ENV}=true)"
        ca = CA_ENV if self.ca_pem else "the Wechaty root CA"
        return f"TLS, server name {self.server_name!r}, trusting {ca}"

"""A small local OpenID Connect issuer, so the real ``st.login`` flow runs in tests.

It serves discovery (``/.well-known/openid-configuration``), the JWKS, an authorization page (a
form where the test types the address to sign in as), the token endpoint (an RS256-signed ID
token carrying the nonce, ``email``, ``email_verified`` and ``name``) and userinfo. Only the
authorization-code flow Streamlit uses; every code works once. Signing uses ``cryptography``
directly (Authlib's own JOSE module is deprecated)."""

from __future__ import annotations

import base64
import contextlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLIENT_ID = "aytada-test"
CLIENT_SECRET = "stub-client-secret"  # noqa: S105 - a test credential of the stub issuer
KID = "stub-key-1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass
class Issuer:
    """The issuer's state: its key, the codes handed out, and what the token endpoint saw."""

    url: str = ""
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    email_verified: bool = True

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
                          "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}]}  # fmt: skip

    def id_token(self, claims: dict[str, Any]) -> str:
        header = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": KID}).encode())
        payload = _b64(json.dumps(claims).encode())
        signature = self.key.sign(
            f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{header}.{payload}.{_b64(signature)}"

    def claims_for(self, email: str, name: str, nonce: str | None) -> dict[str, Any]:
        now = int(time.time())
        claims = {"iss": self.url, "aud": CLIENT_ID, "sub": f"sub-{email}", "iat": now,
                  "exp": now + 600, "email": email, "email_verified": self.email_verified,
                  "name": name}  # fmt: skip
        if nonce:
            claims["nonce"] = nonce
        return claims


SIGN_IN_PAGE = """<!doctype html><html><head><title>Stub identity provider</title></head>
<body><h1>Stub identity provider</h1>
<form method="post" action="/authorize">
<label>E-mail <input id="email" name="email" type="email" required></label>
<label>Name <input id="name" name="name" type="text"></label>
{hidden}
<button type="submit">Continue</button>
</form></body></html>"""


def _handler(issuer: Issuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, data: Any, status: int = 200) -> None:
            self._send(status, json.dumps(data).encode(), "application/json")

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            return {k: v[0] for k, v in parse_qs(raw).items()}

        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(issuer.metadata())
            elif url.path == "/jwks":
                self._json(issuer.jwks())
            elif url.path == "/authorize":
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    self._json({"error": "invalid_request"}, 400)
                    return
                keep = ("redirect_uri", "state", "nonce")
                hidden = "".join(
                    f'<input type="hidden" name="{k}" value="{html.escape(query.get(k, ""))}">'
                    for k in keep
                )
                self._send(200, SIGN_IN_PAGE.format(hidden=hidden).encode(), "text/html")
            elif url.path == "/userinfo":
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                found = next((c for c in issuer.codes.values() if c.get("access") == token), None)
                if found is None:
                    self._json({"error": "invalid_token"}, 401)
                else:
                    self._json(found["claims"])
            else:
                self._json({"error": "not_found"}, 404)

        def do_POST(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            form = self._form()
            if url.path == "/authorize":
                code = secrets.token_urlsafe(16)
                email = form.get("email", "").strip()
                issuer.codes[code] = {
                    "claims": issuer.claims_for(email, form.get("name", ""), form.get("nonce")),
                    "redirect_uri": form.get("redirect_uri", ""),
                    "used": False,
                }
                target = (
                    form["redirect_uri"]
                    + "?"
                    + urlencode({"code": code, "state": form.get("state", "")})
                )
                self._send(302, b"", "text/plain", {"Location": target})
            elif url.path == "/token":
                issuer.token_requests.append(form)
                basic = self.headers.get("Authorization", "")
                client_ok = form.get("client_secret") == CLIENT_SECRET or basic == "Basic " + (
                    base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                )
                grant = issuer.codes.get(form.get("code", ""))
                if not client_ok:
                    self._json({"error": "invalid_client"}, 401)
                elif (
                    grant is None
                    or grant["used"]
                    or grant["redirect_uri"] != form.get("redirect_uri")
                ):
                    self._json({"error": "invalid_grant"}, 400)
                else:
                    grant["used"] = True
                    grant["access"] = secrets.token_urlsafe(16)
                    self._json({"access_token": grant["access"], "token_type": "Bearer",
                                "expires_in": 600, "scope": "openid email profile",
                                "id_token": issuer.id_token(grant["claims"])})  # fmt: skip
            else:
                self._json({"error": "not_found"}, 404)

    return Handler


@contextlib.contextmanager
def running_issuer() -> Iterator[Issuer]:
    """The stub issuer on a free 127.0.0.1 port, for the duration of the block."""
    issuer = Issuer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(issuer))
    issuer.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()


def auth_secrets(issuer: Issuer, app_url: str) -> str:
    """The ``[auth]`` table of ``.streamlit/secrets.toml`` for an app at ``app_url``."""
    return (
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{issuer.url}/.well-known/openid-configuration"\n'
    )

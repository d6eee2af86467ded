"""Secrets out of the evidence archive, before a byte of an exchange is written.

Takes the audit's credentials (name → value) and one exchange's URL, headers and body; gives
them as they may be kept:

* URLs: the value of every query parameter that carries a credential (``key``, ``api_key``,
  ``access_token``, ``token``, anything named like a token, secret or password) becomes
  ``REDACTED``, and every configured credential value, in any spelling, ``[REDACTED:NAME]``;
* headers: the value of every header that carries one (``Authorization``, ``Cookie``,
  ``Set-Cookie``, ``X-Goog-Api-Key``, anything named like a token, key or secret) becomes
  ``[REDACTED]``; other values are redacted by value;
* bodies: every configured credential, and every credential the request's URL carried, is
  replaced by value. A body in a Content-Encoding is inflated first (no further than the
  fetcher's cap) when there is anything to look for, and kept inflated.

The same rewriting of a URL is the key replay looks it up by (:func:`Secrets.url`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

import httpx

from auditor.fetch.credentials import CREDENTIAL_HEADERS, CREDENTIAL_PARAMETERS
from auditor.redact import Redactor

Pairs = list[tuple[str, str]]  # headers: names as sent, values
REDACTED = "REDACTED"
HEADER_MARKER = "[REDACTED]"
_SECRET_NAME = re.compile(r"token|secret|passw|api[-_]?key|cookie|session|authori[sz]ation|signature", re.IGNORECASE)
_SECRET_PARAMETERS = CREDENTIAL_PARAMETERS | {"api-key", "sig", "signature", "password", "secret", "auth"}
_JSON_TOKEN = re.compile(rb'("(?:access_token|refresh_token|id_token|client_secret|token|api_key|secret)"\s*:\s*")'
                         rb'(?:[^"\\]|\\.)*"')
_INFLATE_STEP = 1024  # compressed bytes inflated at a time, so a bomb is stopped near the cap


def secret_header(name: str) -> bool:
    """Whether a header of this name carries a credential or a session."""
    lowered = name.lower()
    return lowered in CREDENTIAL_HEADERS or lowered == "set-cookie" or bool(_SECRET_NAME.search(lowered))


def secret_parameter(name: str) -> bool:
    """Whether a query parameter of this name carries a credential."""
    lowered = unquote_plus(name).lower()
    return lowered in _SECRET_PARAMETERS or bool(_SECRET_NAME.search(lowered))


def _split_query(url: str) -> tuple[str, str, str]:
    """``url`` as the part before the query, the query, and the fragment with its ``#``."""
    base, hashmark, fragment = url.partition("#")
    path, _, query = base.partition("?")
    return path, query, hashmark + fragment


def url_parameters(url: str) -> dict[str, str]:
    """The credentials ``url`` carries in its query, by parameter name."""
    _, query, _ = _split_query(url)
    found: dict[str, str] = {}
    for piece in query.split("&") if query else ():
        name, equals, value = piece.partition("=")
        if equals and value and secret_parameter(name):
            found[f"query:{unquote_plus(name)}"] = unquote_plus(value)
    return found


@dataclass(frozen=True)
class Secrets:
    """What must not be written, and how each kind of text is rewritten without it."""

    text: Redactor  # credential values, for URLs and header values
    raw: Redactor  # the same values as their UTF-8 bytes read as Latin-1, for bodies
    credentials: Mapping[str, str]

    @classmethod
    def of(cls, credentials: Mapping[str, str]) -> "Secrets":
        values = {name: value for name, value in credentials.items() if isinstance(value, str)}
        raw = {name: value.encode("utf-8").decode("latin-1") for name, value in values.items()}
        return cls(Redactor.of(values), Redactor.of(raw), values)

    def __bool__(self) -> bool:
        return bool(self.text)

    def for_url(self, url: str) -> "Secrets":
        """These secrets and the ones ``url`` carries in its query (which a server may echo)."""
        carried = url_parameters(url)
        return Secrets.of({**self.credentials, **carried}) if carried else self

    def url(self, url: str) -> str:
        path, query, fragment = _split_query(url)
        if query:
            pieces = []
            for piece in query.split("&"):
                name, equals, value = piece.partition("=")
                pieces.append(f"{name}={REDACTED}" if equals and value and secret_parameter(name) else piece)
            path += "?" + "&".join(pieces)
        return self.text.text(path + fragment)

    def headers(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, HEADER_MARKER if secret_header(name) else self.text.text(value)) for name, value in pairs]

    def body(self, body: bytes) -> bytes:
        if not self.raw or not body:
            return body
        return self.raw.text(body.decode("latin-1")).encode("latin-1")

    def response_body(self, headers: Pairs, body: bytes, cap: int) -> tuple[Pairs, bytes]:
        """A response's headers and body with the secrets out; an encoded body is kept inflated when
        there are secrets to look for (its Content-Encoding and Content-Length then go). A JSON body's
        tokens (an OAuth ``access_token`` handed out) are secrets whatever is configured."""
        headers, body = self._response_body(headers, body, cap)
        kind = next((value for name, value in headers if name.lower() == "content-type"), "")
        if "json" in kind.lower() and _JSON_TOKEN.search(body):
            clean = _JSON_TOKEN.sub(lambda m: m.group(1) + REDACTED.encode() + b'"', body)
            headers = [(n, str(len(clean)) if n.lower() == "content-length" else v) for n, v in headers]
            return headers, clean
        return headers, body

    def _response_body(self, headers: Pairs, body: bytes, cap: int) -> tuple[Pairs, bytes]:
        if not self.raw or not body:
            return headers, body
        encoding = next((value for name, value in headers if name.lower() == "content-encoding"), "")
        if encoding.strip().lower() not in ("", "identity"):
            inflated = _inflate(encoding, body, cap)
            if inflated is None:  # not inflatable: the fetcher could not read it either
                return headers, self.body(body)
            headers = [(n, v) for n, v in headers if n.lower() not in ("content-encoding", "content-length")]
            return headers, self.body(inflated)
        clean = self.body(body)
        if clean != body:
            headers = [(n, str(len(clean)) if n.lower() == "content-length" else v) for n, v in headers]
        return headers, clean


class _Pieces(httpx.SyncByteStream):
    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.data), _INFLATE_STEP):
            yield self.data[start:start + _INFLATE_STEP]


def _inflate(encoding: str, body: bytes, cap: int) -> bytes | None:
    """``body`` undone from ``encoding`` (httpx's decoders), at most a little past ``cap``; None if it cannot be."""
    from httpx._decoders import SUPPORTED_DECODERS  # what httpx would undo; any other coding it passes through

    if any(coding.strip().lower() not in SUPPORTED_DECODERS for coding in encoding.split(",") if coding.strip()):
        return None
    response = httpx.Response(200, headers={"content-encoding": encoding}, stream=_Pieces(body))
    out = bytearray()
    try:
        for chunk in response.iter_bytes():
            out += chunk
            if len(out) > cap:
                break
    except httpx.DecodingError:
        return None
    finally:
        response.close()
    return bytes(out)

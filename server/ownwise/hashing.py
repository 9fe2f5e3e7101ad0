"""Every hash ownwise stores, in one place (standard library only: the agents' hook imports it).

The server and the hook must agree byte for byte: the server finds an agent's
recorded edit by the SHA-256 of the text it mirrors (:func:`text_hash`) and
diffs the hook's per-line hashes (:func:`line_hash`) against its own lines.
Text is encoded as UTF-8 with ``surrogatepass``, so a lone surrogate a client
sent hashes instead of raising.
"""

from __future__ import annotations

import hashlib
import re

_BREAKS = re.compile(r"\r\n|\r|\n")


def bytes_hash(raw: bytes) -> str:
    """SHA-256 of raw bytes, hex (a file that is not UTF-8 text, a config file's bytes)."""
    return hashlib.sha256(raw).hexdigest()


def text_hash(text: str) -> str:
    """SHA-256 of a text, hex: documents, inserted AI text, prompt code, agents' files."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def line_hash(line: str) -> str:
    """A short hash of one line, without its line break: what the server diffs with the hook's."""
    return hashlib.blake2b(line.rstrip("\r\n").encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def split(text: str) -> list[str]:
    """Lines as the server's document mirror has them, without breaks (a trailing break leaves a last "")."""
    return _BREAKS.split(text)


def line_hashes(text: str) -> list[str]:
    """:func:`line_hash` of every line of ``text`` (as :func:`split` cuts it)."""
    return [line_hash(x) for x in _BREAKS.split(text)]


__all__ = ["bytes_hash", "line_hash", "line_hashes", "split", "text_hash"]

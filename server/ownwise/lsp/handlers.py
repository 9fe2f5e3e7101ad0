"""The one handler convention of ``lsp/``: params validated against their model, the store required.

Every ``ownwise/*`` handler takes the server first (``ls``) and the raw JSON
params; it validates them with :func:`validated` (a bad request gets
``-32602`` with the short error text) and gets the database with
:func:`require_database` (``-32603`` saying why it is not available). Feature
modules register their handlers with a ``register(server)`` function.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from ..engine import Engine

M = TypeVar("M", bound=BaseModel)


def brief(exc: ValidationError) -> str:
    """``loc: message; …``: what a client's author needs, without pydantic's boilerplate."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'params'}: {e['msg']}" for e in exc.errors())


def validated(model: type[M], raw: Any, method: str) -> M:
    """``raw`` as ``model``; ``-32602`` (``METHOD: loc: message``) when it does not fit."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise JsonRpcInvalidParams(f"{method}: {brief(exc)}") from None


def unavailable(method: str, why: object) -> JsonRpcInternalError:
    """``-32603``: the database cannot be used, and why."""
    return JsonRpcInternalError(f"{method}: the ownwise database is not available ({why})")


def require_database(engine: Engine, method: str) -> Engine:
    """The engine, once its database is open; ``-32603`` saying why it cannot be when it cannot."""
    if not engine.open_store():
        raise unavailable(method, engine.recorder.store_error)
    return engine


__all__ = ["brief", "require_database", "unavailable", "validated"]

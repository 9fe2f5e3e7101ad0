"""The typed contract with the clients: JSON Schema from the models, TypeScript from the schema.

The models are ``protocol.py``'s (the params the server validates) and ``results.py``'s (what it sends).

``python -m ownwise.lsp.contract --write`` regenerates ``docs/protocol.schema.json``
and ``client-vscode/src/protocol.ts`` (both checked in);
``tests/unit/test_contract.py`` fails when either is out of date. The VS Code
client sends and receives every ``ownwise/*`` message through those types
(``client-vscode/src/rpc.ts``), so a change on one side that the other does not
follow fails to compile instead of drifting.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import results as R

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_FILE = ROOT / "docs" / "protocol.schema.json"
TS_FILE = ROOT / "client-vscode" / "src" / "protocol.ts"
REF = "#/$defs/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def schema() -> dict[str, Any]:
    """One JSON Schema: every model under ``$defs``, and the methods naming theirs."""
    params = {m for m, _r in R.REQUESTS.values()} | set(R.CLIENT_NOTIFICATIONS.values())
    params |= {a for a, _r in R.COMMANDS.values() if a is not None}
    results = {r for _p, r in R.REQUESTS.values()} | set(R.SERVER_NOTIFICATIONS.values())
    results |= {r for _a, r in R.COMMANDS.values()}
    pairs: list[tuple[type[BaseModel], Any]] = [(m, "validation") for m in sorted(params, key=lambda m: m.__name__)]
    pairs += [(m, "serialization") for m in sorted(results, key=lambda m: m.__name__)]
    _keys, defs = models_json_schema(pairs, by_alias=True, ref_template=REF + "{model}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ownwise LSP extensions (docs/protocol.md)",
        "$defs": dict(sorted(defs["$defs"].items())),
        "requests": {m: {"params": _ref(p.__name__), "result": _ref(r.__name__)}
                     for m, (p, r) in sorted(R.REQUESTS.items())},
        "clientNotifications": {m: {"params": _ref(p.__name__)} for m, p in sorted(R.CLIENT_NOTIFICATIONS.items())},
        "serverNotifications": {m: {"params": _ref(p.__name__)} for m, p in sorted(R.SERVER_NOTIFICATIONS.items())},
        "commands": {c: {"arguments": [_ref(a.__name__)] if a else [], "result": _ref(r.__name__)}
                     for c, (a, r) in sorted(R.COMMANDS.items())},
    }


# --------------------------------------------------------------- TypeScript
def _ts(s: dict[str, Any], indent: str = "") -> str:
    """The TypeScript type of a JSON Schema (the subset pydantic writes for these models)."""
    if "$ref" in s:
        return s["$ref"].removeprefix(REF)
    if "anyOf" in s:
        parts = [_ts(x, indent) for x in s["anyOf"]]
        return " | ".join(dict.fromkeys(parts))
    if "const" in s:
        return json.dumps(s["const"])
    if "enum" in s:
        return " | ".join(json.dumps(v) for v in s["enum"])
    t = s.get("type")
    if t == "string":
        return "string"
    if t in ("integer", "number"):
        return "number"
    if t == "boolean":
        return "boolean"
    if t == "null":
        return "null"
    if t == "array":
        item = _ts(s.get("items", {}), indent)
        return f"({item})[]" if "|" in item else f"{item}[]"
    if t == "object":
        if "properties" in s:
            return _interface_body(s, indent)
        extra = s.get("additionalProperties")
        return f"Record<string, {_ts(extra, indent) if isinstance(extra, dict) else 'unknown'}>"
    return "unknown"


def _doc(s: dict[str, Any], indent: str) -> list[str]:
    text = (s.get("description") or "").strip()
    if not text:
        return []
    return [f"{indent}/** {' '.join(text.split())} */"]


def _interface_body(s: dict[str, Any], indent: str) -> str:
    required = set(s.get("required", []))
    inner = indent + "  "
    lines = ["{"]
    for name, prop in s["properties"].items():
        lines += _doc(prop, inner)
        opt = "" if name in required else "?"
        lines.append(f"{inner}{name}{opt}: {_ts(prop, inner)};")
    if s.get("additionalProperties") not in (None, False):
        lines.append(f"{inner}[key: string]: unknown;")
    lines.append(indent + "}")
    return "\n".join(lines)


def typescript(sch: dict[str, Any]) -> str:
    out = ["// Generated from docs/protocol.schema.json by `python -m ownwise.lsp.contract --write`:",
           "// do not edit. The server's models are in server/ownwise/lsp/protocol.py.", ""]
    for name, s in sch["$defs"].items():
        out += _doc(s, "")
        if s.get("type") == "object" and "properties" in s:
            out.append(f"export interface {name} {_interface_body(s, '')}")
        elif s.get("type") == "object":
            out.append(f"export type {name} = Record<string, never>;")
        else:
            out.append(f"export type {name} = {_ts(s)};")
        out.append("")

    def table(title: str, doc: str, entries: dict[str, str]) -> None:
        out.append(f"/** {doc} */")
        out.append(f"export interface {title} {{")
        out.extend(f"  {json.dumps(k)}: {v};" for k, v in entries.items())
        out.extend(["}", ""])

    name = lambda r: r["$ref"].removeprefix(REF)  # noqa: E731
    table("Requests", "ownwise/* requests (client → server): params and result.",
          {m: f"{{ params: {name(x['params'])}; result: {name(x['result'])} }}" for m, x in sch["requests"].items()})
    table("ClientNotifications", "ownwise/* notifications the client sends.",
          {m: name(x["params"]) for m, x in sch["clientNotifications"].items()})
    table("ServerNotifications", "ownwise/* notifications the server sends.",
          {m: name(x["params"]) for m, x in sch["serverNotifications"].items()})
    table("Commands", "workspace/executeCommand commands: their arguments and result.",
          {c: f"{{ arguments: [{', '.join(name(a) + '?' for a in x['arguments'])}]; result: {name(x['result'])} }}"
           for c, x in sch["commands"].items()})
    return "\n".join(out).rstrip() + "\n"


def rendered() -> dict[Path, str]:
    sch = schema()
    return {SCHEMA_FILE: json.dumps(sch, indent=2, ensure_ascii=False) + "\n", TS_FILE: typescript(sch)}


def main(argv: list[str]) -> int:
    stale = [path for path, text in rendered().items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    if "--write" in argv:
        for path, text in rendered().items():
            path.write_text(text, encoding="utf-8")
        return 0
    for path in stale:
        sys.stderr.write(f"{path} is out of date: python -m ownwise.lsp.contract --write\n")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

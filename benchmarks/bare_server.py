"""A bare pygls 2 language server: the baseline for ``bench_lsp.py``.

It mirrors open documents with pygls's own workspace (``didOpen`` /
``didChange`` are handled by pygls's built-in features, incremental sync) and
answers the same custom messages as ownwise, so both servers can be fed the
identical message stream:

* request ``ownwise/fileInfo`` ``{uri}`` -> ``{"lines": len(doc.lines)}``
* notification ``ownwise/editHint`` -> ignored

Run with ``python benchmarks/bare_server.py`` (speaks LSP on stdio).
"""

from __future__ import annotations

import logging

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer(
    "ownwise-bench-bare",
    "0.1.0",
    text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
)


def _get(params, name):
    """Custom params arrive as namedtuples (pygls) - accept dicts too."""
    if isinstance(params, dict):
        return params.get(name)
    return getattr(params, name, None)


@server.feature("ownwise/fileInfo")
def file_info(ls: LanguageServer, params):
    doc = ls.workspace.get_text_document(_get(params, "uri"))
    return {"lines": len(doc.lines)}


@server.feature("ownwise/editHint")
def edit_hint(ls: LanguageServer, params) -> None:
    return None


def main() -> None:
    # Same level as ownwise is expected to run at: logging must not dominate.
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("pygls").setLevel(logging.WARNING)
    server.start_io()


if __name__ == "__main__":
    main()

"""Attribution that travels with the code: Agent Trace records in git notes (docs/git.md).

One record per commit in ``refs/notes/agent-trace`` (JSON Lines), written by the running server
when it sees a commit in the HEAD reflog, by ``ownwise trace backfill`` for commits made while no
editor ran, and by the optional git hook; read back by ``ownwise blame``, ``trace stats``,
``trace review``, ``team-report --git`` and the editor's hover.

Nothing here is imported at the server's start-up: the feature loads it on first use.
"""

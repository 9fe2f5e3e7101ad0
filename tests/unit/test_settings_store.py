from ownwise.settings import Settings, parse_settings
from ownwise.store import EditRecord, Store, WriteQueue


def test_invalid_setting_is_named_and_defaults_kept():
    s, errors = parse_settings({"storeSnippets": "maybe", "attribution": {"suspectedMinLines": 0,
                                                                          "suspectedCountsAsAI": True}})
    assert s.store_snippets is True and s.attribution.suspected_min_lines == 2
    assert s.attribution.suspected_counts_as_ai is True
    assert any("ownwise.storeSnippets" in e for e in errors)
    assert any("ownwise.attribution.suspectedMinLines" in e for e in errors)


def test_settings_not_an_object():
    s, errors = parse_settings(["nope"])
    assert s == Settings() and errors


def test_write_queue_keeps_items_when_the_database_fails(tmp_path):
    store, _ = Store.open(tmp_path / "o.db")
    q = WriteQueue()
    q.add_edit(EditRecord(id="a", ts="t", path="p", uri="u", ownership_class="core", kind="chatEdit",
                          ai=True, lines=1, chars=1, content_hash="h"))
    store.db.execute("PRAGMA query_only = ON")  # every write now fails
    errors = []
    assert q.flush(store, on_error=errors.append) == 0
    assert errors and len(q.edits) == 1
    store.close()
    store, _ = Store.open(tmp_path / "fresh.db")
    assert q.flush(store) == 1 and store.edit_count() == 1 and len(q) == 0


def test_write_queue_inserts_a_queued_prompt_once(tmp_path):
    from ownwise.store import Prompt

    store, _ = Store.open(tmp_path / "o.db")
    p = Prompt(id="0123456789ab", session_id=7, kind="explain", status="pending", path="src/a.py",
               uri="file:///ws/src/a.py", code="x = 1\n", created_at="t", updated_at="t")
    q = WriteQueue()
    q.add_prompts([p])
    store.db.execute("PRAGMA query_only = ON")  # the write fails: the prompt stays queued
    assert q.flush(store) == 0 and list(q.prompts) == [p.id]
    store.db.execute("PRAGMA query_only = OFF")
    assert q.flush(store) == 1 and len(q) == 0
    assert q.flush(store) == 0
    store.update_prompts([p.id], status="answered")
    q.add_prompts([p])  # the same prompt queued again: neither a second row nor a failed flush
    assert q.flush(store) == 1 and len(q) == 0
    assert [(x.id, x.status) for x in store.prompts()] == [(p.id, "answered")]


def test_a_failed_open_closes_its_file_at_once(tmp_path):
    """The server retries a broken database every few seconds: each failed open must give its
    file handle back itself, not leave it to the garbage collector (disabled here)."""
    import gc
    import os

    import pytest

    from ownwise.store import StoreError

    bad = tmp_path / "o.db"
    bad.write_bytes(b"this is not a database" * 100)
    before = bad.read_bytes()
    fds = lambda: len(os.listdir("/proc/self/fd"))  # noqa: E731
    gc.disable()
    try:
        start = fds()
        for _ in range(20):
            with pytest.raises(StoreError, match="cannot be used"):
                Store.open(bad)
        assert fds() == start
    finally:
        gc.enable()
    assert bad.read_bytes() == before

"""Learning from the user: after a per-file override, a rule for the file's siblings, shown as the
TOML it would add and written before the rules already there (first match wins)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownwise.ownership import Classifier, OwnershipClass, load_workspace_rules
from ownwise.ownership.config import add_rule, suggest_rule

R = OwnershipClass.REPEATABLE


def _ws(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def test_a_rule_for_the_siblings_goes_first_in_ownwise_toml_and_keeps_the_rest(tmp_path: Path) -> None:
    existing = '# my rules\n[other]\nx = 1\n\n[[ownership.rules]]\nglob = "src/**"\nclass = "core"\n'
    ws = _ws(tmp_path, {".ownwise.toml": existing, "src/items/Add.tsx": "", "src/items/Delete.tsx": "",
                        "src/items/list/Table.tsx": ""})
    s = suggest_rule(ws, ws / "src/items/Add.tsx", R)
    assert s is not None and (s.glob, s.siblings, s.file) == ("src/items/**", 2, ws / ".ownwise.toml")
    assert s.text == '[[ownership.rules]]\nglob = "src/items/**"\nclass = "repeatable"\n'
    add_rule(s)
    text = (ws / ".ownwise.toml").read_text()
    tail = '\n[[ownership.rules]]\nglob = "src/**"\nclass = "core"\n'
    assert text == '# my rules\n[other]\nx = 1\n\n' + s.text + tail
    rules, errors, _ = load_workspace_rules(ws)
    assert not errors and [r.glob for r in rules] == ["src/items/**", "src/**"]
    c = Classifier()
    c.set_workspace_rules(ws, rules)
    assert c.classify(ws / "src/items/Delete.tsx").cls is R
    assert c.classify(ws / "src/other.ts").cls is OwnershipClass.CORE


def test_a_workspace_without_rules_gets_an_ownwise_toml(tmp_path: Path) -> None:
    ws = _ws(tmp_path, {"app/routes/a.py": "", "app/routes/b.py": ""})
    s = suggest_rule(ws, ws / "app/routes/a.py", R)
    assert s is not None
    add_rule(s)
    assert (ws / ".ownwise.toml").read_text() == s.text


def test_pyproject_rules_get_the_new_rule_when_they_are_where_the_rules_live(tmp_path: Path) -> None:
    py = '[project]\nname = "x"\n\n[[tool.ownwise.ownership.rules]]\nglob = "a/**"\nclass = "core"\n'
    ws = _ws(tmp_path, {"pyproject.toml": py, "pkg/a.py": "", "pkg/b.py": ""})
    s = suggest_rule(ws, ws / "pkg/a.py", R)
    assert s is not None and s.file == ws / "pyproject.toml"
    add_rule(s)
    rules, errors, _ = load_workspace_rules(ws)
    assert not errors and [r.glob for r in rules] == ["pkg/**", "a/**"]
    assert (ws / "pyproject.toml").read_text().startswith('[project]\nname = "x"\n\n[[tool.ownwise.ownership.rules]]\n'
                                                          'glob = "pkg/**"')


def test_no_suggestion_at_the_root_or_without_siblings_and_inline_rules_are_left_to_the_user(tmp_path: Path) -> None:
    ws = _ws(tmp_path, {"a.py": "", "b.py": "", "lone/x.py": "",
                        ".ownwise.toml": 'ownership.rules = [{ glob = "x/**", class = "core" }]\n',
                        "src/a.py": "", "src/b.py": ""})
    assert suggest_rule(ws, ws / "a.py", R) is None
    assert suggest_rule(ws, ws / "lone/x.py", R) is None
    s = suggest_rule(ws, ws / "src/a.py", R)
    assert s is not None
    before = (ws / ".ownwise.toml").read_bytes()
    with pytest.raises(ValueError, match="inline"):
        add_rule(s)
    assert (ws / ".ownwise.toml").read_bytes() == before

"""Tests of the Ownership Matrix: rules, defaults, config files, settings, precedence."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownwise.ownership import (
    DEFAULT_GROUPS,
    DEFAULT_RULES,
    Classifier,
    ConfigError,
    Decision,
    OwnershipClass,
    Rule,
    find_workspace_root,
    load_workspace_rules,
    rules_from_settings,
    validate_glob,
)

T, R, C = OwnershipClass.TRANSIENT, OwnershipClass.REPEATABLE, OwnershipClass.CORE
WS = Path("/ws")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ownership.md"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def classifier() -> Classifier:
    c = Classifier()
    c.set_workspace_rules(WS, [])
    return c


# --------------------------------------------------------------------------
# Built-in defaults


@pytest.mark.parametrize(
    ("relpath", "cls", "reason"),
    [
        # generated / vendored / build output / lock files
        ("proto/api_pb2.py", T, "generated code (glob '*_pb2.py' -> transient)"),
        ("proto/api_pb2_grpc.py", T, "generated code (glob '*_pb2_grpc.py' -> transient)"),
        ("api/api.pb.go", T, "generated code (glob '*.pb.go' -> transient)"),
        ("src/Client.generated.cs", T, "generated code (glob '*.generated.*' -> transient)"),
        ("lib/model.g.dart", T, "generated code (glob '*.g.dart' -> transient)"),
        ("static/app.min.js", T, "generated code (glob '*.min.js' -> transient)"),
        ("src/generated/models.py", T, "generated code (glob 'generated/' -> transient)"),
        ("web/node_modules/react/index.js", T, "vendored or built files (glob 'node_modules/' -> transient)"),
        ("vendor/github.com/x/y.go", T, "vendored or built files (glob 'vendor/' -> transient)"),
        ("dist/app.js", T, "vendored or built files (glob 'dist/' -> transient)"),
        ("poetry.lock", T, "lock files (glob '*.lock' -> transient)"),
        ("web/package-lock.json", T, "lock files (glob 'package-lock.json' -> transient)"),
        ("src/types/env.d.ts", T, "type declarations (glob '*.d.ts' -> transient)"),
        ("frontend/src/routeTree.gen.ts", T, "generated code (glob '*.gen.*' -> transient)"),
        # documentation, configuration, assets, translations: before tests (a README in tests/ is prose)
        ("README.md", T, "documentation (glob '*.md' -> transient)"),
        ("docs/index.rst", T, "documentation (glob '*.rst' -> transient)"),
        ("tests/e2e/README.md", T, "documentation (glob '*.md' -> transient)"),
        ("LICENSE", T, "documentation (glob 'LICENSE*' -> transient)"),
        ("package.json", T, "configuration (glob '*.json' -> transient)"),
        ("config/settings.yaml", T, "configuration (glob '*.yaml' -> transient)"),
        ("pyproject.toml", T, "configuration (glob '*.toml' -> transient)"),
        (".env.local", T, "configuration (glob '.env*' -> transient)"),
        ("requirements.txt", T, "configuration (glob 'requirements*.txt' -> transient)"),
        ("requirements-dev.txt", T, "configuration (glob 'requirements*.txt' -> transient)"),
        ("tests/fixtures/data.json", T, "configuration (glob '*.json' -> transient)"),
        ("docker-compose.override.yml", T, "configuration (glob '*.yml' -> transient)"),
        (".github/workflows/ci.yml", T, "configuration (glob '*.yml' -> transient)"),
        ("infra/versions.tf", T, "configuration (glob 'versions.tf' -> transient)"),
        ("go.mod", T, "configuration (glob 'go.mod' -> transient)"),
        (".gitignore", T, "configuration (glob '.*ignore' -> transient)"),
        ("web/src/index.css", T, "assets (glob '*.css' -> transient)"),
        ("assets/logo.png", T, "assets (glob '*.png' -> transient)"),
        ("src/locales/de.ts", T, "translations (glob 'locales/' -> transient)"),
        ("po/fr.po", T, "translations (glob '*.po' -> transient)"),
        # tests, fixtures, benchmarks, migrations
        ("tests/test_api.py", R, "tests (glob 'test_*.py' -> repeatable)"),
        ("pkg/api_test.py", R, "tests (glob '*_test.py' -> repeatable)"),
        ("scripts/release_tests.py", R, "tests (glob '*_tests.py' -> repeatable)"),
        ("pkg/handler_test.go", R, "tests (glob '*_test.go' -> repeatable)"),
        ("tests/helpers.py", R, "tests (glob 'tests/' -> repeatable)"),
        ("src/test/java/com/x/AppTest.java", R, "tests (glob '*Test.java' -> repeatable)"),
        ("src/test/java/com/x/Helpers.java", R, "tests (glob 'test/' -> repeatable)"),
        ("src/__tests__/App.jsx", R, "tests (glob '__tests__/' -> repeatable)"),
        ("src/App.test.tsx", R, "tests (glob '*.test.*' -> repeatable)"),
        ("src/app.spec.ts", R, "tests (glob '*.spec.*' -> repeatable)"),
        ("spec/models/user_spec.rb", R, "tests (glob '*_spec.rb' -> repeatable)"),
        ("spec/support/helpers.rb", R, "tests (glob 'spec/' -> repeatable)"),
        ("conftest.py", R, "tests (glob 'conftest.py' -> repeatable)"),
        ("okhttp-testing-support/src/Rec.kt", R, "tests (glob '*-testing-support/' -> repeatable)"),
        ("app/fixtures/users.py", R, "test fixtures (glob 'fixtures/' -> repeatable)"),
        ("benchmarks/bench_parse.py", R, "benchmarks (glob 'benchmarks/' -> repeatable)"),
        ("backend/app/alembic/env.py", T, "migration boilerplate (glob '**/alembic/env.py' -> transient)"),
        ("app/migrations/0001_initial.py", R, "migrations (glob 'migrations/' -> repeatable)"),
        ("alembic/versions/abc.py", R, "migrations (glob 'alembic/' -> repeatable)"),
        ("db/migrate/20240101_create_users.rb", R, "migrations (glob '**/db/migrate/' -> repeatable)"),
        ("backend/db/migrate/1_x.rb", R, "migrations (glob '**/db/migrate/' -> repeatable)"),
        # infrastructure, scripts, boilerplate
        ("Dockerfile.prod", T, "infrastructure (glob 'Dockerfile*' -> transient)"),
        ("Makefile", T, "infrastructure (glob 'Makefile' -> transient)"),
        ("makefile", T, "infrastructure (glob 'Makefile' -> transient)"),  # case-insensitive
        ("k8s/app/deploy.py", T, "infrastructure (glob 'k8s/' -> transient)"),
        ("build.gradle.kts", T, "infrastructure (glob '*.gradle.kts' -> transient)"),
        ("crates/core/build.rs", T, "infrastructure (glob 'build.rs' -> transient)"),
        ("scripts/backfill.py", T, "scripts (glob 'scripts/' -> transient)"),
        ("bin/release.sh", T, "scripts (glob '*.sh' -> transient)"),
        ("setup.py", T, "project boilerplate (glob 'setup.py' -> transient)"),
        ("noxfile.py", T, "project boilerplate (glob 'noxfile.py' -> transient)"),
        ("tasks.py", T, "project boilerplate (glob '/tasks.py' -> transient)"),
        ("proj/manage.py", T, "project boilerplate (glob 'manage.py' -> transient)"),
    ],
)
def test_default_rule_table(classifier: Classifier, relpath: str, cls: OwnershipClass, reason: str) -> None:
    decision = classifier.classify(WS / relpath)
    assert decision == Decision(cls, "default", f"built-in default: {reason}")


@pytest.mark.parametrize(
    ("relpath", "cls"),
    [
        # no built-in rule names these: with no content read, source code is repeatable until it is
        ("src/engine/planner.py", R), ("app/routes/users.py", R), ("shop/views.py", R), ("src/lib.rs", R),
        ("cmd/main.go", R), ("web/src/App.tsx", R), ("include/vec.hpp", R), ("db/queries.sql", R),
        ("infra/main.tf", T), ("templates/page.html", T), ("data/table.bin", T),
    ],
)
def test_paths_no_rule_names_wait_for_their_content(classifier: Classifier, relpath: str,
                                                    cls: OwnershipClass) -> None:
    d = classifier.classify(WS / relpath)
    assert (d.cls, d.source) == (cls, "default")
    assert ("content was not read" in d.rule) == (cls is R)


def test_every_default_glob_is_valid_and_case_insensitive() -> None:
    for rule in DEFAULT_RULES:
        assert validate_glob(rule.glob) is None, rule
        assert rule.origin.startswith("built-in default: ")
        assert not rule.case_sensitive


def test_docs_list_every_default_glob_and_reason() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    missing = [r.glob for r in DEFAULT_RULES if f"`{r.glob}`" not in docs]
    assert not missing
    for group in DEFAULT_GROUPS:
        assert group.name in docs
        assert group.reason in docs


# --------------------------------------------------------------------------
# Rules


def test_rule_matches_gitignore_semantics() -> None:
    anchored = Rule("src/core/**", C, "x")
    assert anchored.matches("src/core/a/b.py")
    assert not anchored.matches("lib/src/core/a.py")
    directory = Rule("build/", T, "x")
    assert directory.matches("a/build/x.o")
    assert not directory.matches("build")  # a file named build, not a directory
    basename = Rule("*.py", C, "x")
    assert basename.matches("a/b/c.py")
    assert not basename.matches("a/b/c.pyc")


def test_default_rules_compile_on_first_match_only_when_a_path_could_match() -> None:
    # start-up: the ~150 default globs are not compiled at import, and a path lacking a
    # glob's literal pieces never compiles it (a .py file compiles two, not a hundred)
    c = Classifier([Rule(r.glob, r.cls, r.origin, case_sensitive=False, _lazy=True) for r in DEFAULT_RULES])
    assert all(r._spec is None for r in c.default_rules())
    assert c.classify(WS / "src" / "hello.md").rule == "built-in default: documentation (glob '*.md' -> transient)"
    assert [r.glob for r in c.default_rules() if r._spec is not None] == ["*.md"]


_GLOB_CHARS = st.sampled_from(["a", "b", ".", "_", "*", "**", "?", "/", "[ab]", "\\*", "A"])
_PATH_CHARS = st.sampled_from(["a", "b", ".", "_", "/", "*", "A", "ab"])


@settings(max_examples=400, deadline=None)
@given(glob=st.lists(_GLOB_CHARS, min_size=1, max_size=6).map("".join),
       path=st.lists(_PATH_CHARS, min_size=1, max_size=8).map("".join),
       case_sensitive=st.booleans())
def test_rule_matches_exactly_as_its_compiled_glob(glob: str, path: str, case_sensitive: bool) -> None:
    # the literal-piece shortcut in Rule.matches never changes an answer
    import pathspec

    if validate_glob(glob) is not None or path.startswith("./"):
        return
    rule = Rule(glob, C, "x", case_sensitive=case_sensitive)
    g, p = (glob, path) if case_sensitive else (glob.lower(), path.lower())
    assert rule.matches(path) == pathspec.GitIgnoreSpec.from_lines([g]).match_file(p)


def test_user_rules_are_case_sensitive_defaults_are_not() -> None:
    assert not Rule("*.py", C, "x").matches("A.PY")
    assert Rule("*.py", C, "x", case_sensitive=False).matches("A.PY")


def test_rule_accepts_class_strings_and_rejects_bad_globs() -> None:
    assert Rule("*.py", "core", "x").cls is C  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Rule("!*.py", C, "x")
    with pytest.raises(ValueError):
        Rule("", C, "x")


@pytest.mark.parametrize("glob", ["", "   ", " a", "#x", "!x", "a\\", "a\nb", "[a-", 3, None])
def test_validate_glob_rejects(glob: object) -> None:
    assert validate_glob(glob) is not None


@pytest.mark.parametrize("glob", ["*", "src/", "/tasks.py", "**/db/migrate/", "a[bc].py", "src/core/**"])
def test_validate_glob_accepts(glob: str) -> None:
    assert validate_glob(glob) is None


def test_config_error_str() -> None:
    assert str(ConfigError("/ws/.ownwise.toml", 3, "bad")) == "/ws/.ownwise.toml:3: bad"
    assert str(ConfigError("/ws/.ownwise.toml", None, "bad")) == "/ws/.ownwise.toml: bad"


# --------------------------------------------------------------------------
# Precedence and roots


def test_precedence_override_workspace_settings_defaults() -> None:
    c = Classifier()
    path = WS / "src" / "app.py"
    assert c.classify(path).source == "default"
    assert c.classify(path).cls is R  # source code whose content was not read

    c.set_settings_rules([Rule("src/", R, "settings ownership.rules[0]")])
    assert c.classify(path) == Decision(
        R, "settings", "settings ownership.rules[0] (glob 'src/' -> repeatable)"
    )

    c.set_workspace_rules(WS, [Rule("*.py", T, "/ws/.ownwise.toml:4")])
    assert c.classify(path) == Decision(T, "workspace", "/ws/.ownwise.toml:4 (glob '*.py' -> transient)")

    assert c.classify(path, override=C) == Decision(C, "override", "per-file override")

    # a workspace rule that does not match falls through to settings, then defaults
    c.set_workspace_rules(WS, [Rule("*.go", T, "/ws/.ownwise.toml:4")])
    assert c.classify(path).source == "settings"
    assert c.classify(WS / "README.md").source == "default"


def test_workspace_rules_apply_only_inside_their_root() -> None:
    c = Classifier()
    c.set_workspace_rules(Path("/a"), [Rule("*.py", T, "/a/.ownwise.toml:1")])
    c.set_workspace_rules(Path("/b"), [])
    assert c.classify(Path("/a/x.py")).source == "workspace"
    assert c.classify(Path("/b/x.py")).source == "default"


def test_workspace_root_for_picks_the_longest_root() -> None:
    c = Classifier()
    # the inner root is registered first, so registration order cannot be what decides
    c.set_workspace_rules(Path("/repo/pkg"), [Rule("core/**", C, "/repo/pkg/.ownwise.toml:1")])
    c.set_workspace_rules(Path("/repo"), [Rule("pkg/**", T, "/repo/.ownwise.toml:1")])
    assert c.workspace_root_for(Path("/repo/pkg/core/a.md")) == Path("/repo/pkg")
    assert c.workspace_root_for(Path("/repo/other/a.py")) == Path("/repo")
    assert c.workspace_root_for(Path("/repo")) == Path("/repo")
    assert c.workspace_root_for(Path("/repository/a.py")) is None  # not a path prefix
    assert c.workspace_root_for(Path("/elsewhere/a.py")) is None
    # relpath is relative to the innermost root, and only its rules apply
    decision = c.classify(Path("/repo/pkg/core/a.md"))
    assert decision.source == "workspace" and decision.cls is C
    c.remove_workspace(Path("/repo/pkg"))
    assert c.classify(Path("/repo/pkg/core/a.md")).cls is T


def test_files_outside_any_root_match_the_absolute_path_without_slash() -> None:
    c = Classifier()
    c.set_settings_rules([Rule("home/", R, "settings ownership.rules[0]")])
    assert c.relpath(Path("/home/u/x.py")) == "home/u/x.py"
    assert c.classify(Path("/home/u/x.py")).source == "settings"
    assert c.classify(Path("/srv/tests/x.py")) == Decision(
        R, "default", "built-in default: tests (glob 'tests/' -> repeatable)"
    )
    # anchored defaults do not match outside a root, since the path is absolute
    assert c.classify(Path("/srv/tasks.py")).rule.startswith("built-in default: source code")


def test_relative_paths_are_outside_every_root(monkeypatch: pytest.MonkeyPatch) -> None:
    c = Classifier()
    c.set_workspace_rules(Path("/ws"), [Rule("*", C, "w")])
    monkeypatch.chdir("/")
    assert c.workspace_root_for(Path("ws/a.png")) is None
    assert c.relpath(Path("./ws/../Untitled-1")) == "Untitled-1"
    assert c.classify(Path("ws/a.png")).source == "default"


def test_workspace_roots_are_listed_normalised(tmp_path: Path) -> None:
    c = Classifier()
    c.set_workspace_rules(tmp_path / "a" / ".." / "b", [])
    assert c.workspace_roots() == [tmp_path / "b"]
    assert c.workspace_rules(tmp_path / "b") == []
    c.remove_workspace(tmp_path / "b")
    assert c.workspace_roots() == []


def test_paths_are_normalised_lexically() -> None:
    c = Classifier()
    c.set_workspace_rules(Path("/ws/"), [Rule("src/core/**", C, "w")])
    assert c.classify(Path("/ws/src/x/../core/a.md")).source == "workspace"


def test_custom_defaults_without_catch_all() -> None:
    c = Classifier(defaults=[Rule("*.py", C, "built-in default: source code", case_sensitive=False)])
    assert c.classify(Path("/x/a.png")) == Decision(T, "default", "built-in default: not recognised as source code")


# --------------------------------------------------------------------------
# Workspace files


def test_ownwise_toml_rules_with_origins_and_first_match_wins(tmp_path: Path) -> None:
    config = write(
        tmp_path / ".ownwise.toml",
        """
        # team rules
        [attribution]
        enabled = true

        [[ownership.rules]]
        glob = "src/core/legacy/**"
        class = "repeatable"

        [[ownership.rules]]   # the heart of it
        glob = "src/core/**"
        class = "core"

        [[ownership.rules]]
        class = "transient"
        glob = "*.py"
        """,
    )
    rules, errors, files = load_workspace_rules(tmp_path)
    assert errors == []
    assert files == [config]
    assert [(r.glob, r.cls, r.origin) for r in rules] == [
        ("src/core/legacy/**", R, f"{config}:5"),
        ("src/core/**", C, f"{config}:9"),
        ("*.py", T, f"{config}:13"),
    ]
    c = Classifier()
    c.set_workspace_rules(tmp_path, rules)
    assert c.classify(tmp_path / "src/core/legacy/old.py") == Decision(
        R, "workspace", f"{config}:5 (glob 'src/core/legacy/**' -> repeatable)"
    )
    assert c.classify(tmp_path / "src/core/engine.py").rule == f"{config}:9 (glob 'src/core/**' -> core)"
    assert c.classify(tmp_path / "src/ui/view.py").rule == f"{config}:13 (glob '*.py' -> transient)"
    assert c.classify(tmp_path / "README.md").source == "default"


def test_pyproject_rules_when_no_ownwise_toml(tmp_path: Path) -> None:
    pyproject = write(
        tmp_path / "pyproject.toml",
        """
        [project]
        name = "demo"

        [tool.ruff]
        line-length = 100

        [[tool.ownwise.ownership.rules]]
        glob = "demo/**"
        class = "core"

        [[tool.ownwise.ownership.rules]]
        glob = "demo/api/"
        class = "repeatable"
        """,
    )
    rules, errors, files = load_workspace_rules(tmp_path)
    assert errors == [] and files == [pyproject]
    assert [(r.glob, r.origin) for r in rules] == [
        ("demo/**", f"{pyproject}:7"),
        ("demo/api/", f"{pyproject}:11"),
    ]
    c = Classifier()
    c.set_workspace_rules(tmp_path, rules)
    # first match wins even though the second rule is more specific
    assert c.classify(tmp_path / "demo/api/users.py").cls is C


def test_ownwise_toml_shadows_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[[tool.ownwise.ownership.rules]]\nglob = "*"\nclass = "core"\n')
    ownwise = write(tmp_path / ".ownwise.toml", "# no rules yet\n")
    assert load_workspace_rules(tmp_path) == ([], [], [ownwise])


def test_no_config_files(tmp_path: Path) -> None:
    assert load_workspace_rules(tmp_path) == ([], [], [])


def test_pyproject_without_tool_ownwise(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.black]\nx = 1\n')
    assert load_workspace_rules(tmp_path) == ([], [], [pyproject])


def test_inline_array_origin_is_the_line_of_each_glob(tmp_path: Path) -> None:
    config = write(
        tmp_path / ".ownwise.toml",
        '''
        [ownership]
        rules = [
          # comment with a [ bracket and "quote
          { glob = "gen]/**", class = "transient" },

          {glob = 'docs/', class = "transient"}, {glob = "core/", class = "core"},
          { glob = """lib/""", class = "core" },
        ]
        note = [[1, 2], {a = "}"}]
        ''',
    )
    rules, errors, _ = load_workspace_rules(tmp_path)
    assert errors == []
    assert [(r.glob, r.origin) for r in rules] == [
        ("gen]/**", f"{config}:4"),
        ("docs/", f"{config}:6"),
        ("core/", f"{config}:6"),
        ("lib/", f"{config}:7"),
    ]


def test_dotted_key_inline_array_and_multiline_string_decoys(tmp_path: Path) -> None:
    config = write(
        tmp_path / ".ownwise.toml",
        '''
        description = """
        [[ownership.rules]]
        glob = "decoy"
        """
        ownership.rules = [
          {glob = "a/", class = "core"},
        ]
        ''',
    )
    rules, errors, _ = load_workspace_rules(tmp_path)
    assert errors == []
    assert [(r.glob, r.origin) for r in rules] == [("a/", f"{config}:6")]


def test_invalid_toml_reports_the_line(tmp_path: Path) -> None:
    config = write(
        tmp_path / ".ownwise.toml",
        """
        [[ownership.rules]]
        glob = "a/"
        class = "core"

        [[ownership.rules]]
        glob = "b/
        class = "core"
        """,
    )
    rules, errors, files = load_workspace_rules(tmp_path)
    assert rules == [] and files == [config]
    assert len(errors) == 1
    assert errors[0].file == str(config)
    assert errors[0].line == 6
    assert errors[0].message.startswith("invalid TOML: ")
    assert "at line" not in errors[0].message
    assert str(errors[0]).startswith(f"{config}:6: invalid TOML: ")


def test_invalid_pyproject_is_reported(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", "[project]\nname = \n")
    rules, errors, _ = load_workspace_rules(tmp_path)
    assert rules == []
    assert [(e.file, e.line) for e in errors] == [(str(pyproject), 2)]


def test_unknown_class_names_the_line_and_file_contributes_nothing(tmp_path: Path) -> None:
    config = write(
        tmp_path / ".ownwise.toml",
        """
        [[ownership.rules]]
        glob = "src/core/**"
        class = "core"

        [[ownership.rules]]
        glob = "src/**"
        class = "important"
        """,
    )
    rules, errors, _ = load_workspace_rules(tmp_path)
    assert rules == []
    assert errors == [
        ConfigError(
            str(config),
            7,
            "ownership.rules[1]: unknown class 'important' (expected one of: transient, repeatable, core)",
        )
    ]
    # the caller then falls through to settings and defaults
    c = Classifier()
    c.set_workspace_rules(tmp_path, rules)
    assert c.classify(tmp_path / "src/core/a.py").source == "default"


def test_bad_glob_names_the_line(tmp_path: Path) -> None:
    pyproject = write(
        tmp_path / "pyproject.toml",
        """
        [[tool.ownwise.ownership.rules]]
        glob = "ok/"
        class = "core"

        [[tool.ownwise.ownership.rules]]
        class = "core"
        glob = "!src/"
        """,
    )
    rules, errors, _ = load_workspace_rules(tmp_path)
    assert rules == []
    assert len(errors) == 1
    assert (errors[0].file, errors[0].line) == (str(pyproject), 7)
    assert errors[0].message.startswith("tool.ownwise.ownership.rules[1]: glob '!src/' is negated")


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ('[[ownership.rules]]\nclass = "core"\n', 1, 'ownership.rules[0]: missing "glob"'),
        ('[[ownership.rules]]\nglob = "a"\n', 1, 'ownership.rules[0]: missing "class"'),
        ('[[ownership.rules]]\nglob = 3\nclass = "core"\n', 2, "ownership.rules[0]: glob must be a string, not an integer"),
        ('[[ownership.rules]]\nglob = ""\nclass = "core"\n', 2, "ownership.rules[0]: glob is empty"),
        ('[[ownership.rules]]\nglob = "a"\nclass = 1\n', 3, "ownership.rules[0]: class must be a string"),
        ('[[ownership.rules]]\nglob = "a"\nclass = "core"\nclas = "x"\n', 4, "ownership.rules[0]: unknown key 'clas'"),
        ("\n[ownership]\nrules = \"src/\"\n", 3, "ownership.rules must be an array of tables, not a string"),
        ("\n\n[ownership.rules]\nglob = \"a\"\n", 3, "ownership.rules must be an array of tables, not a table"),
        ("ownership = 3\n", 1, "ownership must be a table, not an integer"),
        ("[ownership]\nrules = [\n  'src/',\n]\n", 3, "ownership.rules[0] must be a table"),
    ],
)
def test_structural_errors(tmp_path: Path, body: str, line: int, message: str) -> None:
    (tmp_path / ".ownwise.toml").write_text(body, encoding="utf-8")
    rules, errors, _ = load_workspace_rules(tmp_path)
    assert rules == []
    assert len(errors) == 1, errors
    assert errors[0].line == line
    assert errors[0].message.startswith(message)


def test_class_names_are_case_insensitive(tmp_path: Path) -> None:
    write(tmp_path / ".ownwise.toml", '[[ownership.rules]]\nglob = "a/"\nclass = "Core"\n')
    rules, errors, _ = load_workspace_rules(tmp_path)
    assert errors == [] and rules[0].cls is C


def test_every_error_in_a_file_is_reported_in_line_order(tmp_path: Path) -> None:
    write(
        tmp_path / ".ownwise.toml",
        '[[ownership.rules]]\nglob = "#x"\nclass = "nope"\n[[ownership.rules]]\nglob = "b"\nclass = "?"\n',
    )
    _, errors, _ = load_workspace_rules(tmp_path)
    assert [e.line for e in errors] == [2, 3, 6]


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / ".ownwise.toml").write_bytes(b'# ok\n# \xff\n')
    rules, errors, _ = load_workspace_rules(tmp_path)
    assert rules == [] and errors[0].line == 2 and "UTF-8" in errors[0].message


# --------------------------------------------------------------------------
# Settings


def test_rules_from_settings() -> None:
    rules, errors = rules_from_settings(
        [{"glob": "src/core/**", "class": "core"}, {"glob": "*.py", "class": "repeatable"}]
    )
    assert errors == []
    assert [(r.glob, r.cls, r.origin) for r in rules] == [
        ("src/core/**", C, "settings ownership.rules[0]"),
        ("*.py", R, "settings ownership.rules[1]"),
    ]
    assert rules_from_settings(None) == ([], [])
    assert rules_from_settings([]) == ([], [])


def test_settings_errors_name_the_index_and_contribute_nothing() -> None:
    rules, errors = rules_from_settings(
        [{"glob": "a/", "class": "core"}, {"glob": "b/", "class": "vital"}, "c/", {"class": "core"}]
    )
    assert rules == []
    assert errors == [
        "ownership.rules[1]: unknown class 'vital' (expected one of: transient, repeatable, core)",
        'ownership.rules[2] must be an object with "glob" and "class", not a string',
        'ownership.rules[3]: missing "glob"',
    ]


def test_settings_not_a_list() -> None:
    rules, errors = rules_from_settings({"glob": "a", "class": "core"})
    assert rules == []
    assert len(errors) == 1 and errors[0].startswith("ownership.rules must be a list")


# --------------------------------------------------------------------------
# find_workspace_root


def test_find_workspace_root_prefers_git_top_over_plain_pyproject(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(tmp_path / "repo" / "pkg" / "pyproject.toml", "[project]\nname = 'x'\n")
    source = write(tmp_path / "repo" / "pkg" / "src" / "a.py", "")
    assert find_workspace_root(source) == tmp_path / "repo"


def test_find_workspace_root_nearest_config(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(tmp_path / "repo" / ".ownwise.toml", "")
    write(tmp_path / "repo" / "pkg" / "pyproject.toml", "[tool.ownwise]\n")
    source = write(tmp_path / "repo" / "pkg" / "src" / "a.py", "")
    # .ownwise.toml anywhere up to the repository top beats pyproject [tool.ownwise]
    assert find_workspace_root(source) == tmp_path / "repo"
    (tmp_path / "repo" / ".ownwise.toml").unlink()
    assert find_workspace_root(source) == tmp_path / "repo" / "pkg"
    assert find_workspace_root(tmp_path / "repo" / "pkg") == tmp_path / "repo" / "pkg"


def test_find_workspace_root_does_not_look_above_the_repository(tmp_path: Path) -> None:
    write(tmp_path / ".ownwise.toml", "")
    source = write(tmp_path / "repo" / "a.py", "")
    (tmp_path / "repo" / ".git").write_text("gitdir: elsewhere\n")  # worktree: a file
    assert find_workspace_root(source) == tmp_path / "repo"


def test_find_workspace_root_pyproject_only_and_none(tmp_path: Path) -> None:
    write(tmp_path / "proj" / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_workspace_root(tmp_path / "proj" / "sub" / "missing.py") == tmp_path / "proj"
    (tmp_path / "bare" / "x").mkdir(parents=True)
    # nothing between here and / should hold a marker in a fresh tmp dir; if the
    # machine has one higher up, the answer is at least not inside tmp_path/bare
    found = find_workspace_root(tmp_path / "bare" / "x" / "a.py")
    assert found is None or not found.is_relative_to(tmp_path / "bare")


# --------------------------------------------------------------------------
# Origins of generated documents

_GLOBS = st.sampled_from(["src/", "*.py", "a]b/", "x/**/y", "'q'", 'd"q', "#x/", "c\\\\d"])
_FILLER = st.sampled_from(["", "# [[ownership.rules]]", 'other = "[[x]]"', "n = [1, [2], {a = '}'}]"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rules=st.lists(st.tuples(_GLOBS, st.sampled_from(["core", "transient"]), _FILLER), min_size=1, max_size=5),
    inline=st.booleans(),
)
def test_origin_lines_of_generated_documents(
    tmp_path: Path, rules: list[tuple[str, str, str]], inline: bool
) -> None:
    """Whatever the layout, each rule's origin is the line its glob is on (inline)
    or of its ``[[ownership.rules]]`` header."""
    lines = ["title = '''", "[[ownership.rules]]", "'''"]
    # key/value fillers go at the top level, before any table
    lines += dict.fromkeys(f for _, _, f in rules if f and not f.startswith("#"))
    expected: list[int] = []
    if inline:
        lines.append("[ownership]")
        lines.append("rules = [")
        for glob, cls, filler in rules:
            if filler.startswith("#"):
                lines.append("  " + filler)
            expected.append(len(lines) + 1)
            lines.append(f"  {{ glob = {json.dumps(glob)}, class = {json.dumps(cls)} }},")
        lines.append("]")
    else:
        for glob, cls, filler in rules:
            expected.append(len(lines) + 1)
            lines.append("[[ownership.rules]]")
            lines.append(f"glob = {json.dumps(glob)}")
            if not filler or filler.startswith("#"):
                lines.append(filler)
            lines.append(f"class = {json.dumps(cls)}")
    config = tmp_path / ".ownwise.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded, errors, _ = load_workspace_rules(tmp_path)
    if any(g.startswith("#") for g, _, _ in rules):
        glob_lines = expected if inline else [line + 1 for line in expected]
        bad = [line for (g, _, _), line in zip(rules, glob_lines) if g.startswith("#")]
        assert loaded == [] and [e.line for e in errors] == bad
        return
    assert errors == []
    assert [(r.glob, r.origin) for r in loaded] == [
        (glob, f"{config}:{line}") for (glob, _, _), line in zip(rules, expected)
    ]


"""The Ownership Matrix: is a file transient, repeatable or core, and why.

See ``docs/ownership.md``.
"""

from .config import (
    OWNWISE_TOML,
    PYPROJECT_TOML,
    find_workspace_root,
    load_workspace_rules,
    rules_from_settings,
)
from .rules import (
    DEFAULT_GROUPS,
    DEFAULT_RULES,
    Classifier,
    ConfigError,
    Decision,
    DefaultGroup,
    OwnershipClass,
    Rule,
    validate_glob,
)

__all__ = [
    "DEFAULT_GROUPS",
    "DEFAULT_RULES",
    "OWNWISE_TOML",
    "PYPROJECT_TOML",
    "Classifier",
    "ConfigError",
    "Decision",
    "DefaultGroup",
    "OwnershipClass",
    "Rule",
    "find_workspace_root",
    "load_workspace_rules",
    "rules_from_settings",
    "validate_glob",
]

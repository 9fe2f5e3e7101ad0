import sys
from pathlib import Path

# The package lives in server/; tests run against the source tree.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))


def pytest_addoption(parser):
    parser.addoption("--soak", action="store_true", default=False,
                     help="run tests/reliability at full length (make soak; docs/reliability.md)")

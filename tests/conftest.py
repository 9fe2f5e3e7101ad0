import sys
from pathlib import Path

# The package lives in server/; tests run against the source tree.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))

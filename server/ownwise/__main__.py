import sys

if sys.argv[1:2] == ["hook"]:
    # the agents' hook: a light path (no argparse, no sqlite-utils, no pydantic)
    from .hooks.run import main as hook_main

    raise SystemExit(hook_main())

from .cli import main

raise SystemExit(main())

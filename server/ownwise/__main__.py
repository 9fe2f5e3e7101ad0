import sys

if __name__ == "__main__":  # not when a worker process (spawn) imports the main module again
    if sys.argv[1:2] == ["hook"]:
        # the agents' hook: a light path (no argparse, no sqlite-utils, no pydantic)
        from .hooks.run import main as hook_main

        raise SystemExit(hook_main())

    from .cli import main

    raise SystemExit(main())

# Long-running checks that are not part of ./scripts/test (which runs the short variants).
.PHONY: test soak bench

test:
	./scripts/test

# The reliability suite at full length (tests/reliability with --soak): minutes, not seconds.
soak:
	./scripts/setup
	.venv/bin/python -m pytest tests/reliability --soak -q

# The performance suite: one table of every figure beside its baseline (docs/performance.md).
bench:
	./scripts/setup
	.venv/bin/python benchmarks/run_all.py

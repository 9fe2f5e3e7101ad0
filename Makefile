# Long-running checks that are not part of ./scripts/test (which runs the short variants).
.PHONY: test soak bench screenshots

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

# The pictures of the VS Code extension's README and walkthrough, taken by the real VS Code suite
# (tests/vscode) and copied into client-vscode/media/screenshots/ (docs/testing.md).
screenshots:
	./scripts/setup
	rm -rf test-artifacts/vscode/readme
	.venv/bin/python -m pytest tests/vscode/test_first_hour_vscode.py tests/vscode/test_ownwise_vscode.py \
		tests/vscode/test_report_vscode.py -q
	cp test-artifacts/vscode/readme/*.png client-vscode/media/screenshots/

"""Run ``ownwise serve`` under test controls (tests/reliability/test_security.py, test_db_trouble.py).

Run as a script (the server's stdio is the LSP connection, so it prints nothing). Controls, all
from the environment:

- ``OWNWISE_TEST_AUDIT=<file>``: a ``sys.addaudithook`` hook writes one line per network use to
  the file: a socket created with family AF_INET/AF_INET6, any ``bind``/``connect``/``sendto``
  to an internet address, any name lookup (``getaddrinfo``, ``gethostbyname``, ...). It also
  writes ``seen socket family N`` for every socket created (the asyncio loop's self-pipe is an
  AF_UNIX socketpair), so the test can see what the detector saw.
- ``OWNWISE_TEST_CONTROL=1``: the wrapper itself creates an AF_INET socket, binds it to
  127.0.0.1:0 and resolves ``localhost`` (the control run: the detector must catch it).
- ``OWNWISE_TEST_NO_DAC=1``: when running as root, drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
  so file modes bind root too (a read-only directory is read-only for the server).
- ``OWNWISE_TEST_FSIZE_FILE=<file>``: while that file exists, RLIMIT_FSIZE is 0 (SIGXFSZ
  ignored): every write to a regular file fails with EFBIG, as on a full disk. Polled every 50 ms.
- ``OWNWISE_TEST_UNSET_DB=1``: remove ``OWNWISE_DB`` so the server uses the default path.
- ``OWNWISE_TEST_UMASK=<octal>``: the server's umask (``0`` shows modes that do not rely on it).

Imported by the tests for :func:`wrapped`: ``tests/lsp/conftest.py``'s ``ownwise`` harness with
this script as the server.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]


def command() -> list[str]:
    return [sys.executable, str(HERE)]


def _install_audit(path: str) -> None:
    import socket

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)  # opened once: no event inside the hook
    inet = {int(socket.AF_INET), int(socket.AF_INET6)}
    lookups = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo"}

    def write(line: str) -> None:
        os.write(fd, (line.replace("\n", " ") + f" pid={os.getpid()}\n").encode())

    def hook(event: str, args: tuple) -> None:
        if not event.startswith("socket."):
            return
        if event == "socket.__new__":
            family = int(args[1]) if isinstance(args[1], int) else -1
            write(f"seen socket family {family}")
            if family in inet:
                write(f"VIOLATION {event} family={family} type={args[2]}")
        elif event in ("socket.bind", "socket.connect", "socket.sendto", "socket.sendmsg"):
            sock, address = args[0], args[1]
            family = getattr(sock, "family", None)
            if isinstance(address, tuple) or (family is not None and int(family) in inet):
                write(f"VIOLATION {event} {address!r}")
        elif event in lookups:
            write(f"VIOLATION {event} {args[0]!r}")

    sys.addaudithook(hook)


def _drop_dac() -> None:
    """Clear CAP_DAC_OVERRIDE (1) and CAP_DAC_READ_SEARCH (2) from this (only) thread's sets."""
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    libc = ctypes.CDLL(None, use_errno=True)
    header, data = Header(0x20080522, 0), (Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    mask = ~((1 << 1) | (1 << 2)) & 0xFFFFFFFF
    data[0].effective &= mask
    data[0].permitted &= mask
    data[0].inheritable &= mask
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def _fsize_control(flag: str) -> None:
    import resource
    import signal
    import threading
    import time

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)

    def loop() -> None:
        full = None
        while True:
            now = os.path.exists(flag)
            if now != full:
                resource.setrlimit(resource.RLIMIT_FSIZE, (0 if now else hard, hard))
                full = now
            time.sleep(0.05)

    threading.Thread(target=loop, daemon=True, name="fsize-control").start()


def main() -> int:
    if os.environ.get("OWNWISE_TEST_NO_DAC") and os.geteuid() == 0:
        _drop_dac()  # before any thread starts: capabilities are per thread
    if (umask := os.environ.get("OWNWISE_TEST_UMASK")) is not None:
        os.umask(int(umask, 8))
    if os.environ.get("OWNWISE_TEST_UNSET_DB"):
        os.environ.pop("OWNWISE_DB", None)
    if audit := os.environ.get("OWNWISE_TEST_AUDIT"):
        _install_audit(audit)
    if os.environ.get("OWNWISE_TEST_CONTROL"):
        import socket

        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
        socket.getaddrinfo("localhost", None)
    if flag := os.environ.get("OWNWISE_TEST_FSIZE_FILE"):
        _fsize_control(flag)
    sys.path.insert(0, str(ROOT / "server"))
    from ownwise.cli import main as ownwise_main

    return ownwise_main(["serve"])


@contextlib.asynccontextmanager
async def wrapped(workspace: Path, db: Path, **kwargs):
    """``tests.lsp.conftest.ownwise`` (same client and helpers), with the server run by this script."""
    from tests.lsp import conftest as harness

    real = harness.ClientServerConfig
    harness.ClientServerConfig = lambda server_command, server_env: real(server_command=command(),
                                                                         server_env=server_env)
    async with contextlib.AsyncExitStack() as stack:
        try:
            session = await stack.enter_async_context(harness.ownwise(workspace, db, **kwargs))
        finally:
            harness.ClientServerConfig = real
        yield session


if __name__ == "__main__":
    raise SystemExit(main())

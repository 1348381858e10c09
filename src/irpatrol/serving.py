"""Serve the app with N worker processes, each on its own listening socket (``python -m irpatrol.serving``).

``irpatrol serve --workers N`` (N > 1) becomes this small program (``exec``): uvicorn's own
supervisor (:class:`uvicorn.supervisors.Multiprocess`: health checks, a dead or hung worker
replaced, SIGTERM and SIGINT end them all, SIGHUP restarts them one by one), with one difference
from ``uvicorn --workers N``: every worker process binds its **own** socket to the address with
``SO_REUSEPORT``, and the kernel spreads new connections evenly over those sockets (Linux ≥ 3.9,
``socket(7)``).

Why: with uvicorn's one shared socket, the worker whose event loop wakes first accepts every
pending connection of a burst (asyncio accepts up to ``backlog`` connections per wake-up), and
keep-alive connections stay with the worker that accepted them. Measured with the load benchmark
(32 clients connecting at once, ``bench/load.py``): two workers served 0.87× to 1.68× the requests of one,
from run to run, as one worker held most connections while the other idled.

Each worker process also takes a core of its own (:func:`pin_to_free_core`, also the one process
of ``--workers 1``): its request threads then hand Python's GIL over on one core. Unpinned, the
threads of a worker ran on both cores and passed the GIL between them, and the cores stood idle
0.15 of the time under load: two workers gave 83 requests/s on the 2-core machine of
``bench/load.py``, pinned 94 (one worker: 46 unpinned, 49 pinned).

This module imports only the standard library and uvicorn: the supervisor process stays small,
and each worker imports the app itself (:data:`APP_FACTORY`).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence
from contextlib import suppress

__all__ = ["APP_FACTORY", "WORKER_HEALTHCHECK_S", "OwnSockets", "command", "main", "pin_to_free_core",
           "release_core"]

APP_FACTORY = "irpatrol.asgi:asgi_app"
"""The composition root every worker process builds (cli, api and web never import each other)."""
WORKER_HEALTHCHECK_S = 60
"""Seconds a worker process may take to answer the supervisor's health check before it is
replaced (uvicorn's default, 5 s, is shorter than a cold start on a loaded 2-core machine)."""
STARTUP_FAILURE = 3
"""uvicorn's exit code for a worker that could not start: the supervisor then stops instead of
restarting it for ever (here: the address cannot be bound)."""


class OwnSockets(list[socket.socket]):
    """An empty list of sockets in the supervisor that becomes, in each worker process it is sent to,
    a list of one new ``SO_REUSEPORT`` socket bound to ``host``:``port``.

    uvicorn's supervisor hands the same ``sockets`` list to every worker it starts (also to a
    replacement); the worker receives it pickled, and unpickling this list calls :func:`_bind`
    there. The supervisor itself holds no listening socket, so no connection waits on a socket
    nobody accepts from.
    """

    def __init__(self, host: str, port: int, pin: bool = True) -> None:
        super().__init__()
        self.host, self.port, self.pin = host, port, pin

    def __reduce__(self) -> tuple[object, tuple[str, int, bool]]:
        return _bind, (self.host, self.port, self.pin)


def _reuseport_socket(host: str) -> socket.socket:
    """A TCP socket for ``host`` (IPv6 when it has a colon) with ``SO_REUSEADDR`` and ``SO_REUSEPORT``."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return sock


def _bind(host: str, port: int, pin: bool = True) -> list[socket.socket]:
    """A listening socket of this worker process on ``host``:``port`` (``SO_REUSEPORT``); a worker
    that cannot bind exits with :data:`STARTUP_FAILURE`, which stops the supervisor. ``pin``: the
    worker takes a core of its own (:func:`pin_to_free_core`)."""
    sock = _reuseport_socket(host)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        print(f"irpatrol: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        raise SystemExit(STARTUP_FAILURE) from None
    sock.set_inheritable(True)
    if pin:
        pin_to_free_core(host, port)  # in the worker, before it starts any thread
    return [sock]


CPUS_BEFORE_PIN = "IRPATROL_CPUS_BEFORE_PIN"
"""Environment variable in which a pinned worker keeps the cores it had (for :func:`release_core`)."""
_HELD: list[socket.socket] = []
"""The sockets by which this process holds its core (kept open: the hold lasts as long as the process)."""


def pin_to_free_core(host: str, port: int) -> int | None:
    """Bind this process — and the threads it starts from now on — to one of the cores it may run
    on: the first that no other worker of the server on ``host``:``port`` holds. A core is held by
    binding a Unix socket in Linux's abstract namespace named after the server and the core
    (``unix(7)``): the name is free again the moment its process ends, files are left nowhere, and
    a replacement worker takes the core its predecessor had. None (not pinned) with a single core,
    more workers than cores, or no ``sched_setaffinity`` (not Linux)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return None
    for cpu in allowed:
        hold = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            hold.bind(f"\0irpatrol-{os.getuid()}-{host}-{port}-cpu{cpu}")
        except OSError:  # held by another worker of this server
            hold.close()
            continue
        _HELD.append(hold)
        os.environ[CPUS_BEFORE_PIN] = ",".join(str(c) for c in allowed)
        os.sched_setaffinity(0, {cpu})
        return cpu
    return None


def release_core() -> None:
    """Give this process the cores back that its pinned parent worker had (the ingest pool's
    processes, started from a worker, analyse on all of them). Nothing when not pinned."""
    saved = os.environ.get(CPUS_BEFORE_PIN)
    if saved and hasattr(os, "sched_setaffinity"):
        with suppress(OSError, ValueError):
            os.sched_setaffinity(0, {int(c) for c in saved.split(",")})


def _address_free(host: str, port: int) -> str | None:
    """None when every worker will be able to bind ``host``:``port``, else the reason (a socket
    bound there without ``SO_REUSEPORT``, or by another user, refuses the workers' sockets)."""
    with _reuseport_socket(host) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            return str(exc.strerror or exc)
    return None


def command(host: str, port: int, workers: int, forwarded_allow_ips: str | None,
            pin_cores: bool = True) -> list[str]:
    """The command line of this program serving :data:`APP_FACTORY` on ``host``:``port`` with
    ``workers`` processes (the settings reach the workers through the environment)."""
    line = [sys.executable, "-m", "irpatrol.serving", "--host", host, "--port", str(port),
            "--workers", str(workers)]
    if not pin_cores:
        line.append("--no-pin-cores")
    if forwarded_allow_ips is not None:
        line += ["--forwarded-allow-ips", forwarded_allow_ips]
    return line


def main(argv: Sequence[str] | None = None) -> int:
    """Run the supervisor until SIGTERM or SIGINT; 0 on a clean stop, 1 when the address is taken."""
    parser = argparse.ArgumentParser(prog="python -m irpatrol.serving", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--forwarded-allow-ips", default=None)
    parser.add_argument("--no-pin-cores", dest="pin_cores", action="store_false")
    args = parser.parse_args(argv)
    reason = _address_free(args.host, args.port)
    if reason is not None:
        print(f"irpatrol: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return 1

    from uvicorn import Config
    from uvicorn.supervisors import Multiprocess

    config = Config(APP_FACTORY, factory=True, host=args.host, port=args.port, workers=args.workers,
                    proxy_headers=True, forwarded_allow_ips=args.forwarded_allow_ips, log_level="warning",
                    timeout_worker_healthcheck=WORKER_HEALTHCHECK_S)
    Multiprocess(config, sockets=OwnSockets(args.host, args.port, args.pin_cores)).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

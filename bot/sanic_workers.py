"""Sanic's worker processes (`SANIC_WORKERS`), stopping together.

Sanic 21.12 forks the workers and waits for all of them. If one dies (a crash, the OOM
killer), the others go on and nobody starts it again: the server runs on half its workers and
its supervisor sees nothing wrong. If the parent is killed, the workers go on holding the port,
so the supervisor's new server cannot bind it. Here a worker dies with its parent
(PR_SET_PDEATHSIG), and when one worker ends, the parent stops the others and exits non-zero,
so the supervisor (supervisord.conf) restarts the whole server. Otherwise this is Sanic's
`serve_multiple`: one listening socket, inherited by every worker.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_applied = False


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's stop still reaches us
        pass


def _worker(parent: int, server_settings: dict) -> None:
    from sanic.server import serve

    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the call above took effect
        return
    serve(**server_settings)


def serve_multiple(server_settings: dict, workers: int) -> None:
    from sanic.server.events import trigger_events
    from sanic.server.socket import bind_socket, bind_unix_socket, remove_unix_socket

    server_settings["reuse_port"] = True
    server_settings["run_multiple"] = True
    main_start = server_settings.pop("main_start", None)
    main_stop = server_settings.pop("main_stop", None)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    trigger_events(main_start, loop)

    sock = server_settings.get("sock")
    unix = server_settings["unix"]
    if unix:
        sock = bind_unix_socket(unix, backlog=server_settings["backlog"])
    if sock is None:
        sock = bind_socket(server_settings["host"], server_settings["port"],
                           backlog=server_settings["backlog"])
        sock.set_inheritable(True)
        server_settings.update(sock=sock, host=None, port=None)

    processes = []
    stopping = False

    def terminate_the_rest() -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: Sanic's graceful stop

    def stop(signum, _frame) -> None:
        nonlocal stopping
        log.info("Received signal %s. Shutting down.", signal.Signals(signum).name)
        stopping = True
        terminate_the_rest()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    context = multiprocessing.get_context("fork")
    for _ in range(workers):
        process = context.Process(target=_worker, args=(os.getpid(), server_settings),
                                  daemon=True)
        process.start()
        processes.append(process)

    # The first worker to end ends the server.
    multiprocessing.connection.wait([p.sentinel for p in processes])
    crashed = not stopping
    if crashed:
        ended = next(p for p in processes if not p.is_alive())
        log.error("Sanic worker %s ended (exit code %s); stopping the others so the "
                  "server is restarted whole", ended.pid, ended.exitcode)
        terminate_the_rest()
    for process in processes:
        process.join(30)
        if process.is_alive():
            process.kill()
            process.join()

    trigger_events(main_stop, loop)
    sock.close()
    loop.close()
    remove_unix_socket(unix)
    if crashed:
        sys.exit(1)


def apply() -> None:
    """Use it for `app.run(workers=N)` with N > 1 (idempotent)."""
    global _applied
    if _applied:
        return
    import sanic.app

    sanic.app.serve_multiple = serve_multiple
    _applied = True

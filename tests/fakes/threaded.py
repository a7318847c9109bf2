"""A sanic app served on 127.0.0.1 from a background thread: the fakes' common lifecycle."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any, List, Optional

from sanic import Sanic

__all__ = ["ThreadedServer"]


class ThreadedServer:
    def __init__(self, name: str, app: Sanic) -> None:
        self._name = name
        self.app = app
        self._thread: Optional[threading.Thread] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._sock: Optional[socket.socket] = None
        self.port: Optional[int] = None

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError(f"{self._name} is not running")
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ThreadedServer":
        # Bind port 0 here so the port is known and nobody can take it in between.
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port or 0))
        self.port = self._sock.getsockname()[1]
        ready = threading.Event()
        errors: List[BaseException] = []
        self._thread = threading.Thread(target=self._serve, args=(ready, errors),
                                        name=self._name, daemon=True)
        self._thread.start()
        if not ready.wait(10) or errors:
            raise RuntimeError(f"{self._name} did not start: {errors[:1]}")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._thread = self._loop = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    async def _boot(self):
        server = await self.app.create_server(sock=self._sock, access_log=False,
                                              return_asyncio_server=True)
        # sanic 21.12's create_server already awaited the AsyncioServer (it is listening);
        # startup() finalises the router and signals before the first request.
        await server.startup()
        return server

    def _serve(self, ready: threading.Event, errors: List[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = None
        try:
            server = loop.run_until_complete(self._boot())
            self._loop = loop
        except BaseException as exc:  # report to start(), which raises
            errors.append(exc)
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            # Close keep-alive connections and their tasks before the loop goes away.
            for connection in list(server.connections):
                connection.close()
            closing = server.close()
            if closing is not None:
                loop.run_until_complete(closing)
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            if self._sock is not None:
                self._sock.close()


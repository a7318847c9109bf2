"""Portal routes whose work blocks (database calls, password hashing) run in worker threads.

Sanic serves every request of the portal on one event loop. A route that queried the database
or checked a password on that loop held up every other moderator's page meanwhile; one slow
query or a sign-in (a deliberately slow password hash) was felt by all.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Awaitable, Callable

__all__ = ["off_the_loop"]


def off_the_loop(handler: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """Wrap a blocking route (a plain function) as a coroutine that runs it in a thread."""

    @functools.wraps(handler)
    async def route(*args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(
            None, functools.partial(handler, *args, **kwargs))

    return route

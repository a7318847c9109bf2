"""Keep an in-process Rasa agent from logging user text.

Rasa's structlog logs the parse data, text included, at DEBUG, and without set-up
it prints DEBUG to stdout, which would also corrupt the batch CLI's JSON Lines.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings


def quiet_rasa(level: int = logging.WARNING) -> None:
    # Rasa's telemetry (and its Sentry crash reports) would send data off the machine.
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    # Libraries' notices about their own dependencies, and one Rasa prints on every domain
    # load; a user of the batch CLI reads stderr for rejected lines, not these. Sanic puts
    # its own DeprecationWarning filter first when imported, so it is imported before ours.
    import sanic  # noqa: F401

    for category in (DeprecationWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("ignore", message="Slot auto-fill has been removed")
    from rasa.utils.log_utils import configure_structlog

    # basicConfig first so Rasa's own basicConfig (to stdout) becomes a no-op.
    logging.basicConfig(stream=sys.stderr, level=level, format="%(name)s %(levelname)s %(message)s")
    logging.getLogger().setLevel(level)
    configure_structlog(level)

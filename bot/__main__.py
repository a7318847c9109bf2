"""`python -m bot ...`: Rasa's own command line (`run`, `train`, `test`, ...), faster.

skops, which loads the LogisticRegressionClassifier, lists its trusted NumPy types when it is
imported, searching every loaded module for each ufunc. After Rasa and TensorFlow that is
~5,700 modules and ~5 s of every start-up; imported first, it searches a few hundred.
`bot.lean` keeps TensorFlow out of the process (~400 MB and seconds of every start-up; our
pipeline has no TensorFlow component). `bot.rasa_patches` removes per-turn costs of Rasa's;
`bot.sanic_workers` makes the server's worker processes (`SANIC_WORKERS`) stop together, so
a supervisor restarts them.
"""

import sys
from pathlib import Path

from bot.lean import config_needs_tensorflow, leave_out_tensorflow


def _config_to_train(argv):
    """The --config of `train` (Rasa's default: config.yml), or None for other commands."""
    if not argv or argv[0] != "train":
        return None
    for i, arg in enumerate(argv):
        if arg in ("-c", "--config") and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--config="):
            return Path(arg.split("=", 1)[1])
    return Path("config.yml")


_config = _config_to_train(sys.argv[1:])
if _config is None or not config_needs_tensorflow(_config):
    leave_out_tensorflow()  # before Rasa is imported
import skops.io  # noqa: F401,E402  (before Rasa, on purpose: see above)
from rasa.__main__ import main  # noqa: E402

from bot import rasa_patches, sanic_workers  # noqa: E402

if __name__ == "__main__":
    rasa_patches.apply()
    sanic_workers.apply()
    sys.argv[0] = "rasa"
    sys.exit(main())

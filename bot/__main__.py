"""`python -m bot ...`: Rasa's own command line (`run`, `train`, `test`, ...), faster.

skops, which loads the LogisticRegressionClassifier, lists its trusted NumPy types when it is
imported, searching every loaded module for each ufunc. After Rasa and TensorFlow that is
~5,700 modules and ~5 s of every start-up; imported first, it searches a few hundred.
`bot.rasa_patches` removes a per-turn cost of Rasa's (see there).
"""

import sys

import skops.io  # noqa: F401  (first, on purpose: see above)
from rasa.__main__ import main

from bot import rasa_patches

if __name__ == "__main__":
    rasa_patches.apply()
    sys.argv[0] = "rasa"
    sys.exit(main())

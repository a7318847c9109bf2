"""`python -m bot ...`: Rasa's own command line (`run`, `train`, `test`, ...), started faster.

skops, which loads the LogisticRegressionClassifier, lists its trusted NumPy types when it is
imported, searching every loaded module for each ufunc. After Rasa and TensorFlow that is
~5,700 modules and ~5 s of every start-up; imported first, it searches a few hundred.
"""

import sys

import skops.io  # noqa: F401  (first, on purpose: see above)
from rasa.__main__ import main

if __name__ == "__main__":
    sys.argv[0] = "rasa"
    sys.exit(main())

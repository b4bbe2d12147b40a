"""wordvec: word2vec, exact where the maths is taught, fast where the work is heavy.

Layers: ``wordvec.reference`` (exact float64 maths), ``wordvec.engine``
(compiled kernels), and the tools built on them.
"""

__version__ = "0.1.0"

from wordvec.keyedvectors import KeyedVectors
from wordvec.word2vec import Word2Vec

__all__ = ["KeyedVectors", "Word2Vec"]

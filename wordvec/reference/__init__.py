"""Layer 1: the exact word2vec maths in float64 numpy.

Everything here follows the derivation line by line and is checked against
finite differences; the compiled engine is tested against it.
"""

from wordvec.reference.functions import log_sigmoid, log_softmax, sigmoid, softmax
from wordvec.reference.losses import (
    hierarchical_softmax_loss_and_gradient,
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
)
from wordvec.reference.models import cbow, skipgram

__all__ = [
    "cbow",
    "hierarchical_softmax_loss_and_gradient",
    "log_sigmoid",
    "log_softmax",
    "naive_softmax_loss_and_gradient",
    "neg_sampling_loss_and_gradient",
    "sigmoid",
    "skipgram",
    "softmax",
]

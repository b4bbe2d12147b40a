"""The general CUDA training kernel: one warp per window, each lane holding a few of the vector's dimensions.

It trains hierarchical softmax, and negative sampling with any settings;
``negative`` compiles a faster one for each negative-sampling setup without
subwords, tested against the same reference. With subwords a word's input
vector is the mean of its bag of rows (``engine.contract.Weights``), and each
row of the bag gets the word's whole gradient, as on the CPU.

A block of 32 threads (one warp) takes a center position, decides with
``draws`` whether the word there is kept, gathers the kept words within its
reach (never across a line end), and takes the window's gradient step:

* skip-gram (per window, Ji et al.'s HogBatch): each context word's input
  vector h_j predicts the center against one set of targets;
* CBOW: the mean of the context words' input vectors predicts the center;

where the targets are (center, K noise words) for negative sampling and the
inner nodes of the center's Huffman path for hierarchical softmax, with signs
as in ``engine.cpu.output``. For each target row u_r in turn, the scores
s_jr = s_r u_r . h_j are reduced over the warp, G_jr = alpha s_r (1 - sigma(s_jr)),
u_r += sum_j G_jr h_j, and h_j's update sum_r G_jr u_r is gathered; the input
rows are written last. The h_j are read once, before any write, as the CPU step
does; a target row is read after the updates of earlier targets of the window,
which differs from the CPU step only where a noise word repeats in one window.

Rows are updated with atomic adds (``atomic_in``, ``atomic_out``), so that
thousands of windows writing the rows of frequent words at once lose none of
each other's updates (they still read each other's rows as they find them:
Hogwild); or with plain writes, which lose some of them, as CPU threads do.
Hierarchical softmax writes its output rows plainly: every window moves the
rows of the nodes near the root, and thousands of atomic adds computed from one
stale value overshoot them (it diverged on an H200). Blocks stride over the
chunk; the loss and prediction counts are summed per block, then atomically.

numba's CUDA simulator has no warp shuffles and runs each thread in Python, so
there a window is one thread holding every dimension (the same code with a warp
of one); on a GPU :func:`warp_sum` is a butterfly of shuffles.
"""

from __future__ import annotations

import math

from numba import config, cuda, float32, float64, int64

from wordvec.engine.contract import ARCH_SKIPGRAM, LOSS_NEGATIVE
from wordvec.engine.cuda.draws import kept, next_noise, reach_of, window_stream

MAX_WINDOW = 16  # the context of a window has at most 2 * MAX_WINDOW words
MAX_CONTEXT = 2 * MAX_WINDOW
MAX_TARGETS = 64  # negative + 1, or the longest Huffman path
MAX_DIM = 256

if config.ENABLE_CUDASIM:  # the simulator runs every thread in Python: one thread per window, all dimensions
    WARP, MAX_PER_LANE = 1, MAX_DIM

    @cuda.jit(device=True)
    def warp_sum(x):
        """The sum of x over the warp: a warp of one thread."""
        return x
else:
    WARP = 32
    MAX_PER_LANE = MAX_DIM // WARP  # dimensions per lane

    @cuda.jit(device=True)
    def warp_sum(x):
        """The sum of x over the warp (every lane gets it): butterfly shuffles."""
        for offset in (16, 8, 4, 2, 1):
            x += cuda.shfl_xor_sync(0xFFFFFFFF, x, offset)
        return x


@cuda.jit(device=True)
def _log_sigmoid_and_sigmoid(x):
    """(log sigma(x), sigma(x)) in float32 for a float32 x, without overflow and without a branch
    (a warp's lanes hold scores of both signs): with e = exp(-|x|),
    log sigma(x) = min(x, 0) - log(1 + e), and sigma(x) = 1 / (1 + e) for x >= 0, e / (1 + e) below."""
    e = math.exp(-abs(x))
    inverse = float32(1.0) / (float32(1.0) + e)
    return min(x, float32(0.0)) - math.log1p(e), inverse if x >= 0 else e * inverse


@cuda.jit(device=True)
def _add(matrix, row, d, value, atomic):
    if atomic:
        cuda.atomic.add(matrix, (row, d), value)
    else:
        matrix[row, d] += value


@cuda.jit(device=True)
def _gather_context(chunk, seed, keep_prob, p, reach, ctx):
    """The kept words within ``reach`` kept words of position p, on its line, into ctx; returns how many."""
    m = 0
    for step in (-1, 1):
        q, found = p + step, 0
        while 0 <= q < chunk.shape[0] and found < reach:
            x = chunk[q]
            if x < 0:
                break
            if kept(seed, q, keep_prob[x]):
                ctx[m] = x
                m += 1
                found += 1
            q += step
    return m


@cuda.jit(device=True)
def _hidden(vectors_in, ctx, first, last, lane, dim, h):
    """h = the sum of the input rows of ctx[first:last] (this lane's dimensions), a row at a time: the
    loads of a row's dimensions go out together, and each row's index is read once."""
    for e in range(h.shape[0]):
        h[e] = float32(0.0)
    for c in range(first, last):
        row = ctx[c]
        for e in range(h.shape[0]):
            d = lane + WARP * e
            if d < dim:
                h[e] += vectors_in[row, d]


@cuda.jit(device=True)
def _bag_hidden(vectors_in, bag_indptr, bag_indices, ctx, first, last, lane, dim, h):
    """As :func:`_hidden` with subwords: each context word's input vector is the mean of its bag of rows."""
    for e in range(h.shape[0]):
        h[e] = float32(0.0)
    for c in range(first, last):
        start, end = bag_indptr[ctx[c]], bag_indptr[ctx[c] + 1]
        share = float32(1.0) / float32(end - start)
        for b in range(start, end):
            row = bag_indices[b]
            for e in range(h.shape[0]):
                d = lane + WARP * e
                if d < dim:
                    h[e] += share * vectors_in[row, d]


@cuda.jit(device=True)
def _targets(w, state, noise_prob, noise_alias, codes, points, lengths, loss_kind, negative, targets, signs):
    """The rows and signs the window predicts (see ``engine.cpu.output``); returns how many."""
    if loss_kind == LOSS_NEGATIVE:
        targets[0], signs[0], k = w, float32(1.0), 1
        for _ in range(negative):
            state, x = next_noise(state, noise_prob, noise_alias)
            if x != w:
                targets[k], signs[k] = x, float32(-1.0)
                k += 1
        return k
    for d in range(lengths[w]):
        targets[d] = points[w, d]
        signs[d] = float32(1.0) - float32(2.0) * float32(codes[w, d])
    return lengths[w]


@cuda.jit
def train_windows(chunk, seed, alpha_start, slope, vectors_in, vectors_out, bag_indptr, bag_indices, bags,
                  keep_prob, noise_prob, noise_alias, codes, points, lengths, arch, loss_kind, window, shrink,
                  negative, mean_gradient, atomic_in, atomic_out, tally):
    """Train every window of ``chunk`` (ids, -1 at line ends) centred on a kept word; the rate of
    position p is alpha_start + slope p. Adds (loss, predictions) to ``tally`` (float64).
    With ``bags`` a word's input vector is the mean of its rows ``bag_indices[bag_indptr[w]:bag_indptr[w + 1]]``
    and each of them gets the whole of its gradient (fastText's update); without, the bag arrays
    are not read."""
    lane, dim = cuda.threadIdx.x, vectors_in.shape[1]
    per_lane = (dim + WARP - 1) // WARP
    ctx = cuda.local.array(MAX_CONTEXT, int64)
    targets = cuda.local.array(MAX_TARGETS, int64)
    signs = cuda.local.array(MAX_TARGETS, float32)
    h = cuda.local.array((MAX_CONTEXT, MAX_PER_LANE), float32)
    g = cuda.local.array((MAX_CONTEXT, MAX_PER_LANE), float32)
    u = cuda.local.array(MAX_PER_LANE, float32)
    du = cuda.local.array(MAX_PER_LANE, float32)
    loss, predictions = float64(0.0), float64(0.0)
    p = cuda.blockIdx.x
    while p < chunk.shape[0]:
        w = chunk[p]
        if w >= 0 and kept(seed, p, keep_prob[w]):
            state = window_stream(seed, p)
            state, reach = reach_of(state, window, shrink)
            m = _gather_context(chunk, seed, keep_prob, p, reach, ctx)
            if m > 0:
                alpha = float32(alpha_start + slope * p)
                k = _targets(w, state, noise_prob, noise_alias, codes, points, lengths, loss_kind, negative,
                             targets, signs)
                skipgram = arch == ARCH_SKIPGRAM
                n_hidden = m if skipgram else 1
                for j in range(n_hidden):
                    first, last = (j, j + 1) if skipgram else (0, m)
                    if bags:
                        _bag_hidden(vectors_in, bag_indptr, bag_indices, ctx, first, last, lane, dim, h[j])
                    else:
                        _hidden(vectors_in, ctx, first, last, lane, dim, h[j])
                    for e in range(per_lane):
                        g[j, e] = float32(0.0)
                        if not skipgram:
                            h[j, e] = h[j, e] / float32(m)
                for r in range(k):
                    t = targets[r]
                    for e in range(per_lane):
                        d = lane + WARP * e
                        u[e] = vectors_out[t, d] if d < dim else float32(0.0)
                        du[e] = float32(0.0)
                    for j in range(n_hidden):
                        part = float32(0.0)
                        for e in range(per_lane):
                            part += h[j, e] * u[e]
                        score = signs[r] * warp_sum(part)
                        log_p, prob = _log_sigmoid_and_sigmoid(score)
                        loss -= log_p
                        coeff = alpha * (float32(1.0) - prob) * signs[r]
                        for e in range(per_lane):
                            g[j, e] += coeff * u[e]
                            du[e] += coeff * h[j, e]
                    for e in range(per_lane):
                        d = lane + WARP * e
                        if d < dim:
                            _add(vectors_out, t, d, du[e], atomic_out)
                scale = float32(1.0) / float32(m) if mean_gradient else float32(1.0)
                for c in range(m):
                    j = c if skipgram else 0
                    start, end = (bag_indptr[ctx[c]], bag_indptr[ctx[c] + 1]) if bags else (0, 1)
                    for b in range(start, end):  # each row of the bag gets the whole gradient (fastText's update)
                        row = bag_indices[b] if bags else ctx[c]
                        for e in range(per_lane):
                            d = lane + WARP * e
                            if d < dim:
                                _add(vectors_in, row, d, g[j, e] if skipgram else scale * g[j, e], atomic_in)
                predictions += n_hidden
        p += cuda.gridDim.x
    if lane == 0:
        cuda.atomic.add(tally, 0, loss)
        cuda.atomic.add(tally, 1, predictions)

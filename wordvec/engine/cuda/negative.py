"""The CUDA kernel for negative sampling: a window's rows held in registers.

The same windows and the same step as ``kernel.train_windows`` (HogBatch: one
set of targets per window, the center and K noise words), compiled for one
(architecture, K, dimension) at a time. With K and the dimensions a lane holds
known to the compiler, the loops over targets and dimensions unroll and the
target rows u_r, their changes du_r and the hidden vector h stay in registers:

    s_jr = sign_r u_r . h_j,    G_jr = alpha sign_r (1 - sigma(s_jr)),
    du_r = sum_j G_jr h_j,      dh_j = sum_r G_jr u_r

(skip-gram: h_j is each context word's input row; CBOW: h is their mean). Every
row is read before any is written, as in the reference step; a skip-gram
window's dh_j wait in a small per-thread buffer until the window has read all
of its rows.

On a GPU the K + 1 <= 8 dot products of a hidden vector are reduced together:
three exchange steps halve the values each lane carries (8 -> 4 -> 2 -> 1) while
doubling the lanes each sums over, and two butterfly steps finish, so lane L
holds the dot product of target L // 4 after 9 shuffles instead of 5 (K + 1);
each lane then takes the sigmoid of its own target, and the coefficients are
broadcast back (K + 1 shuffles).

A block holds ``warps`` warps; each warp takes the next ``BATCH`` positions of
the chunk from a counter shared by the whole grid, so no warp idles while
another has windows left, however many blocks the card keeps resident.
"""

from __future__ import annotations

import functools

from numba import config, cuda, float32, float64, int32, int64

from wordvec.engine.cuda.draws import kept, next_noise, reach_of, window_stream
from wordvec.engine.cuda.kernel import (MAX_CONTEXT, WARP, _add, _gather_context, _hidden,
                                        _log_sigmoid_and_sigmoid, warp_sum)

BATCH = 32  # consecutive positions a warp takes at a time
FULL = 0xFFFFFFFF  # every lane of a warp
TOGETHER = 8  # dot products reduced together

if config.ENABLE_CUDASIM:
    @cuda.jit(device=True)
    def warp_first(x):
        """Lane 0's x, on every lane: a warp of one thread."""
        return x
else:
    @cuda.jit(device=True)
    def warp_first(x):
        """Lane 0's x, on every lane."""
        return cuda.shfl_sync(FULL, x, 0)


@cuda.jit(device=True)
def _halve(v, lane, bit, half):
    """One exchange step: a lane keeps v[:half] or v[half:2 half] (by its ``bit``), adds its partner's
    copy of the same half, and leaves the sums in v[:half]."""
    low = (lane & bit) == 0
    for i in range(half):
        keep, send = v[i], v[i + half]
        if not low:
            keep, send = send, keep
        v[i] = keep + cuda.shfl_xor_sync(FULL, send, bit)


@cuda.jit(device=True)
def sum_together(v, lane):
    """The sums over the warp of v[0..7] (a lane's partial dot products); lane L returns v[L // 4]'s."""
    _halve(v, lane, 16, 4)
    _halve(v, lane, 8, 2)
    _halve(v, lane, 4, 1)
    x = v[0]
    x += cuda.shfl_xor_sync(FULL, x, 2)
    return x + cuda.shfl_xor_sync(FULL, x, 1)


@functools.cache
def negative_kernel(skipgram: bool, negative: int, dim: int, together: bool = True,
                    max_registers: int | None = None):
    """The kernel for negative sampling with ``negative`` noise words and ``dim`` dimensions (the dot
    products reduced together where ``together`` and a warp allows); its arguments are those of
    ``kernel.train_windows`` without the tree's, followed by a one-int32 work counter (zeroed)."""
    k_max, per_lane = negative + 1, (dim + WARP - 1) // WARP
    together = together and WARP == 32 and k_max <= TOGETHER

    limits = {} if max_registers is None or config.ENABLE_CUDASIM else {"max_registers": max_registers}

    @cuda.jit(fastmath=True, **limits)
    def train(chunk, seed, alpha_start, slope, vectors_in, vectors_out, keep_prob, noise_prob, noise_alias,
              window, shrink, mean_gradient, atomic_in, atomic_out, tally, counter):
        """Train every window of ``chunk`` centred on a kept word (``kernel.train_windows``'s contract)."""
        lane, n = cuda.threadIdx.x % WARP, chunk.shape[0]
        ctx = cuda.local.array(MAX_CONTEXT, int64)
        targets = cuda.local.array(k_max, int64)
        u = cuda.local.array((k_max, per_lane), float32)
        du = cuda.local.array((k_max, per_lane), float32)
        h = cuda.local.array(per_lane, float32)
        g = cuda.local.array(per_lane, float32)
        dots = cuda.local.array(TOGETHER, float32)
        pending = cuda.local.array((MAX_CONTEXT, per_lane), float32)  # skip-gram: dh_j until all rows are read
        loss, predictions = float64(0.0), float64(0.0)
        while True:
            start = int32(0)
            if lane == 0:
                start = cuda.atomic.add(counter, 0, BATCH)
            start = warp_first(start)
            if start >= n:
                break
            for p in range(start, min(start + BATCH, n)):
                w = chunk[p]
                if w < 0 or not kept(seed, p, keep_prob[w]):
                    continue
                state, reach = reach_of(window_stream(seed, p), window, shrink)
                m = _gather_context(chunk, seed, keep_prob, p, reach, ctx)
                if m == 0:
                    continue
                alpha = float32(alpha_start + slope * p)
                targets[0], k = w, 1
                for _ in range(negative):
                    state, x = next_noise(state, noise_prob, noise_alias)
                    if x != w:
                        targets[k] = x
                        k += 1
                for r in range(k_max):
                    for e in range(per_lane):
                        d = lane + WARP * e
                        u[r, e] = vectors_out[targets[r], d] if r < k and d < dim else float32(0.0)
                        du[r, e] = float32(0.0)
                hidden = m if skipgram else 1
                for j in range(hidden):
                    _hidden(vectors_in, ctx, j if skipgram else 0, j + 1 if skipgram else m, lane, dim, h)
                    for e in range(per_lane):
                        g[e] = float32(0.0)
                        if not skipgram:
                            h[e] = h[e] / float32(m)
                    if together:
                        for r in range(TOGETHER):
                            part = float32(0.0)
                            if r < k_max and r < k:
                                for e in range(per_lane):
                                    part += h[e] * u[r, e]
                            dots[r] = part
                        score, mine = sum_together(dots, lane), lane // 4
                        coeff = float32(0.0)
                        if mine < k:
                            sign = float32(1.0) if mine == 0 else float32(-1.0)
                            log_p, prob = _log_sigmoid_and_sigmoid(sign * score)
                            if lane % 4 == 0:
                                loss -= log_p
                            coeff = alpha * (float32(1.0) - prob) * sign
                        for r in range(k_max):
                            c = cuda.shfl_sync(FULL, coeff, 4 * r)
                            if r < k:
                                for e in range(per_lane):
                                    g[e] += c * u[r, e]
                                    du[r, e] += c * h[e]
                    else:
                        for r in range(k_max):
                            if r < k:
                                sign = float32(1.0) if r == 0 else float32(-1.0)
                                part = float32(0.0)
                                for e in range(per_lane):
                                    part += h[e] * u[r, e]
                                log_p, prob = _log_sigmoid_and_sigmoid(sign * warp_sum(part))
                                loss -= log_p
                                coeff = alpha * (float32(1.0) - prob) * sign
                                for e in range(per_lane):
                                    g[e] += coeff * u[r, e]
                                    du[r, e] += coeff * h[e]
                    if skipgram:
                        for e in range(per_lane):
                            pending[j, e] = g[e]
                for r in range(k_max):
                    if r < k:
                        for e in range(per_lane):
                            d = lane + WARP * e
                            if d < dim:
                                _add(vectors_out, targets[r], d, du[r, e], atomic_out)
                scale = float32(1.0) / float32(m) if mean_gradient else float32(1.0)
                for c in range(m):
                    for e in range(per_lane):
                        d = lane + WARP * e
                        if d < dim:
                            _add(vectors_in, ctx[c], d, pending[c, e] if skipgram else scale * g[e], atomic_in)
                predictions += hidden
        if together:  # each lane holds the loss of its own targets
            loss = warp_sum(loss)
        if lane == 0:
            cuda.atomic.add(tally, 0, loss)
            cuda.atomic.add(tally, 1, predictions)

    return train

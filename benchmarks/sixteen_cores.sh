#!/usr/bin/env bash
# Issue 11's many-core figures in one run, on a lent machine with no network (see BENCHMARKS.md):
# the machine, the scan, the kernel's scaling (private and shared weights, the fit), and the
# SG-NS thread sweep against gensim. Logs go to $OUT (default /tmp/wordvec-16).
#
#   bash benchmarks/sixteen_cores.sh        # from the repository root
#
# Expects gensim's wheels in .whl/ (pip download --no-deps gensim smart_open) and the data in
# .data/ (mix8m.txt.gz and the three evaluation files), both carried beside the tree.
set -u
OUT=${OUT:-/tmp/wordvec-16}; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
{ date -u; lscpu; free -g; python3 -c "import sys, numpy, numba; print(sys.version, numpy.__version__, numba.__version__)"; } \
  > "$OUT/machine.txt" 2>&1
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  || echo "gensim wheels did not install" >&2
export PYTHONPATH=/tmp/site:$PWD
mkdir -p ../shared/data/corpus ../shared/data/eval
ln -sfn "$PWD/.data/mix8m.txt.gz" ../shared/data/corpus/mix8m.txt.gz
for f in questions-words.txt wordsim353.tsv simlex999.txt; do ln -sfn "$PWD/.data/$f" ../shared/data/eval/$f; done
step() { echo "== $1 ($(date -u +%T))"; shift; "$@" 2>&1 | tee -a "$OUT/log.txt"; }
step precompile timeout 200 python3 -m wordvec.precompile
step scaling timeout 200 python3 benchmarks/scaling.py --threads 1,2,4,8,16 --kinds sg-ns,cbow-ns,sg-hs,cbow-hs --words 600000
step scaling-fit timeout 120 python3 benchmarks/scaling.py --threads 1,4,16 --kinds sg-ns --words 300000 --fit
step scan timeout 60 python3 benchmarks/scan.py --threads 1,2,4,8,16 --repeats 2
step sweep timeout 300 python3 benchmarks/vs_gensim.py --configs sg-ns --workers 1,2,4,8,16 --gensim-workers 16 --tokens 8752426

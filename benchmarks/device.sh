#!/usr/bin/env bash
# The figures that need the lent machine (16 cores, one GPU; no network), in one run (see BENCHMARKS.md).
# Logs go to $OUT (default /tmp/wordvec-device).
#
#   bash benchmarks/device.sh cores           # issue 11: scan, kernel scaling, SG-NS thread sweep vs gensim
#   bash benchmarks/device.sh hs gpu          # hierarchical softmax at 16 threads; issue 12: benchmarks/gpu.py
#   bash benchmarks/device.sh gpu-check gpu16  # issue 12: the CUDA tests on the card, the kernels' sweep, gpu.py
#                                               # without its CPU rows; issues 11 and 12: SG-NS and CBOW-NS at 16
#                                               # threads against gensim (the CPU rows)
#   bash benchmarks/device.sh subwords        # issue 14: subwords on the GPU; on 16 threads against gensim's FastText
#   bash benchmarks/device.sh sweep           # issue 11: SG-NS on 1 and 16 threads (WORKERS=1,4,16 for more), gensim on 16
#   bash benchmarks/device.sh scan-ab         # the scan, the tree against an older commit's package in .old/main
#                                             # (git archive REV wordvec | tar -x -C .old/main; cp -r benchmarks .old/main)
#   bash benchmarks/device.sh kernel-ab       # issue 11: the CPU kernels on 16 threads (THREADS), the tree against
#                                             # .old/main's package, both in one process (benchmarks/kernel_ab.py)
#   bash benchmarks/device.sh ranks           # issue 13: 1, 2, 4, 8 MPI ranks of 2 threads (benchmarks/distributed.py;
#                                             # RANKS, SYNC_WORDS, HOT: its --ranks, --sync-words, --hot-exchanges)
#   bash benchmarks/device.sh ranks-ab        # issue 13: RANKS (4,8) ranks of 2 threads, the tree against .old/main, twice
#   bash benchmarks/device.sh alone           # issue 13: the machine's ceiling for those ranks: 1, 2, 4, 8 processes
#                                             # of 2 threads that never communicate, each on its 1/N of mix8m
#   bash benchmarks/device.sh gpu gpu-ab streamed gpu-tests threads
#                                             # issue 12: the kernel before and after its last change, gpu.py without
#                                             # its CPU rows, one chunk an epoch against many and more epochs, the
#                                             # CUDA tests; issue 11: SG-NS on 1 and 16 threads against gensim on 16
#
# Expects gensim's wheels in .whl/ (pip download --no-deps gensim smart_open; for `ranks` also mpi4py
# and mpich, --python-version of the machine's Python) and the data in .data/corpus/mix8m.txt.gz and
# .data/eval/ (the three evaluation files), carried beside the tree.
set -u
OUT=${OUT:-/tmp/wordvec-device}; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
{ date -u; lscpu; free -g; nvidia-smi; python3 -c "import sys, numpy, numba; print(sys.version, numpy.__version__, numba.__version__)"; } \
  > "$OUT/machine.txt" 2>&1
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site \
  .whl/gensim-*.whl .whl/smart_open-*.whl || echo "gensim wheels did not install" >&2
export PYTHONPATH=/tmp/site:$PWD
mkdir -p ../shared/data/corpus ../shared/data/eval
ln -sfn "$PWD/.data/corpus/mix8m.txt.gz" ../shared/data/corpus/mix8m.txt.gz
for f in questions-words.txt wordsim353.tsv simlex999.txt; do ln -sfn "$PWD/.data/eval/$f" ../shared/data/eval/$f; done
step() { echo "== $1 ($(date -u +%T))"; shift; "$@" 2>&1 | tee -a "$OUT/log.txt"; }
# the CPU kernels compile on one core while the GPU steps run; the CPU steps wait for it
# (PRECOMPILE=sg-ns: only the tokenizer, its table grown, and SG-NS, by a small fit)
warm_sgns() { python3 -c "from pathlib import Path; from wordvec import Word2Vec; from wordvec.text.tokenize import WordTable; \
WordTable().encode(' '.join(f'w{i}' for i in range(40000)).encode()); Path('/tmp/w.txt').write_text('a b c d e f g\n' * 200); \
Word2Vec(min_count=1, epochs=1, workers=2, progress=False).fit('/tmp/w.txt')"; }
if [ "${PRECOMPILE:-all}" = sg-ns ]; then
  timeout 300 bash -c "$(declare -f warm_sgns); warm_sgns" > "$OUT/precompile.txt" 2>&1 &
elif [ "$*" != gpu-check ]; then
  timeout 300 python3 -c "from wordvec.precompile import main; main()" > "$OUT/precompile.txt" 2>&1 &
fi
precompiling=$!
cpu() { wait $precompiling 2>/dev/null; }
mpi() {  # mpich's wheel keeps libmpi in PREFIX/lib, which --target would drop
  [ -n "${MPI_READY:-}" ] && return; MPI_READY=1
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --prefix /tmp/mpi \
    .whl/mpi4py-*.whl .whl/mpich-*.whl || echo "MPI wheels did not install" >&2
  export PATH=/tmp/mpi/bin:$PATH MPI4PY_LIBMPI=/tmp/mpi/lib/libmpi.so.12
  export PYTHONPATH=$PYTHONPATH:$(echo /tmp/mpi/lib/python3*/site-packages)
  step mpi timeout 30 mpiexec -n 2 python3 -c "from mpi4py import MPI; print(MPI.Get_library_version().split(chr(10))[0])"
}
for what in "$@"; do
  case $what in
    gpu-check)  # numba-cuda there predates numpy 2.5's removal of np.row_stack
      step gpu-tests timeout 150 python3 -c "import numpy as np; np.row_stack = np.vstack; import sys, pytest; \
sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-rs', 'tests/engine/test_cuda.py']))"
      step gpu-sweep timeout 150 python3 benchmarks/gpu.py --sweep --configs sg-ns,cbow-ns
      step gpu timeout 150 python3 benchmarks/gpu.py --configs sg-ns,cbow-ns,sg-hs,cbow-hs --skip-cpu ;;
    gpu-tests)
      step gpu-tests timeout 150 python3 -c "import numpy as np; np.row_stack = np.vstack; import sys, pytest; \
sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '-rs', 'tests/engine/test_cuda.py', 'tests/training/test_cuda_fit.py']))" ;;
    gpu-ab)
      step gpu-ab timeout 100 python3 benchmarks/gpu.py --sweep --configs sg-ns,cbow-ns ;;
    streamed)
      step streamed timeout 130 python3 benchmarks/gpu.py --streamed ;;
    threads)  # SG-NS compiled even if the precompile above ran out of time
      cpu; step warm warm_sgns
      step threads timeout 200 python3 benchmarks/vs_gensim.py --configs sg-ns --workers 1,16 --gensim-workers 16 \
        --tokens 8752426 ;;
    gpu16)
      cpu; step gpu16 timeout 200 python3 benchmarks/vs_gensim.py --configs sg-ns,cbow-ns --workers 16 \
        --gensim-workers 16 --tokens 8752426 ;;
    cores)
      cpu; step scaling timeout 200 python3 benchmarks/scaling.py --threads 1,2,4,8,16 --kinds sg-ns,cbow-ns,sg-hs,cbow-hs --words 600000
      step scaling-fit timeout 120 python3 benchmarks/scaling.py --threads 1,4,16 --kinds sg-ns --words 300000 --fit
      step scan timeout 60 python3 benchmarks/scan.py --threads 1,2,4,8,16 --repeats 2
      step sweep timeout 300 python3 benchmarks/vs_gensim.py --configs sg-ns --workers 1,2,4,8,16 --gensim-workers 16 --tokens 8752426 ;;
    sweep)  # issue 11's must-show alone: SG-NS on 1 and 16 threads (WORKERS), gensim on 16
      cpu; step sweep timeout 200 python3 benchmarks/vs_gensim.py --configs sg-ns --workers ${WORKERS:-1,16} --gensim-workers 16 \
        --tokens 8752426 ;;
    scan-ab)  # the scan on 1-16 threads, the tree against the package of an older commit unpacked in .old
      cpu; for round in 1 2; do
        step scan-old timeout 60 env PYTHONPATH=/tmp/site:$PWD/.old/main python3 benchmarks/scan.py --threads 1,4,16 --repeats 2
        step scan-new timeout 60 python3 benchmarks/scan.py --threads 1,4,16 --repeats 2
      done ;;
    kernel-ab)  # each kernel compiles twice in the step (the old package has no cache): about a minute a kind
      cpu; step kernel-ab timeout 400 python3 benchmarks/kernel_ab.py --old .old/main --kinds ${KINDS:-cbow-ns,sg-ns} \
        --one-process --threads ${THREADS:-16} --rounds ${ROUNDS:-6} --tokens 4000000 ;;
    hs)
      cpu; step hs-scaling timeout 100 python3 benchmarks/scaling.py --threads 1,16 --kinds sg-hs,cbow-hs --words 600000
      step hs-16 timeout 100 python3 benchmarks/vs_gensim.py --configs sg-hs --workers 16 --gensim-workers 0 --tokens 8752426 ;;
    subwords)  # issue 14: subwords on the card (the general kernel, compiled in the run) and on 16 threads
      step subwords-gpu timeout 200 python3 benchmarks/vs_fasttext.py --libraries wordvec --threads 2 \
        --tokens 8752426 --wordvec-extra '{"device": "cuda"}'
      cpu; step subwords-16 timeout 200 python3 benchmarks/vs_fasttext.py --libraries wordvec,gensim --threads 16 \
        --tokens 8752426 ;;
    gpu)
      step gpu timeout ${GPU_TIMEOUT:-400} python3 benchmarks/gpu.py ${GPU_ARGS:-} ;;
    alone)
      cpu; step alone timeout 200 python3 benchmarks/distributed.py --ranks 2,4,8 --threads 2 --alone --epochs 2 ;;
    ranks)
      mpi; cpu; step ranks timeout 300 python3 benchmarks/distributed.py --ranks ${RANKS:-2,4,8} --threads 2 --per-rank \
        --repeats ${REPEATS:-2} --sync-words ${SYNC_WORDS:-262144,65536} --hot-exchanges ${HOT:-0} ${CORPUS:+--corpus $CORPUS} ;;
    ranks-ab)  # the old benchmark runs the old package: it puts its own tree first on its ranks' path
      mpi; cpu; ln -sfn "$(cd .. && pwd)/shared" .old/shared  # where the old benchmarks look for the data
      step warm-old timeout 200 bash -c "cd .old/main && $(declare -f warm_sgns); warm_sgns"  # its own numba cache
      for round in 1 2; do
        for tree in .old/main .; do  # in the old tree: python -c puts the working directory first on the path
          step "ranks $tree" timeout 200 bash -c "cd $tree && python3 benchmarks/distributed.py --ranks ${RANKS:-4,8} \
            --threads 2 --per-rank --repeats 0 ${CORPUS:+--corpus $CORPUS}"
        done
      done ;;
  esac
done

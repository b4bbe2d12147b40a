"""Faults at scale: kills, full disks, concurrent runs, tampered corpora, absurd parameters, interrupts.

    python benchmarks/faults.py [--kills 50] [--trials 10] [--only kills,disk,...]

Each part causes its fault for real in child processes and prints counts:

* kills: SIGKILL at a random moment during each kind of save, N times each; counts
  partial files under a final name, and temporary files left after the next save;
* disk: every kind of save, the scan and a checkpoint under RLIMIT_FSIZE (a full
  disk): previous file intact, one-line error naming the file, nothing left;
* lock: two runs on one checkpoint directory; tamper: resume on another run's,
  a truncated and a bit-flipped corpus.ids; params: each absurd parameter of the
  probe's table; sigint: seconds from SIGINT to exit in a heavy configuration;
  signals: SIGINT or SIGTERM at random moments of the commands that write (one line,
  status 130, the user's file untouched, nothing left, a stopped train resumes);
  bomb: a 4 GB zip bomb and a FIFO, time and peak memory until refused.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SUFFIX = ".wordvec-tmp"

SAVER = """
import sys, numpy as np
from wordvec import KeyedVectors, Word2Vec
from wordvec.io.registry import write_vectors
kind, path = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
kv = KeyedVectors([f"w{i}" for i in range(50000)], rng.normal(size=(50000, 50)).astype(np.float32))
if kind == "model":
    model = Word2Vec(min_count=1, epochs=1, workers=1, progress=False).fit([["a", "b", "c"]] * 10)
    model.wv = kv; model.vectors_out_ = kv.vectors; model.vocab_.counts = np.ones(50000, dtype=np.int64)
print("ready", flush=True)
while True:
    model.save(path) if kind == "model" else write_vectors(kv, path, kind)
"""
KINDS = {"native": "v.npz", "model": "m.npz", "word2vec-binary": "v.bin", "word2vec-text": "v.txt",
         "glove": "v.glove", "tsv": "tsvdir", "fasttext": "f.bin"}


def corpus(path: Path, lines: int = 20000, vocab: int = 2000, seed: int = 0) -> Path:
    import numpy as np

    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(vocab)]
    path.write_text("\n".join(" ".join(rng.choice(words, size=12)) for _ in range(lines)) + "\n")
    return path


def complete(kind: str, path: Path) -> bool:
    """Whether the file under the final name is whole (it may also not exist yet)."""
    from wordvec import Word2Vec
    from wordvec.io.registry import read_vectors

    try:
        if kind == "tsv":
            return not path.exists() or all(len((path / f).read_text().splitlines()) == 50000
                                            for f in ("vectors.tsv", "metadata.tsv") if (path / f).exists())
        if not path.exists():
            return True
        kv = Word2Vec.load(path).wv if kind == "model" else read_vectors(path, kind)
        return len(kv) == 50000
    except Exception:
        return False


def leftovers(directory: Path) -> int:
    return sum(1 for p in directory.rglob(f"*{SUFFIX}"))


def kills(n: int, work: Path, kinds: list[str]) -> None:
    print(f"## SIGKILL during saves, {n} times each (50,000 x 50 vectors, killed 0.02-1.0 s into the loop)")
    rng = random.Random(0)
    for kind, name in ((k, KINDS[k]) for k in kinds if k in KINDS):
        directory = work / kind
        directory.mkdir()
        path, partial = directory / name, 0
        for _ in range(n):
            proc = subprocess.Popen([sys.executable, "-c", SAVER, kind, str(path)], env=ENV,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            proc.stdout.readline()
            time.sleep(rng.uniform(0.02, 1.0))
            proc.kill()
            proc.wait()
            partial += not complete(kind, path)
        before = leftovers(directory)
        subprocess.run([sys.executable, "-c", WRITE_ONCE.replace("50000", "100"), kind, str(path)], env=ENV,
                       check=True)  # the next save of the same kind to the same place
        print(f"{kind}: {n} kills, {partial} partial files under the final name, {before} temporary files "
              f"after the kills, {leftovers(directory)} after the next save", flush=True)
    if "checkpoint" in kinds:
        checkpoint_kills(n, work)


def checkpoint_kills(n: int, work: Path) -> None:
    from wordvec.io.checkpoints import list_checkpoints, load_checkpoint

    text = corpus(work / "ck-corpus.txt", lines=40000)
    rng, unreadable, directories = random.Random(1), 0, []
    for i in range(n):
        ck = work / f"ck{i}"
        proc = subprocess.Popen([sys.executable, "-m", "wordvec", "train", str(text), "-o", str(work / "m.npz"),
                                 "--min-count", "1", "--epochs", "20", "--no-progress", "--checkpoint-dir", str(ck),
                                 "--checkpoint-every", "0.05"], env=ENV, stderr=subprocess.PIPE, text=True)
        while "vocabulary" not in (proc.stderr.readline() or "vocabulary"):
            pass
        time.sleep(rng.uniform(0.1, 1.5))
        proc.kill()
        proc.wait()
        for path in list_checkpoints(ck, "word2vec"):
            try:
                load_checkpoint(path)
            except Exception:
                unreadable += 1
        directories.append(ck)
    left = sum(leftovers(d) for d in directories)
    resumed = subprocess.run([sys.executable, "-m", "wordvec", "train", str(text), "-o", str(work / "m.npz"),
                              "--min-count", "1", "--epochs", "20", "--no-progress", "--checkpoint-dir",
                              str(directories[-1]), "--resume"], env=ENV, capture_output=True, text=True)
    print(f"checkpoints: {n} kills during training with a checkpoint every 0.05 s, {unreadable} unreadable "
          f"checkpoints, {left} temporary files after the kills, {leftovers(directories[-1])} in the resumed "
          f"run's directory after it finished (exit {resumed.returncode})", flush=True)


def limited(limit: int):
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


WRITE_ONCE = SAVER.replace("print(\"ready\", flush=True)\nwhile True:\n    ", "")


def disk(work: Path) -> None:
    print("## A full disk (RLIMIT_FSIZE 1 MiB) during every kind of save, the scan and a checkpoint")
    for kind, name in KINDS.items():
        directory = work / f"disk-{kind}"
        directory.mkdir()
        path = directory / name
        subprocess.run([sys.executable, "-c", WRITE_ONCE.replace("50000", "100"), kind, str(path)], env=ENV,
                       check=True)
        before = _snapshot(path)
        done = subprocess.run([sys.executable, "-c", WRITE_ONCE, kind, str(path)], env=ENV, capture_output=True,
                              text=True, preexec_fn=limited(1 << 20))
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        print(f"{kind}: exit {done.returncode}, previous file intact: {_snapshot(path) == before}, "
              f"names the file: {str(path) in last}, left behind: {leftovers(directory)}; {last[-110:]}")
    text = corpus(work / "disk-corpus.txt", lines=40000)
    (work / "disk-tmp").mkdir()
    done = subprocess.run([sys.executable, "-m", "wordvec", "train", str(text), "-o", str(work / "dm.npz"),
                           "--no-progress", "--min-count", "1"], env={**ENV, "TMPDIR": str(work / "disk-tmp")},
                          capture_output=True, text=True, preexec_fn=limited(1 << 20))
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    print(f"scan: exit {done.returncode}, error lines {len(errors)}: {errors[-1][-150:] if errors else ''}; "
          f"files left in TMPDIR: {len(list((work / 'disk-tmp').iterdir()))}")
    from wordvec.io.checkpoints import list_checkpoints, load_checkpoint

    ck = _stopped_run(text, work / "disk-ck", "--vector-size", "300")  # 4.8 MB checkpoints, 2 MB of ids
    before = {p: p.read_bytes() for p in list_checkpoints(ck, "word2vec")}
    done = subprocess.run([sys.executable, "-m", "wordvec", "train", str(text), "-o", str(work / "dm.npz"),
                           "--no-progress", "--min-count", "1", "--epochs", "50", "--vector-size", "300",
                           "--checkpoint-dir", str(ck), "--resume", "--checkpoint-words", "50000"], env=ENV,
                          capture_output=True, text=True, preexec_fn=limited(3 << 20))
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    intact = all(p.read_bytes() == data for p, data in before.items()) and bool(before)
    readable = all(load_checkpoint(p) is not None for p in list_checkpoints(ck, "word2vec"))
    print(f"checkpoint (resumed under a 3 MiB limit): exit {done.returncode}, error lines {len(errors)}: "
          f"{errors[-1][-150:] if errors else ''}; previous checkpoint intact: {intact}, all readable: {readable}, "
          f"temporary files left: {leftovers(ck)}")


def _snapshot(path: Path) -> bytes:
    if path.is_dir():
        return b"".join(p.read_bytes() for p in sorted(path.iterdir()))
    return path.read_bytes()


def lock(trials: int, work: Path) -> None:
    text, refused, unharmed = corpus(work / "lock.txt"), 0, 0
    for i in range(trials):
        ck = work / f"lock{i}"
        train = [sys.executable, "-m", "wordvec", "train", str(text), "--min-count", "1", "--no-progress",
                 "--checkpoint-dir", str(ck)]
        first = subprocess.Popen(train + ["-o", str(work / f"a{i}.npz"), "--epochs", "10"], env=ENV,
                                 stderr=subprocess.DEVNULL)
        while not (ck / "lock").exists() or not (ck / "lock").read_text():
            time.sleep(0.02)
        second = subprocess.run(train + ["-o", str(work / f"b{i}.npz"), "--min-count", "2"], env=ENV,
                                capture_output=True, text=True)
        refused += second.returncode == 1 and "is in use by process" in second.stderr
        unharmed += first.wait() == 0 and (work / f"a{i}.npz").exists()
    print(f"## Two runs on one checkpoint directory: second refused {refused}/{trials}, first unharmed "
          f"{unharmed}/{trials}")


def tamper(trials: int, work: Path) -> None:
    text, other = corpus(work / "t.txt"), corpus(work / "t2.txt", vocab=3000, seed=1)
    stopped = {name: _stopped_run(src, work / f"stopped-{name}") for name, src in (("a", text), ("b", other))}
    rng = random.Random(2)
    print("## Tampered corpus.ids, then --resume")
    for damage in ("another run's", "truncated", "bit-flipped"):
        refused = crashed = 0
        for i in range(trials):
            ck = work / f"tamper-{damage[:4]}-{i}"
            shutil.copytree(stopped["a"], ck)
            ids = ck / "corpus.ids"
            if damage == "another run's":
                shutil.copy(stopped["b"] / "corpus.ids", ids)
            elif damage == "truncated":
                os.truncate(ids, rng.randrange(ids.stat().st_size))
            else:
                data = bytearray(ids.read_bytes())
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
                ids.write_bytes(bytes(data))
            done = subprocess.run([sys.executable, "-m", "wordvec", "train", str(text), "-o", str(ck / "m.npz"),
                                   "--min-count", "1", "--epochs", "50", "--no-progress", "--checkpoint-dir", str(ck),
                                   "--resume"],
                                  env=ENV, capture_output=True, text=True)
            refused += done.returncode == 1 and "cannot be resumed" in done.stderr
            crashed += done.returncode < 0
            last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        print(f"{damage}: refused {refused}/{trials}, crashed {crashed}; the last said: {last[-150:]}")


def _stopped_run(text: Path, ck: Path, *extra: str) -> Path:
    """A run stopped by SIGINT after a moment: a checkpoint and the stored corpus in ``ck``."""
    proc = subprocess.Popen([sys.executable, "-m", "wordvec", "train", str(text), "-o", str(ck) + ".npz",
                             "--min-count", "1", "--epochs", "50", "--no-progress", "--checkpoint-dir", str(ck),
                             *extra], env=ENV, stderr=subprocess.PIPE, text=True)
    while "vocabulary" not in (proc.stderr.readline() or "vocabulary"):
        pass
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    proc.wait()
    return ck


PARAMS = [["--negative", "1000000"], ["--negative", "10000"], ["--alpha", "5"], ["--min-alpha", "1"],
          ["--vector-size", "10000000"], ["--window", "1000000000"], ["--alpha", "1.0"]]


def params(work: Path) -> None:
    text = corpus(work / "p.txt", lines=5000)
    print("## Absurd parameters (wordvec train on a 60,000-word corpus)")
    for args in PARAMS + [["-o-missing"], ["-o-dir"]]:
        out = work / "p.npz"
        out.unlink(missing_ok=True)
        cli = args
        if args == ["-o-missing"]:
            out, cli = work / "missing" / "p.npz", []
        elif args == ["-o-dir"]:
            out, cli = work, []
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "wordvec", "train", str(text), "-o", str(out), "--min-count",
                               "1", "--epochs", "1", "--no-progress", *cli], env=ENV, capture_output=True, text=True)
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        nan_written = done.returncode == 0 and out.is_file() and not _finite(out)
        print(f"{' '.join(args) if cli else args[0]}: exit {done.returncode} after {time.monotonic() - start:.1f} s, "
              f"NaN model written: {nan_written}; {last[-140:]}")


def _finite(path: Path) -> bool:
    import numpy as np

    from wordvec import KeyedVectors

    return bool(np.isfinite(KeyedVectors.load(path).vectors).all())


def sigint(trials: int, work: Path) -> None:
    text = corpus(work / "s.txt", lines=40000, vocab=5000)
    once, twice = [], []
    for i in range(trials):
        for signals, record in ((1, once), (2, twice)):
            proc = subprocess.Popen([sys.executable, "-m", "wordvec", "train", str(text), "-o", str(work / "s.npz"),
                                     "--negative", "1000", "--vector-size", "300", "--window", "10", "--min-count",
                                     "1", "--workers", "2", "--no-progress"], env=ENV, stderr=subprocess.PIPE)
            while b"vocabulary" not in (proc.stderr.readline() or b"vocabulary"):
                pass
            time.sleep(random.Random(i).uniform(0.5, 3.0))
            start = time.monotonic()
            for _ in range(signals):
                proc.send_signal(signal.SIGINT)
                time.sleep(0.01)
            proc.wait()
            record.append(time.monotonic() - start)
    print(f"## SIGINT, negative=1000, dim 300, window 10, 2 threads, {trials} times: one SIGINT to exit "
          f"max {max(once):.2f} s (mean {sum(once) / len(once):.2f}); two SIGINTs max {max(twice):.2f} s")


def _commands(work: Path) -> dict:
    text, model = corpus(work / "c.txt", lines=40000, vocab=3000), work / "model.npz"
    subprocess.run([sys.executable, "-m", "wordvec", "train", str(text), "-o", str(model), "--min-count", "1",
                    "--no-progress"], env=ENV, check=True, capture_output=True)
    train = ["train", str(text), "--min-count", "1", "--epochs", "12", "--no-progress", "-o"]
    return {"phrases": ["phrases", str(text), "--passes", "2", "--min-count", "2", "-o"],
            "convert": ["convert", "--to", "word2vec-text", str(model)],
            "evaluate": ["evaluate", str(model)],
            "train": [*train[:-1], "--checkpoint-dir", str(work / "ck"), "--checkpoint-words", "50000", "-o"]}


def signals(trials: int, work: Path, cold: bool = False) -> None:
    """SIGINT or SIGTERM at a random moment of each command that writes over a user's file; with
    ``cold``, the package's numba cache emptied before each train, so that signals land in compiles."""
    rng, commands, counts = random.Random(0), _commands(work), {"stopped": 0}
    for i in range(trials):
        name, sig = rng.choice(sorted(commands)), rng.choice([signal.SIGINT, signal.SIGTERM])
        after = rng.uniform(0.05, 4)
        shutil.rmtree(work / "ck", ignore_errors=True)
        out = work / "out" / "users_file"
        out.parent.mkdir(exist_ok=True)
        out.write_text("the user's file\n")
        if cold and name == "train":
            for stale in (ROOT / "wordvec").rglob("*.nb[ic]"):
                stale.unlink()
        argv = [sys.executable, "-m", "wordvec", *commands[name], *([] if name == "evaluate" else [str(out)])]
        proc = subprocess.Popen(argv, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        time.sleep(after)
        proc.send_signal(sig)
        err = proc.communicate(timeout=300)[1]
        last = (err.strip().splitlines() or [""])[-1]
        # stopped: 130, or ended by SIGINT after printing its line (a shell shows 130 for both): CPython's flag
        # for a KeyboardInterrupt that passed through code an extension ran by PyRun_String (tests/test_cli.py).
        # Ended by the signal without saying so: it came as Python started or after the command had ended
        stopped = proc.returncode in (130, -signal.SIGINT) and "interrupted" in last
        ended = proc.returncode == 0 or (-proc.returncode == sig and "interrupted" not in last)
        faults = {"traceback": "Traceback" in err,
                  "other status": not stopped and not ended,
                  "no one-line reason": proc.returncode == 130 and not last.startswith("wordvec: "),
                  "user's file changed by a stopped run": stopped and out.read_text() != "the user's file\n",
                  "files left beside it": [p.name for p in out.parent.iterdir()] != [out.name]}
        if name == "train" and stopped:
            resumed = subprocess.run([*argv, "--resume"], env=ENV, capture_output=True, text=True, timeout=300)
            faults["resume failed"] = resumed.returncode != 0
        counts["stopped"] += stopped
        for fault, seen in faults.items():
            counts[fault] = counts.get(fault, 0) + bool(seen)
        if any(faults.values()):
            print(f"{name}, signal {int(sig)} after {after:.2f} s, exit {proc.returncode}: "
                  f"{[f for f, seen in faults.items() if seen]}; {err.strip()[-300:]}")
    print(f"## SIGINT/SIGTERM at random moments of phrases, convert, evaluate and train"
          f"{' (cold cache)' if cold else ''}, {trials} runs: " + ", ".join(f"{f} {n}" for f, n in counts.items()))


def bomb(work: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "io"))
    from test_bounded_reading import zip_bomb

    path = zip_bomb(work / "bomb.npz", 4 << 30)
    os.mkfifo(work / "fifo.npz")
    os.mkfifo(work / "fifo.bin")
    code = ("import sys, time; t = time.monotonic(); from wordvec import KeyedVectors\n"
            "try:\n    KeyedVectors.load(sys.argv[1]) if sys.argv[1].endswith('.npz') else "
            "KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)\n"
            "except Exception as e:\n    print(e)\n"
            "print(f'{time.monotonic() - t:.2f}', next(int(l.split()[1]) for l in open('/proc/self/status') "
            "if l.startswith('VmHWM')) // 1024)")
    print(f"## Zip bomb ({path.stat().st_size / 1e6:.1f} MB inflating to 4 GB) and FIFOs")
    for target in (path, work / "fifo.npz", work / "fifo.bin"):
        done = subprocess.run([sys.executable, "-c", code, str(target)], env=ENV, capture_output=True, text=True,
                              timeout=60)
        message, figures = done.stdout.strip().splitlines()
        seconds, peak = figures.split()
        print(f"{target.name}: refused in {seconds} s (load call, import included), peak RSS {peak} MB: {message[-100:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--only", default="kills,disk,lock,tamper,params,sigint,signals,bomb")
    parser.add_argument("--cold", action="store_true", help="signals: empty the package's numba cache before each "
                        "train (each then compiles its kernels; precompile afterwards)")
    parser.add_argument("--kinds", default=",".join([*KINDS, "checkpoint"]), help="the saves the kill loop covers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for part in args.only.split(","):
            sub = work / part
            sub.mkdir()
            if part == "kills":
                kills(args.kills, sub, args.kinds.split(","))
            elif part in ("lock", "tamper", "sigint"):
                globals()[part](args.trials, sub)
            elif part == "signals":
                signals(args.trials * 4, sub, args.cold)
            else:
                globals()[part](sub)


if __name__ == "__main__":
    main()

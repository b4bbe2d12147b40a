"""Build wordvec with its kernels compiled: the built package carries numba's cache.

Everything else is declared in pyproject.toml. After the Python files are
copied into the build directory, ``python -m wordvec.precompile`` runs on them
there, so numba writes each kernel's machine code into the built package's
``__pycache__`` (keyed by a hash of the source, numba's version and the CPU)
and the first run after ``pip install .`` loads it instead of compiling. If
that step fails, the package is built without the cache and compiles on first
use, as any numba package does. WORDVEC_PRECOMPILE=0 skips it.
"""

import os
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyAndCompile(build_py):
    """build_py, then the kernels compiled into the build directory's numba cache."""

    def run(self):
        super().run()
        for stale in Path(self.build_lib).rglob("*.nb[ic]"):  # from an earlier build in the same directory
            stale.unlink()
        if self.editable_mode or os.environ.get("WORDVEC_PRECOMPILE", "1") == "0":
            return
        env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}  # the cache goes beside the code
        # the built files first, then whatever pip's isolated build environment put there (numpy, numba)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.path.abspath(self.build_lib), env.get("PYTHONPATH")]))
        done = subprocess.run([sys.executable, "-m", "wordvec.precompile"], env=env, cwd=self.build_lib, check=False)
        if done.returncode != 0:
            print("wordvec: precompiling the kernels failed; they will compile on first use", file=sys.stderr)


setup(cmdclass={"build_py": BuildPyAndCompile})

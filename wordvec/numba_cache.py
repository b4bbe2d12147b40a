"""The package's numba cache against its sources: emptied when any source file changed.

numba checks a cached kernel against its own file only, not against the helpers
it inlined from other files (``engine/cpu/vecops.py`` into ``kernel.py``, say),
so an edited helper would leave the kernels running the old one.
:func:`drop_stale_cache`, called when wordvec is imported (before any kernel
loads), keeps a hash of every source file beside the cache and empties the cache
when the hash changes. It lives apart from ``wordvec.precompile`` so that
``python -m wordvec.precompile`` does not run a module the package already imported.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
STAMP = Path("__pycache__") / "wordvec-sources.sha256"  # under the package: the sources the cache was built from


def sources_digest(root: Path = PACKAGE) -> str:
    """sha256 of every Python file under ``root`` (names and contents, in sorted order)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def drop_stale_cache(root: Path = PACKAGE) -> bool:
    """Delete numba's cache files under ``root`` if its sources changed since the cache's stamp was
    written; then stamp the current sources. Returns whether files were deleted. A package
    without a stamp keeps its cache (the first stamp is written by the build, or by the first
    import of a source tree); a read-only package is left as it is."""
    from wordvec.errors import StorageError
    from wordvec.io.atomic import atomic_write

    stamp, digest = root / STAMP, sources_digest(root)
    try:
        old = stamp.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        old = None
    if old == digest:
        return False
    dropped = False
    try:
        if old is not None:
            for path in root.rglob("*.nb[ic]"):
                path.unlink(missing_ok=True)
                dropped = True
        stamp.parent.mkdir(exist_ok=True)
        with atomic_write(stamp, text=True) as f:
            f.write(digest + "\n")
    except (OSError, StorageError):  # a read-only install, or a race with another process: harmless
        pass
    return dropped

"""Named arrays plus JSON metadata in one .npz file, written atomically, read without pickle.

A file is written through ``io.atomic`` (a temporary file, fsync, rename), so a
crash leaves the complete new file or none. Members
are stored uncompressed, and a compressed member is refused before it is
inflated (a small file could otherwise inflate to gigabytes); reading uses ``allow_pickle=False`` (an object array,
the only way an .npz can carry a pickle, is refused, so loading can never run
code), and the zip CRC catches damaged bytes. Arrays can be memory-mapped.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

import numpy as np

from wordvec.errors import StorageError
from wordvec.io.atomic import atomic_write
from wordvec.io.paths import storage_file

META = "__meta__"
ALIGN = 64  # numpy's own alignment of .npy data
PAD_FIELD = 0x7677  # zip extra-field id of the padding ("wv"); readers skip unknown fields


def save_arrays(path: str | os.PathLike, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Atomically write ``arrays`` and the JSON-serialisable ``meta`` to ``path``.

    The file is what ``np.savez`` writes (a zip of .npy members, stored), except
    that each member's local header is padded with an extra field so that its
    array data starts at a multiple of 64 bytes in the file: a memory map of it
    is then as aligned as an array numpy allocates, and as fast to compute with.
    """
    meta_bytes = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
    with atomic_write(path) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in {**arrays, META: meta_bytes}.items():
            _write_member(archive, name, np.asanyarray(array))


def _write_member(archive: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    """One .npy member whose array data starts at a multiple of ``ALIGN`` bytes."""
    array = array if array.flags.c_contiguous else np.ascontiguousarray(array)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(array))
    info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
    info.file_size = len(header.getvalue()) + array.nbytes
    zip64 = info.file_size * 1.05 > zipfile.ZIP64_LIMIT  # as zipfile decides it
    fixed = 30 + len(info.filename.encode()) + (20 if zip64 else 0) + 4  # local header, name, zip64 and pad fields
    pad = (-(archive.start_dir + fixed + len(header.getvalue()))) % ALIGN
    info.extra = struct.pack("<HH", PAD_FIELD, pad) + bytes(pad)
    with archive.open(info, "w", force_zip64=zip64) as member:
        member.write(header.getvalue())
        flat, step = array.reshape(-1), max(1, (16 << 20) // max(array.itemsize, 1))
        for start in range(0, flat.size, step):  # 16 MiB at a time: no copy of a large array
            member.write(flat[start:start + step].tobytes())


def load_arrays(path: str | os.PathLike, mmap: bool = False) -> tuple[dict[str, np.ndarray], dict]:
    """Read a file written by :func:`save_arrays`; ``mmap=True`` maps the arrays read-only."""
    path = storage_file(path)
    try:
        _check_members(path)
        with np.load(path, allow_pickle=False) as data:
            names = [n for n in data.files if n != META]
            meta = json.loads(data[META].tobytes().decode())
            arrays = {n: _mapped(path, n) if mmap else data[n] for n in names}
    except FileNotFoundError:
        raise StorageError(f"{path} does not exist") from None
    except Exception as exc:  # any failure to parse an untrusted file (zip, npy header, JSON) means unreadable
        raise StorageError(f"{path} is unreadable: {type(exc).__name__}: {exc}") from None
    if not isinstance(meta, dict):
        raise StorageError(f"{path} has malformed metadata")
    return arrays, meta


def _check_members(path: Path) -> None:
    """Refuse, before reading any data, members that are not plain arrays or that claim
    more data than they hold (a damaged header must not allocate gigabytes)."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                raise ValueError(f"member {info.filename} is not an array")
            if info.compress_type != zipfile.ZIP_STORED:  # a deflated member could inflate to anything
                raise ValueError(f"member {info.filename} is compressed, which wordvec never writes "
                                 f"(recompress the file without compression)")
            with archive.open(info) as member:
                shape, _, dtype = _npy_header(member)
            if dtype.hasobject:
                raise ValueError(f"member {info.filename} holds Python objects (a pickle)")
            if int(np.prod(shape, dtype=np.float64)) * dtype.itemsize > info.file_size:
                raise ValueError(f"member {info.filename} claims more data than it holds")


def _mapped(path: Path, name: str) -> np.ndarray:
    """Memory-map member ``name``.npy of an uncompressed .npz."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{name}.npy")
        if info.compress_type != zipfile.ZIP_STORED:
            raise ValueError(f"member {name} is compressed and cannot be memory-mapped")
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        start = info.header_offset + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
        f.seek(start)
        shape, fortran, dtype = _npy_header(f)
        if dtype.hasobject:
            raise ValueError(f"member {name} holds Python objects")
        offset = f.tell()
    return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape, order="F" if fortran else "C")


def _npy_header(stream) -> tuple[tuple, bool, np.dtype]:
    """(shape, fortran_order, dtype) from the header of an .npy stream."""
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(stream)
    return np.lib.format.read_array_header_2_0(stream)

"""Writing files and folders so that a reader never sees them half-written.

Every published file (report pages, Excel lists, the prepared-data cache, the demo data)
is written to a hidden temporary sibling and renamed into place: a rename within one
folder is atomic, so a crash or a kill leaves either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["atomic_file", "fill_dir_atomically", "replace_dir", "sha256_of", "write_atomically"]


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str], *, mode: int = 0o644) -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed onto `path` when the block succeeds.

    The temporary file is removed when the block raises (KeyboardInterrupt included).
    `mode` is the permission of the published file (mkstemp would leave it private).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path` atomically (see `atomic_file`); returns the path."""
    with atomic_file(path) as temporary:
        temporary.write_bytes(data)
    return Path(path)


def fill_dir_atomically(target: str | os.PathLike[str], fill: Callable[[Path], Any]) -> None:
    """Fill a temporary sibling folder with `fill(folder)`, then rename it to `target`.

    When another process published `target` meanwhile (two runs preparing the same
    cache), this one gives way: its folder is dropped and `target` is kept.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        fill(temporary)
        try:
            os.rename(temporary, target)
        except OSError:
            if not target.exists():
                raise
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)


def replace_dir(temporary: str | os.PathLike[str], final: str | os.PathLike[str]) -> None:
    """Move a finished temporary folder onto `final`, replacing an older one (removed after)."""
    temporary, final = Path(temporary), Path(final)
    if not final.exists():
        temporary.rename(final)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
    old.rmdir()
    final.rename(old)
    temporary.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def sha256_of(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file's bytes, read in blocks of 1 MiB."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

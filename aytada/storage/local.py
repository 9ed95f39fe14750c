"""The media folder (``MEDIA_DIR``): keys are paths under it. Workers on other machines share
it only through a shared mount (NFS or similar); the S3 store needs none."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from aytada.storage import StorageError, check_key


class LocalStore:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    def path(self, key: str) -> Path:
        """The file of ``key`` under the folder."""
        return self.root / check_key(key)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(prefix=".check-", dir=self.root):
                pass
        except OSError as exc:
            raise StorageError(
                f"The media folder {str(self.root)!r} cannot be written: "
                f"{exc.strerror or type(exc).__name__} (check MEDIA_DIR)"
            ) from None

    def upload(self, path: Path, key: str) -> None:
        target = self.path(key)
        if target.exists() and target.resolve() == Path(path).resolve():
            return  # written in place already
        _copy_whole(Path(path), target)

    def download(self, key: str, path: Path) -> None:
        source = self.path(key)
        if not source.is_file():
            raise FileNotFoundError(f"no media file {key!r}")
        if Path(path).exists() and Path(path).resolve() == source.resolve():
            return
        _copy_whole(source, Path(path))

    def read_bytes(self, key: str) -> bytes:
        source = self.path(key)
        if not source.is_file():
            raise FileNotFoundError(f"no media file {key!r}")
        return source.read_bytes()

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            self.path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        folder = self.path(prefix)
        if not folder.is_dir():
            return 0
        count = sum(1 for p in folder.rglob("*") if p.is_file())
        shutil.rmtree(folder, ignore_errors=True)
        return count

    def location(self, key: str) -> str:
        return str(self.path(key).resolve())


def _copy_whole(source: Path, target: Path) -> None:
    """Copy through a temporary file in the target's folder, then rename: a reader never sees
    half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

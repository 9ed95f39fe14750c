"""An S3-compatible bucket (AWS S3, MinIO, any S3 service) through boto3.

Keys are stored under ``<prefix>/``. Credentials, region and endpoint are boto3's: passed in
from ``AWS_*`` variables, or left to boto3's own lookup (environment, ``~/.aws``, instance
role). They are kept inside the boto3 client only: ``repr()`` and errors never show them.
"""

from __future__ import annotations

import mimetypes
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aytada.storage import StorageError, check_key

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Store:
    name = "s3"

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str = "",
        access_key_id: str = "",
        secret_access_key: str = "",
        session_token: str = "",
        region: str = "",
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self._credentials = {
            "aws_access_key_id": access_key_id or None,
            "aws_secret_access_key": secret_access_key or None,
            "aws_session_token": session_token or None,
        }
        self._region = region or None
        self._client: Any = None
        self._pid = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never a credential
        where = f", endpoint={self.endpoint_url!r}" if self.endpoint_url else ""
        return f"S3Store({self.bucket!r}, {self.prefix!r}{where})"

    # ------------------------------------------------------------------ client

    @property
    def client(self) -> Any:
        """A boto3 S3 client of this process (a client made before a fork is not reused)."""
        with self._lock:
            if self._client is None or self._pid != os.getpid():
                import boto3
                from botocore.config import Config

                custom = (
                    self.endpoint_url
                    or os.environ.get("AWS_ENDPOINT_URL_S3")
                    or (os.environ.get("AWS_ENDPOINT_URL"))
                )
                config = Config(
                    retries={"max_attempts": 4, "mode": "standard"},
                    connect_timeout=10,
                    read_timeout=120,
                    # S3-compatible servers (MinIO…) answer on their own host name: path style
                    s3={"addressing_style": "path"} if custom else None,
                )
                session = boto3.session.Session(region_name=self._region, **self._credentials)
                self._client = session.client(
                    "s3", endpoint_url=self.endpoint_url or None, config=config
                )
                self._pid = os.getpid()
            return self._client

    def object_key(self, key: str) -> str:
        """The bucket's key of a media key (under the prefix)."""
        key = check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _fail(self, what: str, key: str, exc: Exception) -> StorageError:
        return StorageError(
            f"The media store (s3://{self.bucket}/{self.prefix}) could not {what} {key!r}: "
            f"{_reason(exc)}"
        )

    @contextmanager
    def _reading(self, what: str, key: str) -> Iterator[None]:
        """Around a call that reads ``key``'s object: a missing object raises
        FileNotFoundError, any other failure a StorageError (could not ``what`` ``key``)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise FileNotFoundError(f"no media file {key!r}") from None
            raise self._fail(what, key, exc) from None
        except BotoCoreError as exc:
            raise self._fail(what, key, exc) from None

    # ------------------------------------------------------------------ MediaStore

    def check(self) -> None:
        """The bucket answers to these credentials (HEAD bucket: no object is read)."""
        from botocore.exceptions import BotoCoreError, ClientError

        where = f"s3://{self.bucket}/{self.prefix}".rstrip("/")
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            code = _code(exc)
            hint = {
                "404": "there is no such bucket: create it first (README, More machines)",
                "NoSuchBucket": "there is no such bucket: create it first (README, More machines)",
                "403": "access denied: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY",
            }.get(code, _reason(exc))
            raise StorageError(f"The media store {where} cannot be used: {hint}") from None
        except BotoCoreError as exc:
            raise StorageError(
                f"The media store {where} is not reachable: {_reason(exc)} (check AWS_ENDPOINT_URL)"
            ) from None

    def exists(self, key: str) -> bool:
        object_key = self.object_key(key)
        try:
            with self._reading("look up", key):
                self.client.head_object(Bucket=self.bucket, Key=object_key)
        except FileNotFoundError:
            return False
        return True

    def upload(self, path: Path, key: str) -> None:
        content_type = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        object_key = self.object_key(key)
        try:
            self.client.upload_file(
                str(path), self.bucket, object_key,
                ExtraArgs={"ContentType": content_type},
            )  # fmt: skip
        except Exception as exc:  # botocore's, or s3transfer's S3UploadFailedError around them
            raise self._fail("store", key, exc) from None

    def download(self, key: str, path: Path) -> None:
        object_key = self.object_key(key)
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        os.close(fd)
        try:
            with self._reading("fetch", key):
                self.client.download_file(self.bucket, object_key, tmp)
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def read_bytes(self, key: str) -> bytes:
        object_key = self.object_key(key)
        with self._reading("fetch", key):
            answer = self.client.get_object(Bucket=self.bucket, Key=object_key)
            return answer["Body"].read()

    def delete(self, keys: list[str]) -> None:
        self._delete_objects([self.object_key(k) for k in keys], ", ".join(keys[:3]))

    def delete_prefix(self, prefix: str) -> int:
        from botocore.exceptions import BotoCoreError, ClientError

        folder = self.object_key(prefix).rstrip("/") + "/"
        found: list[str] = []
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=folder
            )
            for page in pages:
                found += [item["Key"] for item in page.get("Contents", [])]
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("list", prefix, exc) from None
        self._delete_objects(found, prefix)
        return len(found)

    def location(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.object_key(key)}"

    def _delete_objects(self, object_keys: list[str], what: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        for start in range(0, len(object_keys), 1000):  # the API's batch limit
            batch = [{"Key": k} for k in object_keys[start : start + 1000]]
            try:
                answer = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            except (BotoCoreError, ClientError) as exc:
                raise self._fail("delete", what, exc) from None
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise StorageError(
                    f"The media store could not delete {first.get('Key')!r}: "
                    f"{first.get('Code')} {first.get('Message', '')}".strip()
                )


def _code(exc: Any) -> str:
    return str((getattr(exc, "response", None) or {}).get("Error", {}).get("Code", ""))


def _reason(exc: Exception) -> str:
    code = _code(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{code} ({text})" if code and code not in text else text

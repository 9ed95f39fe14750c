"""A real local S3 endpoint for tests: moto in server mode (``ThreadedMotoServer``) on a free
port of 127.0.0.1, one per test session, and a bucket of each test's own.

Use: ``from tests.s3server import s3, s3_server  # noqa: F401`` in a test module; the ``s3``
fixture sets boto3's standard variables for the test and its workers and returns an
:class:`S3Bucket`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from aytada.core.settings import reset_settings

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "moto-test-key",
    "AWS_SECRET_ACCESS_KEY": "moto-test-secret-do-not-show",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass
class S3Bucket:
    endpoint: str
    name: str
    prefix: str
    client: Any  # a boto3 S3 client of the test (checks what the app did)

    @property
    def env(self) -> dict[str, str]:
        """Everything a process needs to use this bucket as its media store."""
        return {
            **CREDENTIALS,
            "AWS_ENDPOINT_URL": self.endpoint,
            "MEDIA_URL": f"s3://{self.name}/{self.prefix}",
        }

    def keys(self, under: str = "") -> list[str]:
        """Media keys (without the prefix) stored under ``under``."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=f"{self.prefix}/{under}"
        )
        found = [o["Key"] for page in pages for o in page.get("Contents", [])]
        return sorted(k.removeprefix(f"{self.prefix}/") for k in found)

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=f"{self.prefix}/{key}")["Body"].read()

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=f"{self.prefix}/{key}", Body=data)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """The endpoint URL of a moto S3 server of this session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server: str, monkeypatch: pytest.MonkeyPatch, app_env: dict[str, str]) -> S3Bucket:
    """A new bucket on the moto server, chosen as the media store of this test (MEDIA_URL and
    boto3's variables in the environment, so workers started afterwards use it too)."""
    import boto3

    name = f"aytada-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
    )
    client.create_bucket(Bucket=name)
    bucket = S3Bucket(s3_server, name, "media", client)
    for key, value in bucket.env.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    return bucket

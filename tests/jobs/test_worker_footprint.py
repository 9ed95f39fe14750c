"""What a worker loads: on offline providers no HTTP client or cloud SDK sits in its memory
(the worker and every work-horse it forks carry each import; bench/render_memory.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# the imports `aytada worker` makes before it takes a job (aytada.cli.cmd_worker)
WORKER_IMPORTS = """
import json, sys
from aytada.jobs.queue import check_redis, get_queue, redis_conn
from aytada.jobs.reconcile import reconcile_once
from aytada.jobs.runner import _load_steps
from aytada.jobs.worker import AytadaWorker
_load_steps()
print(json.dumps(sorted(m for m in sys.modules if "." not in m)))
"""


def test_an_offline_worker_loads_no_http_client_or_cloud_sdk() -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "FAL_KEY"))}
    env["AYTADA_IGNORE_FILES"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", WORKER_IMPORTS], env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "sqlalchemy" in loaded and "rq" in loaded  # the worker's own needs are there
    assert not loaded & {"httpx", "openai", "elevenlabs", "boto3", "botocore", "rich"}, loaded


# a job's process on real providers: the providers built, then one step's provider used
ONE_STEP = """
import json, sys
from aytada.providers.registry import ProviderConfig, build_providers
providers = build_providers(ProviderConfig(values={
    "OPENAI_API_KEY": "sk-test", "ELEVENLABS_API_KEY": "el-test", "FAL_KEY": "fal-test"}))
before = sorted(m for m in sys.modules if "." not in m)
voice = providers.voice
assert providers.voice is voice  # built once
print(json.dumps([before, sorted(m for m in sys.modules if "." not in m)]))
"""


def test_a_job_imports_only_the_sdk_of_the_provider_its_step_uses() -> None:
    """Every job runs in a fresh work-horse: a voiceover on ElevenLabs does not import the
    OpenAI SDK (~0.3 s of CPU) or build fal's client because the keys of both are set."""
    out = subprocess.run(
        [sys.executable, "-c", ONE_STEP], capture_output=True, text=True, timeout=120,
        check=True,
    )  # fmt: skip
    before, after = (set(m) for m in json.loads(out.stdout.strip().splitlines()[-1]))
    assert not before & {"openai", "elevenlabs", "httpx"}, before
    assert "elevenlabs" in after and "openai" not in after, after

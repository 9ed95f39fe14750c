"""Loaded by real test workers through AYTADA_EXTRA_STEPS: wraps every registered step so a
test can make it raise or sleep (`start_step(..., params={"fault": "raise"})`): "raise",
"raise-scene:N", "sleep:S" (every run), "sleep-first:S" (only a run no worker died in before),
"child-first:S" (the first run waits on a child process, as on ffmpeg), "write-then-raise".

Without a `fault` parameter each step behaves exactly as registered.
"""

from __future__ import annotations

import time

import aytada.jobs.steps  # noqa: F401  (the real steps, wrapped below)
from aytada.jobs import runner


def _wrap(name: str, real: runner.RegisteredStep) -> None:
    def inputs(session, project, scene, params):  # type: ignore[no-untyped-def]
        data = real.inputs(session, project, scene, params)
        if params.get("fault"):
            data["fault"] = params["fault"]
        return data

    def run(ctx: runner.StepContext) -> runner.StepResult:
        fault = ctx.snapshot.get("fault", "")
        if fault == "raise" or fault == f"raise-scene:{ctx.scene_index}":
            raise RuntimeError("boom from the test step")
        if fault.startswith("sleep:"):
            time.sleep(float(fault.split(":", 1)[1]))
        if fault.startswith("sleep-first:") and ctx.attempt == 0:  # only the first run hangs
            time.sleep(float(fault.split(":", 1)[1]))
        if fault.startswith("child-first:") and ctx.attempt == 0:  # a child process, like ffmpeg
            import os
            import subprocess
            from pathlib import Path

            child = subprocess.Popen(["sleep", fault.split(":", 1)[1]])
            Path(os.environ["MEDIA_DIR"], "child.pid").write_text(str(child.pid))
            child.wait()
        if fault == "write-then-raise":  # a step that dies after writing part of its output
            (ctx.workdir / "half.partial.mp4").write_bytes(b"\0" * 4096)
            raise RuntimeError("boom after writing")
        return real.run(ctx)

    runner.REGISTRY[name] = runner.RegisteredStep(run=run, apply=real.apply, inputs=inputs)


for _name, _real in list(runner.REGISTRY.items()):
    if not getattr(_real.run, "__wrapped_fault__", False):
        _wrap(_name, _real)
        runner.REGISTRY[_name].run.__wrapped_fault__ = True  # type: ignore[attr-defined]

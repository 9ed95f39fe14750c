"""Loaded by real test workers through AYTADA_EXTRA_STEPS: wraps every registered step so a
test can make it raise, sleep or wait (`start_step(..., params={"fault": "raise"})`).

Faults, several joined with "+" (e.g. "raise-scene:1+barrier:fan-in:3"):
- "raise", "raise-scene:N": fail at once; "write-then-raise": fail after writing a part file;
- "sleep:S" (every run), "sleep-first:S" (only a run no worker died in before),
  "child-first:S" (the first run waits on a child process, as on ffmpeg);
- after the real work is done, just before the runner stores the result:
  "barrier:NAME:N" waits until N runs reached barrier NAME, so they all finish together;
  "gate:NAME" ("gate-first:NAME": first run only) waits until the test calls `open_gate(NAME)`.
Arrivals are files under $MEDIA_DIR/faults (the test and its workers share that folder), so a
test can wait for them (`arrivals(NAME)`). Without a `fault` parameter each step behaves exactly
as registered.

Steps started without parameters (by `aytada make`, say) get faults from the workers'
environment: AYTADA_TEST_FAULTS="STEP=FAULT,STEP=FAULT" (e.g. "design=gate-first:outage").
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import aytada.jobs.steps  # noqa: F401  (the real steps, wrapped below)
from aytada.jobs import runner

WAIT_LIMIT = 240.0  # a barrier or gate nobody releases fails the step instead of hanging
ENV_FAULTS = "AYTADA_TEST_FAULTS"


def _env_faults(step: str) -> list[str]:
    spec = os.environ.get(ENV_FAULTS, "")
    return [f.split("=", 1)[1] for f in spec.split(",") if f.startswith(f"{step}=")]


def _faults_dir(name: str) -> Path:
    return Path(os.environ["MEDIA_DIR"]).parent / "faults" / name


def arrivals(name: str) -> list[str]:
    """The runs (generation key and run number) waiting at barrier or gate NAME, or past it."""
    folder = _faults_dir(name)
    return sorted(p.name for p in folder.glob("*.arrived")) if folder.exists() else []


def open_gate(name: str) -> None:
    folder = _faults_dir(name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "open").touch()


def _arrive(name: str, ctx: runner.StepContext) -> Path:
    folder = _faults_dir(name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ctx.key}-{ctx.attempt}.arrived").touch()
    return folder


def _wait(name: str, done) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_LIMIT
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"fault {name!r} was never released")
        time.sleep(0.005)


def _after_run(fault: str, ctx: runner.StepContext) -> None:
    if fault.startswith("barrier:"):  # barrier:NAME:N
        _, name, count = fault.split(":")
        _arrive(name, ctx)
        _wait(name, lambda: len(arrivals(name)) >= int(count))
    elif fault.startswith("gate:") or (fault.startswith("gate-first:") and ctx.attempt == 0):
        name = fault.split(":", 1)[1]
        folder = _arrive(name, ctx)
        _wait(name, lambda: (folder / "open").exists())


def _before_run(fault: str, ctx: runner.StepContext) -> None:
    if fault == "raise" or fault == f"raise-scene:{ctx.scene_index}":
        raise RuntimeError("boom from the test step")
    if fault.startswith("sleep:"):
        time.sleep(float(fault.split(":", 1)[1]))
    if fault.startswith("sleep-first:") and ctx.attempt == 0:  # only the first run hangs
        time.sleep(float(fault.split(":", 1)[1]))
    if fault.startswith("child-first:") and ctx.attempt == 0:  # a child process, like ffmpeg
        import subprocess

        child = subprocess.Popen(["sleep", fault.split(":", 1)[1]])
        Path(os.environ["MEDIA_DIR"], "child.pid").write_text(str(child.pid))
        child.wait()
    if fault == "write-then-raise":  # a step that dies after writing part of its output
        (ctx.workdir / "half.partial.mp4").write_bytes(b"\0" * 4096)
        raise RuntimeError("boom after writing")


def _wrap(name: str, real: runner.RegisteredStep) -> None:
    def inputs(session, project, scene, params):  # type: ignore[no-untyped-def]
        data = real.inputs(session, project, scene, params)
        if params.get("fault"):
            data["fault"] = params["fault"]
        return data

    def run(ctx: runner.StepContext) -> runner.StepResult:
        faults = [f for f in ctx.snapshot.get("fault", "").split("+") if f]
        faults += [f for spec in _env_faults(ctx.step) for f in spec.split("+") if f]
        for fault in faults:
            _before_run(fault, ctx)
        result = real.run(ctx)
        for fault in faults:
            _after_run(fault, ctx)
        return result

    runner.REGISTRY[name] = runner.RegisteredStep(
        run=run, apply=real.apply, inputs=inputs, cost=real.cost
    )


for _name, _real in list(runner.REGISTRY.items()):
    if not getattr(_real.run, "__wrapped_fault__", False):
        _wrap(_name, _real)
        runner.REGISTRY[_name].run.__wrapped_fault__ = True  # type: ignore[attr-defined]

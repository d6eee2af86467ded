"""A batch run from the command line has the garbage collector tuned for it, and only while it runs."""

from __future__ import annotations

import gc

import pytest

from auditor import collector


def test_while_tuned_what_was_alive_is_frozen_and_the_young_are_looked_at_less_often():
    before = gc.get_threshold()
    alive = [object() for _ in range(3)]
    frozen_before = gc.get_freeze_count()
    with collector.tuned_for_batch():
        assert gc.get_threshold() == (max(collector.YOUNG_THRESHOLD, before[0]), *before[1:])
        assert gc.get_freeze_count() > frozen_before
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0  # handed back to the collector
    assert alive


def test_a_collector_turned_off_by_threshold_stays_off_and_an_error_still_restores(monkeypatch):
    before = gc.get_threshold()
    gc.set_threshold(0, *before[1:])
    try:
        with pytest.raises(RuntimeError), collector.tuned_for_batch():
            assert gc.get_threshold()[0] == 0
            raise RuntimeError("the batch failed")
        assert gc.get_threshold() == (0, *before[1:]) and gc.get_freeze_count() == 0
    finally:
        gc.set_threshold(*before)


def test_objects_frozen_by_the_program_itself_stay_frozen_after():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector.tuned_for_batch():
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_the_cli_batch_runs_tuned(monkeypatch, tmp_path):
    """``run_and_report`` (what ``auditor audit`` calls) runs its batch inside the tuning."""
    import auditor.run as run

    seen: list[tuple[int, int, int]] = []

    async def batch(*args, **kwargs):  # noqa: ANN002, ANN003
        seen.append(gc.get_threshold())
        raise RuntimeError("stop here")

    monkeypatch.setattr(run, "run_batch", batch)
    sink = type("Sink", (), {"done": {}, "key": staticmethod(lambda name: name), "to_terminal": False,
                             "close": lambda self, completed: ""})()
    with pytest.raises(RuntimeError):
        run.run_and_report([], None, None, sink, say=print)  # type: ignore[arg-type]
    assert seen and seen[0][0] >= collector.YOUNG_THRESHOLD
    assert gc.get_threshold()[0] < collector.YOUNG_THRESHOLD

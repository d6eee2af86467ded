"""auditor audit --cluster: the batch on a Dask cluster gives the local batch's findings, each brand once.

Clusters here are ``LocalCluster``s: in this process (``processes=False``, quick to start) where
a test needs no process of its own, and two worker processes where a worker is killed. Every
worker reaches the fixture internet through HTTPS_PROXY / SSL_CERT_FILE like the local batch.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import AS_OF, TEST_FETCH
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import SchedulerPlugin
from test_batch import make_brands
from typer.testing import CliRunner

from auditor.batch import read_brands, run_batch
from auditor.cluster import ClusterLost, ClusterTarget, audit_on_cluster, cluster_source, connect, parse_target
from auditor.discover.brand import InvalidInput
from auditor.fixtures.fixtureweb import FixtureInternet
from auditor.options import AuditOptions
from auditor.plugin import load_registry
from cli import app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from _common import peak_in_flight  # noqa: E402

runner = CliRunner()
FAST = ["--as-of", "2026-11-22", "--timeout", "5"]
OPTIONS = AuditOptions(as_of=AS_OF, fetch=TEST_FETCH)


@pytest.fixture
def web(tmp_path, monkeypatch):
    """A fixture internet on tmp_path/web, with the environment (the workers' too) pointing at it."""
    started: list[FixtureInternet] = []

    def start() -> FixtureInternet:
        internet = FixtureInternet(tmp_path / "web").start()
        for key, value in internet.env().items():
            monkeypatch.setenv(key, value)
        started.append(internet)
        return internet

    yield start
    for internet in started:
        internet.stop()


def in_process_cluster(workers: int = 2, threads: int = 4) -> LocalCluster:
    return LocalCluster(n_workers=workers, threads_per_worker=threads, processes=False, protocol="tcp://",
                        dashboard_address=":0", silence_logs=logging.ERROR)


def batch(specs, source=None, options=OPTIONS):
    """Run the batch (on ``source`` if given): (outcome, the audits by brand name, in the order they came)."""
    got = []
    outcome = asyncio.run(run_batch(specs, options, registry=load_registry(), on_result=got.append,
                                    on_error=lambda spec, error: pytest.fail(f"{spec.brand.name}: {error}"),
                                    concurrency=4, source=source))
    return outcome, got


def findings(audits) -> dict[str, list[tuple]]:
    return {a.brand.name: sorted((f.code, f.channel_url, f.fingerprint) for f in a.findings) for a in audits}


def channels(audits) -> dict[str, list[tuple]]:
    return {a.brand.name: sorted((c.url, c.platform, a.activity_for(c).status.value) for c in a.channels)
            for a in audits}


def test_cluster_targets_are_local_n_or_a_scheduler_address():
    assert parse_target("local:2") == ClusterTarget(workers=2)
    assert parse_target("tcp://10.0.0.5:8786") == ClusterTarget(address="tcp://10.0.0.5:8786")
    assert parse_target("scheduler:8786") == ClusterTarget(address="scheduler:8786")
    for bad in ("local:0", "local:x", "tcp://nowhere", "", "http://a b:1"):
        with pytest.raises(InvalidInput, match="--cluster"):
            parse_target(bad)


def test_fifty_brands_on_two_workers_get_the_findings_of_the_local_batch(tmp_path, web):
    specs = read_brands(make_brands(tmp_path / "web", 50))
    web()
    local_outcome, local = batch(specs)
    cluster_outcome, remote = batch(specs, cluster_source("local:2", OPTIONS, concurrency=4, processes=False))
    assert cluster_outcome == local_outcome and cluster_outcome.audited == 50
    assert sorted(a.brand.name for a in remote) == sorted(s.brand.name for s in specs)  # each exactly once
    assert findings(remote) == findings(local)
    assert channels(remote) == channels(local)
    assert {a.brand.name: a.stats.requests for a in remote} == {a.brand.name: a.stats.requests for a in local}


def test_the_cli_runs_on_a_running_scheduler_and_streams_into_the_same_report(tmp_path, web):
    brands = make_brands(tmp_path / "web", 12)
    web()
    out = tmp_path / "audit.jsonl"
    with in_process_cluster() as cluster:
        result = runner.invoke(app, ["audit", "--brands", str(brands), *FAST, "-f", "json", "-o", str(out),
                                     "--cluster", cluster.scheduler_address])
    assert result.exit_code == 1, result.output  # every third brand is stale: the same exit status as locally
    documents = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(d["brand"]["name"] for d in documents) == [f"Brand {n:03d}" for n in range(12)]
    stale = {d["brand"]["name"] for d in documents if any(f["code"] == "STALE001" for f in d["findings"])}
    assert stale == {f"Brand {n:03d}" for n in range(0, 12, 3)}
    assert "[12/12]" in result.output  # the progress lines of a local batch


def test_every_task_slot_of_the_cluster_audits_a_brand_at_once(tmp_path, web):
    """Two workers of four slots: eight brands wait for their slow feeds at the same time, never more."""
    specs = read_brands(make_brands(tmp_path / "web", 16, delay=0.3))
    internet = web()

    async def run() -> None:
        async with connect(ClusterTarget(workers=2), threads=4, processes=False) as client:
            assert len([r async for r in audit_on_cluster(specs, OPTIONS, client=client)]) == 16

    asyncio.run(run())
    feeds = [e for e in internet.log if e.target == "/feed.xml"]
    assert peak_in_flight(feeds) == 8


def test_a_bad_cluster_is_a_usage_error(tmp_path):
    brands = make_brands(tmp_path / "web", 1)
    result = runner.invoke(app, ["audit", "--brands", str(brands), "--cluster", "local:zero"])
    assert result.exit_code == 2
    assert "--cluster 'local:zero': give local:N or a scheduler address" in result.output


def test_a_worker_killed_mid_brand_loses_nothing_and_repeats_nothing(tmp_path, web):
    """Two worker processes; one is killed while a brand of its is waiting for its (slow) feed. That
    brand runs again on another worker (its homepage is asked for twice) and every brand is in the
    report exactly once."""
    brands = make_brands(tmp_path / "web", 16, delay=0.4)
    internet = web()
    out = tmp_path / "audit.jsonl"
    killed: list[str] = []  # the hosts of the brands under way on the killed worker

    def host_of(key: str) -> str:  # one brand per shard, in file order: audit-shard-<run>-<n> is Brand n
        return f"brand{int(key.rsplit('-', 1)[1]):03d}.example"

    with LocalCluster(n_workers=2, threads_per_worker=2, processes=True, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as watcher:

        def kill_a_worker_mid_brand() -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not killed:
                waiting = {e.host for e in internet.log if e.target == "/feed.xml"}
                for worker, keys in watcher.processing().items():
                    if any(host_of(key) in waiting for key in keys):
                        os.kill(watcher.run(os.getpid, workers=[worker])[worker], signal.SIGKILL)
                        killed.extend(host_of(key) for key in keys if host_of(key) in waiting)
                        return
                time.sleep(0.01)

        killer = threading.Thread(target=kill_a_worker_mid_brand)
        killer.start()
        result = runner.invoke(app, ["audit", "--brands", str(brands), *FAST, "-f", "json", "-o", str(out),
                                     "--cluster", cluster.scheduler_address])
        killer.join()
    assert killed, "no worker was killed mid-brand"
    assert result.exit_code == 1, result.output
    names = [json.loads(line)["brand"]["name"] for line in out.read_text().splitlines()]
    assert sorted(names) == [f"Brand {n:03d}" for n in range(16)]  # every brand, once
    homepages = [e.host for e in internet.log if e.target == "/"]
    assert all(homepages.count(host) == 2 for host in killed)  # audited again elsewhere


def test_a_lost_scheduler_then_resume_finishes_without_redoing_done_brands(tmp_path, web):
    brands = make_brands(tmp_path / "web", 12, delay=0.3)
    internet = web()
    out = tmp_path / "audit.jsonl"
    command = ["audit", "--brands", str(brands), *FAST, "-f", "json", "-o", str(out), "--concurrency", "1"]
    first = in_process_cluster(threads=1)

    def lose_the_scheduler() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 3):
            time.sleep(0.02)
        first.close()

    loser = threading.Thread(target=lose_the_scheduler)
    loser.start()
    interrupted = runner.invoke(app, [*command, "--cluster", first.scheduler_address])
    loser.join()
    assert isinstance(interrupted.exception, ClusterLost), interrupted.output  # `auditor` exits 3 with its message
    assert str(interrupted.exception) == ("lost the cluster (scheduler-connection-lost); finished brands are kept, "
                                          "--resume goes on")
    assert "--resume goes on" in interrupted.output
    done = [json.loads(line)["brand"]["name"] for line in out.read_text().splitlines()]
    assert 3 <= len(done) < 12
    before = len(internet.log)
    with in_process_cluster(threads=1) as second:
        resumed = runner.invoke(app, [*command, "--resume", "--cluster", second.scheduler_address])
    assert resumed.exit_code == 1, resumed.output
    assert f"skipped {len(done)} brands already done" in resumed.output
    names = [json.loads(line)["brand"]["name"] for line in out.read_text().splitlines()]
    assert sorted(names) == [f"Brand {n:03d}" for n in range(12)]
    asked = {e.host for e in internet.log[before:]}
    assert not asked & {f"brand{name.split()[1]}.example" for name in done}  # done brands: no request at all


def test_the_task_graph_carries_no_credentials(tmp_path, web, monkeypatch):
    """Tokens in the client's environment never reach the scheduler: every task as the scheduler holds
    it, pickled, is searched for them; the workers read their own."""
    secret = "ghp_" + "S3CRET" * 6
    monkeypatch.setenv("GITHUB_TOKEN", secret)
    monkeypatch.setenv("X_BEARER_TOKEN", secret + "x")
    specs = read_brands(make_brands(tmp_path / "web", 4))
    web()
    from distributed.protocol.pickle import dumps

    seen: list[bytes] = []

    async def run() -> None:
        async with connect(ClusterTarget(workers=1), threads=2, processes=False) as client:
            scheduler = client.cluster.scheduler

            def keep_graph() -> None:
                seen.extend(dumps(state.run_spec) for state in scheduler.tasks.values() if state.run_spec)

            scheduler.add_plugin(_GraphSpy(keep_graph))
            audits = [r async for r in audit_on_cluster(specs, OPTIONS, client=client)]
            assert len(audits) == 4 and all(r.audit is not None for r in audits)
            credentials = await client.run(_credentials_on_worker)
            assert all(found.get("GITHUB_TOKEN") == secret for found in credentials.values())

    asyncio.run(run())
    assert len(seen) >= 4 and any(b"brand000.example" in graph for graph in seen)  # the tasks' arguments are there
    assert not any(secret.encode() in graph for graph in seen)


def test_explicit_credentials_are_refused_for_a_cluster(tmp_path):
    specs = read_brands(make_brands(tmp_path / "web", 1))
    options = AuditOptions(as_of=AS_OF, credentials={"GITHUB_TOKEN": "abc"})

    async def run() -> None:
        async for _ in audit_on_cluster(specs, options, client=None):
            pass

    with pytest.raises(InvalidInput, match="read on each worker"):
        asyncio.run(run())


def test_workers_read_tokens_from_their_environment_and_a_secret_file(tmp_path, monkeypatch):
    from auditor.cluster.worker import worker_credentials

    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text('GITHUB_TOKEN = "from-file"\nYOUTUBE_API_KEY = "yt-file"\n')
    monkeypatch.setenv("AUDITOR_CREDENTIALS_FILE", str(secrets_file))
    monkeypatch.delenv("YOUTUBE_API_KEY", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "from-env")
    assert worker_credentials() == {"GITHUB_TOKEN": "from-env", "YOUTUBE_API_KEY": "yt-file"}


def _credentials_on_worker() -> dict[str, str]:
    from auditor.cluster.worker import worker_credentials

    return worker_credentials()


class _GraphSpy(SchedulerPlugin):
    """Calls ``seen`` on every graph the scheduler receives."""

    name = "graph-spy"

    def __init__(self, seen) -> None:
        self.seen = seen

    def update_graph(self, scheduler, **kwargs) -> None:
        self.seen()

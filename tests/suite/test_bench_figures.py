"""scripts/bench's arithmetic: the critical path is the union of job intervals, latency is noticed - finished_at."""

import pytest

from tools.bench import critical_path, latencies, summary, union_seconds


def job(job_id, created, started, finished, env=None):
    stamp = lambda s: f"2026-01-01T00:00:{s:06.3f}Z"  # noqa: E731
    return {"id": job_id, "created_at": stamp(created), "started_at": stamp(started),
            "finished_at": stamp(finished), "environment_id": env}


def test_overlapping_and_separate_intervals_are_counted_once():
    assert union_seconds([(0, 2), (1, 3), (5, 6)]) == pytest.approx(4.0)
    assert union_seconds([(0, 10), (2, 3)]) == pytest.approx(10.0)


def test_the_critical_path_from_started_at_or_from_created_at():
    jobs = [job("a", 0.0, 1.0, 3.0), job("b", 2.0, 2.5, 4.0), job("c", 10.0, 10.0, 11.0)]
    assert critical_path(jobs) == pytest.approx(4.0)
    assert critical_path(jobs, "created_at") == pytest.approx(5.0)


def test_latency_is_the_moment_noticed_minus_the_moment_it_happened():
    jobs = [job("a", 0.0, 1.0, 3.0, env="e1")]
    finished = 1767225603.0  # 2026-01-01T00:00:03Z
    waits = [{"kind": "job", "subject": "a", "outcome": "done", "started": finished - 2, "noticed": finished + 0.04},
             {"kind": "preview", "subject": "http://127.0.0.1:9/", "outcome": "done", "started": finished + 0.1,
              "noticed": finished + 0.2},
             {"kind": "job", "subject": "a", "outcome": "timeout", "started": 0, "noticed": 0}]
    found = latencies(waits, {"jobs": jobs, "environments": [{"id": "e1", "preview_url": "http://127.0.0.1:9/"}]})
    assert found["job"] == [pytest.approx(0.04, abs=1e-6)]
    assert found["preview"] == [pytest.approx(0.2, abs=1e-6)]
    assert summary([0.3, 0.1, 0.2])["median"] == pytest.approx(0.2)

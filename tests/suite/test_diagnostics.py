"""The summary line: one stable, greppable line per failure, and the block under it."""
import pytest
import requests

from support.http.journal import Journal
from support.verdicts.categories import Category
from support.verdicts.diagnosis import as_suite_failure, render_block
from support.verdicts.failure import PollHistory, SuiteFailure, http_reason, parse_summary_lines
from support.verdicts.redaction import SecretRegistry


def test_the_summary_line_has_the_exact_format():
    failure = SuiteFailure(Category.JOB_FAILED, "POST /api/sites/s1/environments", "ANSIBLE_HOST_FAILED: boom",
                           job_id="job-42")
    assert failure.line == ('[wave5] FAIL category=job_failed command="POST /api/sites/s1/environments" '
                            'job_id=job-42 reason="ANSIBLE_HOST_FAILED: boom"')
    assert str(failure) == failure.line


def test_no_job_is_written_none_and_the_reason_stays_on_one_line_without_double_quotes():
    failure = SuiteFailure("preflight_blocked", "POST /api/sites", 'target node is not ready:\n  "sudo"  missing')
    assert failure.line.endswith('job_id=none reason="target node is not ready: \'sudo\' missing"')
    assert "\n" not in failure.line


def test_summary_lines_can_be_found_again_in_any_output():
    line = SuiteFailure(Category.PREVIEW_UNREACHABLE, "GET http://127.0.0.1:1/", "preview answered 500 on 3 tries "
                        "over 2 s").line
    found = parse_summary_lines(f"noise\n{line}\n[smoke] FAIL: the [wave5] FAIL line above says why\n")
    assert found == [{"category": "preview_unreachable", "command": "GET http://127.0.0.1:1/", "job_id": "none",
                      "reason": "preview answered 500 on 3 tries over 2 s"}]


def test_http_reasons_read_status_code_and_message():
    assert http_reason(409, {"code": "node_not_ready", "message": "target node is not ready: runtime_missing"}) == \
        "409 node_not_ready: target node is not ready: runtime_missing"
    assert http_reason(404, None, "<html>  Not   Found</html>") == "404 <html> Not Found</html>"


@pytest.mark.parametrize("error, category", [
    (AssertionError("expected 3 but was 4"), Category.CONTRACT_VIOLATION),
    (requests.ConnectionError("refused"), Category.TARGET_UNAVAILABLE),
])
def test_other_failures_get_the_closest_category_and_the_last_command(error, category):
    failure = as_suite_failure(error, command="GET /api/jobs")
    assert failure.category is category and failure.command == "GET /api/jobs"


def test_an_error_in_the_suite_itself_is_no_verdict():
    assert as_suite_failure(KeyError("job_id"), command="GET /api/jobs") is None


def test_the_block_shows_requests_job_history_readiness_and_log_tail():
    journal = Journal(SecretRegistry())
    for _ in range(3):
        journal.record("GET", "/api/jobs/job-1", status=200, response_body={"status": "running"})
    history = PollHistory(what="job job-1", attempts=3, elapsed=2.2, states=["queued", "running"])
    node = {"id": "n1", "name": "node", "status": "active",
            "readiness": {"is_ready": False, "reason_codes": ["runtime_missing"], "guidance": ["Install wp"]}}
    failure = SuiteFailure(Category.JOB_TIMEOUT, "POST /api/sites", "still running after 2 s, 3 polls",
                           job_id="job-1", job={"id": "job-1", "status": "running"}, poll=history, node=node)
    block = render_block(failure, journal.last(5), "event=worker_start")
    lines = block.splitlines()
    assert lines[0] == failure.line
    assert sum(line.startswith("[wave5] FAIL") for line in lines) == 1
    assert "(2 more like this before)" in block
    assert "job job-1: 3 polls over 2.2 s; states seen: queued, running" in block
    assert "reason_codes=['runtime_missing']" in block and "guidance: Install wp" in block
    assert block.rstrip().endswith("event=worker_start")

"""The background worker: claims due jobs every poll interval and runs each in its own thread."""

import contextlib
import os
import socket
import threading
import time

from . import jobqueue, jobtypes, log
from .config import PRESSLUFT_BACKOFF, backoff_after
from .defects import FAILING_JOB_TYPES
from .defects import active as defective
from .jobtypes import JobFailed
from .timeutil import now_iso

DEFECT_TIMEOUT = 1.0  # --defect hung_jobs_fail_with_job_timeout: seconds a job may run after its claim
HUNG_DEFECT_TIMEOUT = 0.2  # the same for a job a hang fault holds (a smoke may allow each job only 0.5 s)
SHOWN_FAILED_WAIT = 0.5  # --defect first_retry_wait_shown_failed: the least wait before a job's first retry


class Interrupted(Exception):
    """The job was cancelled, re-claimed or the process is stopping: leave it as it is."""


class JobContext:
    def __init__(self, worker, job, plan):
        self.worker = worker
        self.runtime = worker.runtime
        self.job = job
        self.plan = plan
        self.claimed = time.monotonic()
        self.hanging = False  # held in flight by a hang fault

    def pause(self, seconds: float):
        deadline = time.monotonic() + seconds
        while True:
            if self.worker.stopping.is_set():
                raise Interrupted()
            if not self.runtime.store.read(lambda conn: jobqueue.is_current(conn, self.job)):
                raise Interrupted()
            if (time.monotonic() - self.claimed >= (HUNG_DEFECT_TIMEOUT if self.hanging else DEFECT_TIMEOUT)
                    and defective(self.runtime, "hung_jobs_fail_with_job_timeout")):
                raise JobFailed("JOB_TIMEOUT", "job exceeded its timeout (reference defect)", False)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            time.sleep(min(remaining, 0.02))

    def phase(self, name: str, share: float, fails_here=None):
        """Spends this phase's share of the job's duration; an injected failure strikes in the first phase that
        accepts its error code, or in the last phase."""
        job_type = self.job["job_type"]
        self.pause(self.runtime.config.durations[job_type] * share)
        if job_type in FAILING_JOB_TYPES and defective(self.runtime, FAILING_JOB_TYPES[job_type]):
            raise JobFailed("ANSIBLE_SYNTAX_ERROR", f"{job_type} playbook has a syntax error (reference defect)",
                            False, name)
        plan = self.plan
        if plan and plan.fails(self.job["attempt_count"]) and (fails_here is None or fails_here(plan.error_code)):
            raise JobFailed(plan.error_code, plan.error_message, plan.retryable, name)

    def hang(self):
        self.hanging = True
        while self.runtime.faults.plan_active(self.job["id"]):
            self.pause(0.05)

    @contextlib.contextmanager
    def tx(self):
        with self.runtime.store.tx() as conn:
            if not jobqueue.is_current(conn, self.job):
                raise Interrupted()
            yield conn

    @contextlib.contextmanager
    def finish(self, then=None):
        """The job's last transaction: its block's changes, the job succeeded, then `then(conn)` if given."""
        with self.tx() as conn:
            yield conn
            jobqueue.succeed(conn, self.job)
            if then is not None:
                then(conn)
            self.runtime.previews.sync(self.job["environment_id"], conn)


class Worker:
    def __init__(self, runtime):
        self.runtime = runtime
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = threading.Event()
        self._threads = set()
        self._threads_lock = threading.Lock()
        self._loop = threading.Thread(target=self._run, name="worker", daemon=True)

    def start(self):
        log.event("worker_start", worker_id=self.worker_id)
        self._loop.start()

    def stop(self):
        self.stopping.set()
        self._loop.join(timeout=2)
        with self._threads_lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=2)

    def _run(self):
        config = self.runtime.config
        while not self.stopping.wait(config.poll_interval):
            with self._threads_lock:
                free = config.max_parallel_jobs - len(self._threads)
            if free <= 0:
                continue
            try:
                with self.runtime.store.tx() as conn:
                    claimed = jobqueue.claim_due(conn, self.worker_id, free, config.node_guard)
            except Exception as exc:  # noqa: BLE001 - the worker loop outlives a failed claim; it is logged
                log.event("worker_error", error=repr(exc))
                continue
            for job in claimed:
                self._log(job, "running")
                thread = threading.Thread(target=self._execute, args=(job,), name=f"job-{job['id']}", daemon=True)
                with self._threads_lock:
                    self._threads.add(thread)
                thread.start()

    def _execute(self, job):
        try:
            self._duplicate_if_retried(job)
            plan = self._fault_plan(job)
            ctx = JobContext(self, job, plan)
            try:
                if plan and plan.outcome == "cancel":
                    self._cancel(job)
                    return
                if plan and plan.outcome == "hang":
                    ctx.hang()
                jobtypes.run(ctx)
                self._log(job, "succeeded")
            except JobFailed as failure:
                self._fail(job, failure, plan)
            except Interrupted:
                pass
            except Exception as exc:  # noqa: BLE001 - a bug in a handler ends the job failed, not left running
                log.event("worker_error", job_id=job["id"], error=repr(exc))
                self._fail(job, JobFailed("ANSIBLE_UNEXPECTED_ERROR", f"reference handler error: {exc!r}", False))
        finally:
            with self._threads_lock:
                self._threads.discard(threading.current_thread())

    def _fault_plan(self, job):
        """The job's fault plan, matched on its node's name, its site's slug and its environment's type."""
        store = self.runtime.store
        node = store.one("SELECT name FROM nodes WHERE id = ?", (job["node_id"],))
        site = store.one("SELECT slug FROM sites WHERE id = ?", (job["site_id"],))
        environment = store.one("SELECT environment_type FROM environments WHERE id = ?", (job["environment_id"],))
        return self.runtime.faults.plan_for(job, node["name"] if node else None, site["slug"] if site else None,
                                            environment["environment_type"] if environment else None)

    def _duplicate_if_retried(self, job):
        """The mutant retry_duplicates_job: a retry of node_provision enqueues a second one, past the guard."""
        if job["job_type"] == "node_provision" and job["attempt_count"] > 1 and defective(
                self.runtime, "retry_duplicates_job"):
            with self.runtime.store.tx() as conn:
                jobqueue.enqueue(conn, self.runtime.config, "node_provision", node_id=job["node_id"], guarded=False)

    def _fail(self, job, failure: JobFailed, plan=None):
        with self.runtime.store.tx() as conn:
            if not jobqueue.is_current(conn, job):
                return
            retryable = ((failure.retryable or defective(self.runtime, "non_retryable_errors_retried"))
                         and not defective(self.runtime, "retryable_errors_are_terminal"))
            forced = jobqueue.FORCED_NON_RETRYABLE - {
                job_type for job_type, defect in (("env_restore", "restore_retried"),
                                                  ("backup_create", "backup_create_retried"))
                if defective(self.runtime, defect)}
            if jobqueue.may_retry(job, retryable, forced):
                held = plan is not None and plan.holds(job["attempt_count"])  # hold_last_retry: the real backoff
                schedule = PRESSLUFT_BACKOFF if held else self.runtime.config.backoff
                self._requeue(conn, job, failure.code, failure.message, backoff_after(schedule, job["attempt_count"]),
                              failure.phase)
                status = "queued"
            else:
                self._fail_for_good(conn, job, failure.code, failure.message)
                status = "failed"
            self.runtime.previews.sync(job["environment_id"], conn)
        self._log(job, status, error_code=failure.code)

    def _requeue(self, conn, job, code, message, delay, phase=None):
        if delay is not None and job["attempt_count"] == 1 and defective(self.runtime,
                                                                        "first_retry_wait_shown_failed"):
            delay = max(delay, SHOWN_FAILED_WAIT)
        if defective(self.runtime, "retry_forgets_error"):
            code = message = None
        if defective(self.runtime, "retry_without_run_after"):
            delay = None
        jobqueue.requeue(conn, job, code, message, delay)
        jobtypes.on_requeue(conn, job, phase)

    def _fail_for_good(self, conn, job, code, message):
        if defective(self.runtime, "failed_job_loses_error"):
            code = message = None
        elif message and defective(self.runtime, "failed_job_error_timestamped"):
            message = f"{message} (at {now_iso()})"
        jobqueue.fail(conn, job, code, message)
        jobtypes.settle_failed(conn, job, self.runtime)

    def _cancel(self, job):
        with self.runtime.store.tx() as conn:
            if not jobqueue.is_current(conn, job):
                return
            jobqueue.cancel(conn, job)
            jobtypes.settle_failed(conn, job, self.runtime)
            self.runtime.previews.sync(job["environment_id"], conn)
        self._log(job, "cancelled")

    @staticmethod
    def _log(job, status, **extra):
        log.event("job", job_id=job["id"], job_type=job["job_type"], status=status,
                  attempt=job["attempt_count"], **extra)

    def resume_interrupted(self):
        """Jobs left running by a dead process: requeued (the attempt stays counted) or, when none remain, failed."""
        with self.runtime.store.tx() as conn:
            for job in jobqueue.interrupted(conn):
                message = "job interrupted by a control-plane restart"
                if job["attempt_count"] < job["max_attempts"]:
                    self._requeue(conn, job, jobqueue.INTERRUPTED_CODE, message + "; requeued", 0)
                    status = "queued"
                else:
                    self._fail_for_good(conn, job, jobqueue.INTERRUPTED_CODE, message)
                    status = "failed"
                self._log(job, status, error_code=jobqueue.INTERRUPTED_CODE)

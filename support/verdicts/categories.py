"""The one vocabulary of failures: categories, the words the feature text uses for them, the spec's
failure classes and the Allure groups, in one table.

A reader who meets a word anywhere (a `[wave5] FAIL category=…` line, "the smoke exits with status 1, reporting a job
that timed out" in a feature, `@unreachable_preview` on a scenario, "Product defect: job_timeout" in Allure) finds it
here.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional


class Category(str, Enum):
    PREFLIGHT_BLOCKED = "preflight_blocked"
    JOB_FAILED = "job_failed"
    JOB_CANCELLED = "job_cancelled"
    JOB_TIMEOUT = "job_timeout"
    NODE_NOT_READY = "node_not_ready"
    PREVIEW_UNREACHABLE = "preview_unreachable"
    CONTRACT_VIOLATION = "contract_violation"
    AUTH_FAILED = "auth_failed"
    TARGET_UNAVAILABLE = "target_unavailable"
    CONFIG_ERROR = "config_error"
    SERVER_SETUP = "server_setup"

    def __str__(self) -> str:
        return self.value


PRODUCT_DEFECT = "Product defect"
TARGET_PROBLEM = "Target or configuration problem"
SUITE_ERROR = "Suite error"


@dataclass(frozen=True)
class Kind:
    """One kind of failure: its category, how feature text says it ("the smoke exits with status 1, reporting …"), the
    spec's failure class it stands for (its scenario tag), and its Allure group."""

    category: Category
    words: str
    group: str
    failure_class: Optional[str] = None
    spec_title: Optional[str] = None

    @property
    def allure_category(self) -> str:
        return f"{self.group}: {self.category.value}"


KINDS = (
    Kind(Category.PREFLIGHT_BLOCKED, "a creation blocked by node readiness", PRODUCT_DEFECT, "preflight_blocked",
         "Preflight blocked"),
    Kind(Category.JOB_FAILED, "a failed job", PRODUCT_DEFECT, "runtime_provision_failure",
         "Runtime provision failure after enqueue"),
    Kind(Category.PREVIEW_UNREACHABLE, "an unreachable preview", PRODUCT_DEFECT, "unreachable_preview",
         "Unreachable preview"),
    Kind(Category.JOB_CANCELLED, "a cancelled job", PRODUCT_DEFECT),
    Kind(Category.JOB_TIMEOUT, "a job that timed out", PRODUCT_DEFECT),
    Kind(Category.NODE_NOT_READY, "a node that is not ready", PRODUCT_DEFECT),
    Kind(Category.CONTRACT_VIOLATION, "a contract violation", PRODUCT_DEFECT),
    Kind(Category.AUTH_FAILED, "a refused sign-in", TARGET_PROBLEM),
    Kind(Category.TARGET_UNAVAILABLE, "that it cannot reach the control plane", TARGET_PROBLEM),
    Kind(Category.CONFIG_ERROR, "a configuration error", TARGET_PROBLEM),
    # the server under test is not set up to do what the run asks (a job ended with a set-up code, e.g.
    # PROVIDER_ACQUISITION_UNAVAILABLE; support/pressluft/jobs.py), or lacks what its start needs
    # (support/runtime/server_process.py): fix that host, not the product
    Kind(Category.SERVER_SETUP, "a set-up problem of the server under test", TARGET_PROBLEM),
)

_BY_WORDS = {kind.words: kind for kind in KINDS}

FAILURE_CLASSES = {kind.failure_class: kind.spec_title for kind in KINDS if kind.failure_class}
PRODUCT_DEFECTS = tuple(kind.category for kind in KINDS if kind.group == PRODUCT_DEFECT)
TARGET_PROBLEMS = tuple(kind.category for kind in KINDS if kind.group == TARGET_PROBLEM)


def category_named(words: str) -> Category:
    """The category feature text means by "the smoke exits with status N, reporting <words>"; a KeyError names the
    known words."""
    try:
        return _BY_WORDS[words].category
    except KeyError:
        raise KeyError(f"unknown failure words {words!r}; known: {', '.join(_BY_WORDS)}") from None


# -- the exit status of a run (behave features/wave5, scripts/smoke, scripts/smoke-*.sh) ----------------------
PASSED_STATUS = 0      # every selected scenario ran and passed
PRODUCT_STATUS = 1     # Pressluft failed a check: a verdict of the product-defect group
NOT_JUDGED_STATUS = 2  # the run could not judge Pressluft: a target or configuration problem, a suite error,
#                        nothing selected that could run


def exit_status(categories, *, suite_errors: int = 0, ran: int = 0) -> int:
    """What a loop acts on: 2 when any failure is a target or configuration problem or an error in the suite's
    own code, or when nothing ran (fix the set-up first: other verdicts may follow from it); else 1 when
    Pressluft failed a check; else 0."""
    categories = [Category(category) for category in categories]
    if suite_errors or any(category in TARGET_PROBLEMS for category in categories):
        return NOT_JUDGED_STATUS
    if categories:
        return PRODUCT_STATUS
    return PASSED_STATUS if ran else NOT_JUDGED_STATUS


def exit_statuses() -> dict:
    """The three statuses and what each means, the categories named from the table above."""
    return {PASSED_STATUS: "every selected scenario ran and passed",
            PRODUCT_STATUS: "Pressluft failed a check (a verdict: " + ", ".join(PRODUCT_DEFECTS) + ")",
            NOT_JUDGED_STATUS: "the run could not judge Pressluft (" + ", ".join(TARGET_PROBLEMS)
                               + ", an error in the suite's own code, or nothing selected that could run)"}

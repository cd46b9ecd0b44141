"""Waiting: the one poll engine (`polling`: a Wait, its Deadline, composable tenacity strategies, the poll loop; it
knows nothing of what it waits for; its progress lines and its log are support/reporting/'s, the operator's), and the
Wave 5 waits on it: a job, knowing Pressluft's retries and the durations seen (`jobs`), a node's readiness (`nodes`),
a preview (`previews`), a site or node with no job in flight (`scopes`).

May import: support.verdicts, support.pressluft, support.runtime, support.http, support.reporting, support.screenplay
(the layers below it).
"""

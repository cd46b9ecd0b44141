"""GET /api/metrics: point-in-time counters."""

from ..httpapi import Response


def register(router):
    router.add("GET", "/api/metrics", metrics)


def metrics(req):
    counts = req.runtime.store.one(
        "SELECT (SELECT COUNT(*) FROM jobs WHERE status = 'running') AS jobs_running, "
        "(SELECT COUNT(*) FROM jobs WHERE status = 'queued') AS jobs_queued, "
        "(SELECT COUNT(*) FROM nodes WHERE status = 'active') AS nodes_active, "
        "(SELECT COUNT(*) FROM sites) AS sites_total")
    return Response(200, counts)

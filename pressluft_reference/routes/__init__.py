"""Route tables: the contract's /api routes and the /_reference/ fault-injection routes."""

from ..router import Router
from . import auth, backups, environments, jobs, metrics, nodes, providers, reference, sites


def api_router() -> Router:
    router = Router()
    for module in (auth, providers, nodes, sites, environments, backups, jobs, metrics):
        module.register(router)
    return router


def reference_router(faults_enabled: bool) -> Router:
    router = Router(not_found_message="not found" if faults_enabled else "fault injection is disabled")
    reference.register(router, faults_enabled)
    return router

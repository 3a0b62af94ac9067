"""Route handlers that touch the database or disk are plain `def` (FastAPI runs them in its
threadpool); an `async def` handler doing blocking work would stall every other request.

An `async def` route handler may only be one of the allowlisted ones, which do no I/O.
"""

from __future__ import annotations

import inspect

from fastapi.testclient import TestClient

from tests.architecture.test_routes_protected import api_routes

# app_version and web_studio do no I/O; get_current_user_info reuses the row authentication
# read, and hands the single-user lookup to the threadpool. The gallery's list reads go through
# `db.engine.run_read`: in place on SQLite (a local indexed read costs less than the threadpool
# hand-offs), in the threadpool on a networked database. So do the queue's hot reads.
ASYNC_ALLOWED = {"app_version", "web_studio", "get_current_user_info", "swagger_ui_html"}
READS_VIA_RUN_READ = {
    "list_boards",
    "list_image_dtos",
    "get_image_names",
    "get_queue_status",
    "list_queue_items",
    "list_all_queue_items",
}


def test_async_route_handlers_are_allowlisted(mu_client: TestClient) -> None:
    async_handlers = {
        route.name for route in api_routes(mu_client) if inspect.iscoroutinefunction(route.endpoint)
    }
    assert async_handlers <= ASYNC_ALLOWED | READS_VIA_RUN_READ


def test_async_list_handlers_read_through_run_read(mu_client: TestClient) -> None:
    handlers = {route.name: route.endpoint for route in api_routes(mu_client)}
    for name in READS_VIA_RUN_READ:
        assert "await run_read(" in inspect.getsource(handlers[name]), name

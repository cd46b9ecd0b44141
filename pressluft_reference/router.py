"""Path patterns like /api/sites/{id} mapped to handlers; 405 for a known path with another method."""

import re

from .errors import ApiError, not_found


class Router:
    def __init__(self, not_found_message: str = "not found"):
        self._routes = []
        self._not_found_message = not_found_message

    def add(self, method: str, pattern: str, handler) -> None:
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")
        self._routes.append((method, regex, handler))

    def resolve(self, method: str, path: str):
        path_known = False
        for route_method, regex, handler in self._routes:
            match = regex.match(path)
            if not match:
                continue
            if route_method == method:
                return handler, match.groupdict()
            path_known = True
        if path_known:
            raise ApiError(405, "bad_request", "method not allowed")
        raise not_found(self._not_found_message)

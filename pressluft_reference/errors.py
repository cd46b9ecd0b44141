"""The error envelope `{code, message[, details]}` as an exception that any layer can raise."""


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict:
        envelope = {"code": self.code, "message": self.message}
        if self.details is not None:
            envelope["details"] = self.details
        return envelope


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def conflict(message: str) -> ApiError:
    return ApiError(409, "conflict", message)


def unauthorized(message: str = "authentication required") -> ApiError:
    return ApiError(401, "unauthorized", message)

"""The router's one error hierarchy.

Every failure a client can see is one of these, and `router.api.error_handlers` is the only
place that turns them into OpenAI-style JSON. Messages are written for the caller and must
never contain request content (no PHI): name the field, never echo its value.

    RouterError                      500 server_error
    ├── InvalidRequest               400 invalid_request_error
    │   ├── UnsupportedEndpoint      400 (the chosen backend cannot serve this endpoint)
    │   └── ClassificationRejected   400 (the content cannot be scanned, e.g. too deep)
    ├── PayloadTooLarge              413
    ├── HeadersTooLarge              431 request line and headers over the limit
    ├── UnknownModel                 404 model_not_found
    ├── AuthenticationFailed         401 invalid_api_key / invalid_token
    ├── PermissionDenied             403 permission_denied
    ├── RateLimited                  429 rate_limit_exceeded (carries Retry-After)
    ├── ServiceUnavailable           503 (fail closed: the request is refused)
    │   ├── PolicyRefusal            503 no permitted healthy route (carries the decision id)
    │   ├── ClassificationFailed     503 the scan failed, so nothing may be routed
    │   ├── AuditUnavailable         503 the audit record could not be written
    │   └── NotReady                 503 the router is starting or draining
    └── UpstreamError                502 the backend answered badly
        ├── UpstreamUnavailable      503 the backend refused or is unhealthy
        └── UpstreamTimeout          504 the backend did not answer in time
"""

from __future__ import annotations

from typing import ClassVar


class RouterError(Exception):
    """Base of every error the router reports to a client."""

    status_code: ClassVar[int] = 500
    error_type: ClassVar[str] = "server_error"
    default_code: ClassVar[str] = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.param = param
        self.headers = dict(headers or {})

    def to_openai(self) -> dict[str, object]:
        """The body OpenAI's API returns for an error."""
        return {
            "error": {
                "message": self.message,
                "type": self.error_type,
                "param": self.param,
                "code": self.code,
            }
        }


class InvalidRequest(RouterError):
    status_code = 400
    error_type = "invalid_request_error"
    default_code = "invalid_request"


class UnsupportedEndpoint(InvalidRequest):
    default_code = "unsupported_endpoint"


class ClassificationRejected(InvalidRequest):
    default_code = "content_not_scannable"


class PayloadTooLarge(RouterError):
    status_code = 413
    error_type = "invalid_request_error"
    default_code = "payload_too_large"


class HeadersTooLarge(RouterError):
    status_code = 431
    error_type = "invalid_request_error"
    default_code = "request_header_fields_too_large"


class UnknownModel(RouterError):
    status_code = 404
    error_type = "invalid_request_error"
    default_code = "model_not_found"


class AuthenticationFailed(RouterError):
    status_code = 401
    error_type = "authentication_error"
    default_code = "invalid_api_key"

    def __init__(
        self,
        message: str = "Invalid or missing credentials.",
        *,
        code: str | None = None,
        reason: str = "invalid_credentials",
        challenge: str = "Bearer",
    ) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": challenge})
        # A bounded label for metrics and the audit trail; never shown to the caller.
        self.reason = reason


class PermissionDenied(RouterError):
    status_code = 403
    error_type = "permission_error"
    default_code = "permission_denied"


class RateLimited(RouterError):
    status_code = 429
    error_type = "rate_limit_error"
    default_code = "rate_limit_exceeded"

    def __init__(self, message: str, *, retry_after_seconds: int, code: str | None = None) -> None:
        super().__init__(
            message, code=code, headers={"Retry-After": str(max(1, retry_after_seconds))}
        )
        self.retry_after_seconds = retry_after_seconds


class ServiceUnavailable(RouterError):
    status_code = 503
    error_type = "service_unavailable"
    default_code = "service_unavailable"


class PolicyRefusal(ServiceUnavailable):
    default_code = "no_permitted_route"

    def __init__(self, message: str, *, decision_id: str, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"X-Router-Decision-Id": decision_id})
        self.decision_id = decision_id


class ClassificationFailed(ServiceUnavailable):
    default_code = "classification_failed"


class AuditUnavailable(ServiceUnavailable):
    default_code = "audit_unavailable"


class NotReady(ServiceUnavailable):
    default_code = "not_ready"


class UpstreamError(RouterError):
    status_code = 502
    error_type = "upstream_error"
    default_code = "bad_gateway"


class UpstreamUnavailable(UpstreamError):
    status_code = 503
    default_code = "upstream_unavailable"


class UpstreamTimeout(UpstreamError):
    status_code = 504
    default_code = "upstream_timeout"

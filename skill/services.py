"""How the skill calls Alexa's service APIs (Reminders, Settings): one API client, set up here.

The SDK's service clients (`ReminderManagementServiceClient`, `UpsServiceClient`) send their
requests through the skill builder's API client. The SDK's `DefaultApiClient` sets no timeout,
so a service that never answers would hold the answer past Alexa's 8 seconds; this one gives
every call `TIMEOUT_SECONDS`. `requests` (about 100 ms to import) loads on the first call, not
with the skill, and the client reads no environment: no proxies, no CA bundle variables. The CA
bundle is certifi's unless `ca_bundle` names another, which only the simulator does, to trust
its stand-in for Amazon's APIs (skill/simulator/cloud.py).
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

TIMEOUT_SECONDS = 1.0  # to connect, and to wait for the answer


class ServiceApiClient(ApiClient):
    """An `ApiClient` over `requests` with a timeout, HTTPS only, one session per thread."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS, ca_bundle: str | None = None) -> None:
        self.timeout = timeout
        self.ca_bundle = ca_bundle
        self._local = threading.local()

    def _session(self) -> Any:
        """This thread's `requests` session (kept, so a warm Lambda reuses its connection)."""
        session = getattr(self._local, "session", None)
        if session is None:
            import requests  # on the first call: the cold import stays without it

            session = requests.Session()
            session.trust_env = False  # nothing from the environment, per call or otherwise
            session.verify = self.ca_bundle or True
            self._local.session = session
        return session

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        """Send one request; any failure (refused, timed out, not HTTPS) raises ApiClientException.

        The service client turns that into a ServiceException with status 500, as for a 5xx.
        """
        from ask_sdk_core.exceptions import ApiClientException

        url = request.url or ""
        if not url.lower().startswith("https://"):
            raise ApiClientException("Requests against non-HTTPS endpoints are not allowed.")
        headers: dict[str, str] = {}
        for key, value in request.headers or []:
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        body: Any = request.body  # the SDK types it str, but its clients pass the parsed JSON
        if body is not None and not isinstance(body, str | bytes):
            body = json.dumps(body)
        try:
            answer = self._session().request(
                request.method or "GET",
                url,
                headers=headers,
                data=body or None,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except Exception as exc:  # every transport failure is the caller's "could not reach"
            raise ApiClientException(f"Error executing the request: {type(exc).__name__}") from exc
        return ApiClientResponse(
            headers=list(answer.headers.items()), status_code=answer.status_code, body=answer.text
        )

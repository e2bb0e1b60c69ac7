from rest_framework.test import APIClient


def bearer(access: str) -> APIClient:
    """A client that sends this access token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def assert_error(response, status: int, code: str) -> dict:
    """The response is our standard error shape with this status and code."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body

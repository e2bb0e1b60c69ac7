"""Every operation of the OpenAPI schema, with the view that serves it: what the access
matrix and the fuzzer walk (an operation added later is walked without a change here)."""

import re
from dataclasses import dataclass

from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from rest_framework.permissions import SAFE_METHODS

from filmstudio.permissions import IsPlatformAdmin, IsPlatformStaff, ReadPublicWriteAdmin

METHODS = ("get", "post", "put", "patch", "delete", "head")


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    schema: dict
    view: type

    @property
    def anyone_may_call(self) -> bool:
        security = self.schema.get("security")
        return security is None or {} in security

    @property
    def staff_only(self) -> bool:
        permissions = set(self.view.permission_classes)
        if ReadPublicWriteAdmin in permissions:
            return self.method.upper() not in SAFE_METHODS
        return bool(permissions & {IsPlatformStaff, IsPlatformAdmin})


def _braces(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def operations() -> list[Operation]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    views = {
        (_braces(path), method.lower()): callback.cls
        for path, _, method, callback in EndpointEnumerator().get_api_endpoints()
    }
    return [
        Operation(path, method, operation, views[(_braces(path), method)])
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]

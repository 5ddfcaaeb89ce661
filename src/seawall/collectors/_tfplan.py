"""Terraform plan JSON (``terraform show -json PLAN``) read into the same resources as HCL.

``planned_values`` holds every resource of every module with its attribute
values, nested blocks as lists of objects, the shape the HCL reader produces.
Values only known after apply are absent there and marked in
``resource_changes[].change.after_unknown``: they become :class:`Unknown`,
or a :class:`Reference` when the configuration section says which resource
the expression points at (a bucket's encryption configuration naming
``aws_s3_bucket.raw.id``), so checks relate resources exactly as with HCL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from seawall.collectors._hcl_eval import Reference, Unknown

__all__ = ["PlanError", "plan_resources"]


class PlanError(ValueError):
    """The file is not a Terraform plan in JSON form (the message says why)."""


def _configuration_references(
    module: dict[str, Any], prefix: str
) -> dict[str, dict[str, list[str]]]:
    """address -> attribute -> referenced addresses, from the plan's configuration section."""
    found: dict[str, dict[str, list[str]]] = {}
    for resource in module.get("resources", []):
        expressions = resource.get("expressions") or {}
        found[prefix + resource.get("address", "")] = {
            key: list(value.get("references", []))
            for key, value in expressions.items()
            if isinstance(value, dict) and value.get("references")
        }
    for name, call in (module.get("module_calls") or {}).items():
        found.update(_configuration_references(call.get("module") or {}, f"{prefix}module.{name}."))
    return found


_NOT_RESOURCES = {"var", "local", "module", "each", "count", "path", "self", "terraform"}


def _resource_address(references: list[str]) -> str | None:
    """The resource an expression points at (``aws_s3_bucket.raw`` in ``aws_s3_bucket.raw.id``)."""
    for reference in references:
        parts = reference.split(".")
        if parts[0] == "data" and len(parts) == 3:
            return reference
        if parts[0] not in _NOT_RESOURCES and parts[0] != "data" and len(parts) == 2:
            return reference
    return None


def _walk(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _walk(child)


def _strip_index(address: str) -> str:
    """``module.a["x"].aws_s3_bucket.b[0]`` -> ``module.a.aws_s3_bucket.b``."""
    out, depth = [], 0
    for char in address:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def plan_resources(text: str) -> list[tuple[str, str, str, dict[str, Any], bool]]:
    """(module prefix, type, name, attributes, data source?) for every planned resource."""
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(plan, dict) or "planned_values" not in plan:
        raise PlanError("not a Terraform plan: no planned_values (use `terraform show -json PLAN`)")
    unknown = {
        change.get("address"): (change.get("change") or {}).get("after_unknown") or {}
        for change in plan.get("resource_changes", [])
    }
    references = _configuration_references(
        (plan.get("configuration") or {}).get("root_module") or {}, ""
    )
    resources = []
    for resource in _walk((plan.get("planned_values") or {}).get("root_module") or {}):
        address = resource.get("address", "")
        data = resource.get("mode") == "data"
        local = f"{'data.' if data else ''}{resource.get('type')}.{resource.get('name')}"
        plain = _strip_index(address)
        prefix = plain[: -len(local)] if plain.endswith(local) else ""
        values: dict[str, Any] = dict(resource.get("values") or {})
        configured = references.get(plain, {})
        for key, is_unknown in unknown.get(address, {}).items():
            if is_unknown is True:
                target = _resource_address(configured.get(key, []))
                values[key] = (
                    Reference(target) if target else Unknown(f"{key} is known only after apply")
                )
        resources.append(
            (prefix, str(resource.get("type")), str(resource.get("name")), values, data)
        )
    return resources

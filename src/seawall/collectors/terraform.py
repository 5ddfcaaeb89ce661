"""Terraform resources with their settings resolved statically, each with file and line.

Every directory of ``.tf`` files is one module. Its variables take their
defaults, then ``terraform.tfvars`` and ``*.auto.tfvars`` in that directory;
locals are evaluated on demand; ``dynamic`` blocks are expanded when their
``for_each`` is known; resources with ``count = 0`` or an empty ``for_each``
are dropped. Attribute values are plain data, :class:`Reference` (another
resource's attribute) or :class:`Unknown` (known only at plan time): checks
say "cannot decide" for those instead of failing. Malformed HCL is an error
result naming the file and line; the other files are still read.

Local modules are evaluated once per call, with the caller's inputs and
provider configurations; each resource carries the region and account its
provider configuration names (``provider = aws.dr``, a module call's
``providers`` map, or the inherited default), so checks can tell a copy in
another region or account from one beside the original. ``--var-file`` values
and ``terraform show -json`` plans are read too.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from seawall.collectors import CollectContext, Collected, CollectorIssue
from seawall.collectors._files import FileKind
from seawall.collectors._hcl_eval import OPTIONAL_DEFAULT, Evaluator, Reference, Unknown, is_known

__all__ = [
    "Reference",
    "TerraformEvidence",
    "TfResource",
    "Unknown",
    "account_of_arn",
    "blocks",
    "is_known",
    "region_of_arn",
    "same_instance",
]


@dataclass(frozen=True)
class TfResource:
    """One resource or data source: its address, place and evaluated attributes."""

    type: str
    name: str
    path: str
    line: int
    end_line: int
    attributes: dict[str, Any]
    data: bool = False
    module: str = ""  # "module.db." for a resource of a called module
    environment: str | None = None  # "prod" / "non-prod", from path labels of the file
    region: Any = None  # its provider configuration's region: str, Unknown, or None (unset)
    account: Any = None  # the account its provider configuration pins or assumes into

    @property
    def local_address(self) -> str:
        """The address inside its module: ``aws_s3_bucket.raw``, ``data.TYPE.NAME``."""
        return f"{'data.' if self.data else ''}{self.type}.{self.name}"

    @property
    def address(self) -> str:
        """The full address: ``module.db.aws_db_instance.this`` in a called module."""
        return self.module + self.local_address

    def get(self, name: str, default: Any = None) -> Any:
        """An attribute's evaluated value."""
        return self.attributes.get(name, default)


@dataclass(frozen=True)
class TerraformEvidence:
    """Every resource of every module under the root."""

    resources: tuple[TfResource, ...]
    files: tuple[str, ...]
    # From [logs]: name words that mark a CloudWatch log group sensitive, and its retention cap.
    sensitive_log_groups: tuple[str, ...] = ()
    max_sensitive_log_days: int = 90

    @functools.cached_property
    def _positions(self) -> dict[str, list[int]]:
        # Checks ask for resources by type over and over (a bucket's separate
        # encryption, versioning, replication...): index the positions once.
        index: dict[str, list[int]] = defaultdict(list)
        for position, resource in enumerate(self.resources):
            if not resource.data:
                index[resource.type].append(position)
        return index

    def of_type(self, *types: str) -> list[TfResource]:
        """Managed resources of these types, in the order they were read."""
        positions = [p for t in types for p in self._positions.get(t, ())]
        if len(types) > 1:
            positions.sort()
        return [self.resources[p] for p in positions]

    def data_sources(self, type_: str, near: TfResource | None = None) -> list[TfResource]:
        """Data sources of a type (in the same module instance as ``near``, when given)."""
        return [
            r
            for r in self.resources
            if r.type == type_ and r.data and (near is None or same_instance(r, near))
        ]

    def pointing_at(
        self, type_: str, target: TfResource, attribute: str = "bucket"
    ) -> list[TfResource]:
        """Resources of ``type_`` in the same module instance whose ``attribute`` is ``target``."""
        found = []
        for resource in self.of_type(type_):
            if not same_instance(resource, target):
                continue
            value = resource.get(attribute)
            if isinstance(value, Reference) and value.address == target.local_address:
                found.append(resource)
            elif isinstance(value, str) and value and value == target.get(attribute):
                found.append(resource)  # the same literal bucket name
        return found


def same_instance(one: TfResource, other: TfResource) -> bool:
    """Whether two resources belong to the same module instance (same call, same directory)."""
    return one.module == other.module and os.path.dirname(one.path) == os.path.dirname(other.path)


def blocks(value: Any) -> list[dict[str, Any]]:
    """A nested block's instances as a list of dicts (python-hcl2 gives lists or a dict)."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def _parse(text: str) -> tuple[dict[str, Any], dict[tuple[str, ...], tuple[int, int]]]:
    """The file as python-hcl2's dict, and each top-level block's (line, end line)."""
    import hcl2
    from hcl2.utils import SerializationOptions

    tree = hcl2.parses_to_tree(text)
    spans: dict[tuple[str, ...], tuple[int, int]] = {}
    for node in tree.children[0].children:
        if getattr(node, "data", None) != "block":
            continue
        labels = []
        for child in node.children:
            data = getattr(child, "data", None)
            if data == "identifier":
                labels.append(str(child.children[0]))
            elif data == "string":
                labels.append(
                    "".join(
                        str(t)
                        for part in child.children
                        if hasattr(part, "children")
                        for t in part.children
                    )
                )
            elif data is None and str(child) == "{":
                break
        spans[tuple(labels)] = (node.meta.line, node.meta.end_line)
    options = SerializationOptions(
        explicit_blocks=False, strip_string_quotes=True, with_comments=False
    )
    return hcl2.serialize(hcl2.transform(tree), serialization_options=options), spans


def _with_type_defaults(value: Any, type_: Any, evaluator: Evaluator) -> Any:
    """Fill ``optional(type, default)`` attributes of an object type into a map default."""
    if not isinstance(value, dict) or not isinstance(type_, str) or "optional(" not in type_:
        return value
    shape = evaluator.value(type_)
    if not isinstance(shape, dict):
        return value
    filled = dict(value)
    for key, spec in shape.items():
        if isinstance(spec, dict) and OPTIONAL_DEFAULT in spec and key not in filled:
            filled[key] = spec[OPTIONAL_DEFAULT]
    return filled


def _error_line(exc: Exception) -> int | None:
    line = getattr(exc, "line", None)
    return line if isinstance(line, int) and line > 0 else None


def _expand_dynamic(attributes: dict[str, Any], evaluator: Evaluator) -> dict[str, Any]:
    """Evaluate attributes and expand ``dynamic`` blocks whose ``for_each`` is known."""
    result: dict[str, Any] = {}
    for key, raw in attributes.items():
        if key == "dynamic":
            continue
        if isinstance(raw, list) and raw and all(isinstance(v, dict) for v in raw):
            result[key] = [_expand_dynamic(v, evaluator) for v in raw]  # nested blocks
        else:
            result[key] = evaluator.value(raw)
    for dynamic in blocks(attributes.get("dynamic")):
        for label, spec in dynamic.items():
            spec = spec[0] if isinstance(spec, list) and spec else spec
            if not isinstance(spec, dict):
                continue
            items = evaluator.value(spec.get("for_each"))
            iterator = evaluator.value(spec.get("iterator", label))
            name = iterator if isinstance(iterator, str) else label
            content = blocks(spec.get("content"))
            if isinstance(items, Unknown) or not content:
                result.setdefault(label, []).append(
                    {
                        "__unknown__": Unknown(
                            f"dynamic {label} depends on {getattr(items, 'reason', 'its for_each')}"
                        )
                    }
                )
                continue
            pairs = (
                items.items()
                if isinstance(items, dict)
                else enumerate(items if isinstance(items, list) else [])
            )
            for index, item in pairs:
                scoped = evaluator.with_scope(name, {"key": index, "value": item})
                result.setdefault(label, []).append(_expand_dynamic(content[0], scoped))
    return result


def _instances(attributes: dict[str, Any], evaluator: Evaluator) -> bool:
    """False when ``count = 0`` or an empty ``for_each`` makes the resource absent."""
    if "count" in attributes:
        count = evaluator.value(attributes["count"])
        if isinstance(count, (int, float)) and not isinstance(count, bool) and count <= 0:
            return False
    if "for_each" in attributes:
        items = evaluator.value(attributes["for_each"])
        if isinstance(items, (list, dict)) and not items:
            return False
    return True


_MAX_DEPTH = 8


@dataclass
class _Source:
    """One module directory as parsed: raw blocks, not yet evaluated."""

    directory: str
    variables: dict[str, dict[str, Any]]
    raw_locals: dict[str, Any]
    resources: list[tuple[str, str, str, int, int, dict[str, Any], bool]]
    calls: dict[str, dict[str, Any]]
    outputs: dict[str, Any]
    tfvars: list[dict[str, Any]]
    providers: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


def _parse_source(
    context: CollectContext, directory: str, paths: Iterable[str], issues: list[CollectorIssue]
) -> _Source:
    source = _Source(directory, {}, {}, [], {}, {}, [])
    for path in paths:
        text = context.read(path)
        if text.text is None:
            issues.append(CollectorIssue(path, text.problem or "cannot read file"))
            continue
        spans: dict[tuple[str, ...], tuple[int, int]] = {}
        if path.endswith(".json"):  # Terraform's JSON syntax: the same structure
            try:
                parsed = json.loads(text.text)
            except json.JSONDecodeError as exc:
                issues.append(CollectorIssue(path, f"malformed Terraform JSON: {exc}", exc.lineno))
                continue
            if not isinstance(parsed, dict):
                issues.append(CollectorIssue(path, "Terraform JSON must be an object at the top"))
                continue
        else:
            try:
                parsed, spans = _parse(text.text)
            except Exception as exc:  # lark's parse errors carry line and column
                # lark's message quotes the offending source, which may be a secret: say where only.
                line, column = _error_line(exc), getattr(exc, "column", None)
                where = (
                    f" at line {line}, column {column}" if line and isinstance(column, int) else ""
                )
                issues.append(
                    CollectorIssue(path, f"malformed HCL{where} ({type(exc).__name__})", line)
                )
                continue
        if path.endswith((".tfvars", ".tfvars.json")):
            source.tfvars.append(parsed)
            continue
        for kind, target in (
            ("variable", source.variables),
            ("module", source.calls),
            ("output", None),
        ):
            for entry in blocks(parsed.get(kind)):
                for name, body in entry.items():
                    body = body[0] if isinstance(body, list) and body else body
                    if not isinstance(body, dict):
                        continue
                    if target is not None:
                        target[name] = body
                    elif "value" in body:
                        source.outputs[name] = body["value"]
        for local_block in blocks(parsed.get("locals")):
            source.raw_locals.update(local_block)
        for entry in blocks(parsed.get("provider")):
            for name, body in entry.items():
                for config in blocks(body):
                    alias = config.get("alias")
                    key = f"{name}.{alias}" if isinstance(alias, str) and alias else name
                    source.providers[key] = config
        for kind, data in (("resource", False), ("data", True)):
            for entry in blocks(parsed.get(kind)):
                for type_, named in entry.items():
                    for name, body in (named or {}).items():
                        body = body[0] if isinstance(body, list) and body else body
                        line, end = spans.get((kind, type_, name), (1, 1))
                        source.resources.append((type_, name, path, line, end, body or {}, data))
    return source


@dataclass(frozen=True)
class _Placement:
    """Where a provider configuration puts resources: region and account (either may be None)."""

    region: Any
    account: Any


def account_of_arn(arn: Any) -> str | None:
    """The account id field of an ARN (``arn:aws:iam::111122223333:role/x``), if any."""
    if not isinstance(arn, str):
        return None
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[4].isdigit():
        return parts[4]
    return None


def region_of_arn(arn: Any) -> str | None:
    """The region field of an ARN (``arn:aws:kms:eu-west-1:...``), if it has one."""
    if not isinstance(arn, str):
        return None
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[3]:
        return parts[3]
    return None


def _placement(config: dict[str, Any], evaluator: Evaluator) -> _Placement:
    region = evaluator.value(config["region"]) if "region" in config else None
    account: Any = None
    allowed = evaluator.value(config.get("allowed_account_ids"))
    if isinstance(allowed, list) and len(allowed) == 1 and isinstance(allowed[0], str):
        account = allowed[0]
    for assumed in blocks(config.get("assume_role")):
        role = evaluator.value(assumed.get("role_arn"))
        account = account_of_arn(role) or (role if isinstance(role, Unknown) else account)
    return _Placement(region, account)


class _Instance:
    """A module evaluated with its inputs: a root module (defaults, tfvars) or a call."""

    def __init__(
        self,
        source: _Source,
        inputs: dict[str, Any] | None,
        prefix: str,
        sources: dict[str, _Source],
        stack: tuple[str, ...],
        var_files: tuple[dict[str, Any], ...] = (),
        providers: dict[str, _Placement] | None = None,
    ) -> None:
        self.source = source
        self.prefix = prefix
        self._sources = sources
        self._stack = (*stack, source.directory)
        self.variables: dict[str, Any] = {}
        self.locals: dict[str, Any] = {}
        self._resolving: set[str] = set()
        self.children: dict[str, _Instance | None] = {}
        self.evaluator = Evaluator(
            self.variables, self.local, module_outputs=self.output_of, module=prefix
        )
        for name, body in source.variables.items():
            if inputs is not None and name in inputs:
                self.variables[name] = inputs[name]
            elif "default" in body:
                default = self.evaluator.value(body["default"])
                self.variables[name] = _with_type_defaults(
                    default, body.get("type"), self.evaluator
                )
            else:
                self.variables[name] = Unknown(f"var.{name} has no default")
        if inputs is None:  # tfvars and --var-file are for root modules only
            for values in source.tfvars:
                for name, raw in values.items():
                    self.variables[name] = self.evaluator.value(raw)
            for values in var_files:  # later wins, as with terraform -var-file
                for name, raw in values.items():
                    if name in source.variables:  # only the roots that declare it
                        self.variables[name] = self.evaluator.value(raw)
        # Provider configurations passed in by the caller, then the module's own blocks.
        self.providers: dict[str, _Placement] = dict(providers or {})
        for key, config in source.providers.items():
            self.providers[key] = _placement(config, self.evaluator)

    def passed_providers(self, call: dict[str, Any]) -> dict[str, _Placement]:
        """What a module call hands its module: the ``providers`` map, else our defaults."""
        mapping = call.get("providers")
        if not isinstance(mapping, dict):  # implicit inheritance of default configurations
            return {k: v for k, v in self.providers.items() if "." not in k}
        passed = {}
        for inner, outer in mapping.items():
            target = self.evaluator.value(outer) if isinstance(outer, str) else outer
            if isinstance(target, Reference) and target.address in self.providers:
                passed[inner] = self.providers[target.address]
        return passed

    def placement_of(self, type_: str, attributes: dict[str, Any]) -> _Placement:
        """The region and account a resource lands in, from its provider configuration."""
        chosen = attributes.get("provider")
        key = chosen.address if isinstance(chosen, Reference) else type_.split("_", 1)[0]
        if key in self.providers:
            return self.providers[key]
        if "." in key:  # an alias this module was not given: a misconfiguration or remote
            return _Placement(Unknown(f"provider {key} is not configured here"), None)
        return _Placement(None, None)

    def local(self, name: str) -> Any:
        if name in self.locals:
            return self.locals[name]
        if name not in self.source.raw_locals:
            return Unknown(f"local.{name} is not defined")
        if name in self._resolving:
            return Unknown(f"local.{name} refers to itself")
        self._resolving.add(name)
        try:
            value = self.evaluator.value(self.source.raw_locals[name])
        finally:
            self._resolving.discard(name)
        self.locals[name] = value
        return value

    def child(self, name: str) -> _Instance | None:
        """The instance of a local module call (None: remote, absent or too deep)."""
        if name in self.children:
            return self.children[name]
        self.children[name] = None
        body = self.source.calls.get(name)
        target = _local_target(self.source.directory, body)
        if body is None or target is None or target not in self._sources:
            return None
        if (
            target in self._stack
            or len(self._stack) > _MAX_DEPTH
            or not _instances(body, self.evaluator)
        ):
            return None
        ignored = {"source", "version", "count", "for_each", "providers", "depends_on"}
        inputs = {k: self.evaluator.value(v) for k, v in body.items() if k not in ignored}
        instance = _Instance(
            self._sources[target],
            inputs,
            f"{self.prefix}module.{name}.",
            self._sources,
            self._stack,
            providers=self.passed_providers(body),
        )
        self.children[name] = instance
        return instance

    def output_of(self, module: str, output: str) -> Any:
        instance = self.child(module)
        if instance is None or output not in instance.source.outputs:
            return Unknown(f"module.{module}.{output} is not known statically")
        return instance.evaluator.value(instance.source.outputs[output])

    def resources(self) -> Iterator[TfResource]:
        for type_, name, path, line, end, body, data in self.source.resources:
            if not _instances(body, self.evaluator):
                continue
            attributes = _expand_dynamic(body, self.evaluator)
            placement = self.placement_of(type_, attributes)
            yield TfResource(
                type_,
                name,
                path,
                line,
                end,
                attributes,
                data,
                self.prefix,
                region=placement.region,
                account=placement.account,
            )
        for call in self.source.calls:
            instance = self.child(call)
            if instance is not None:
                yield from instance.resources()


def _local_target(directory: str, body: dict[str, Any] | None) -> str | None:
    """The directory a module call's ``./`` or ``../`` source names, relative to the root."""
    source = body.get("source") if body else None
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        return None
    target = os.path.normpath(os.path.join(directory, source))
    return "" if target == "." else target


def collect(context: CollectContext) -> Collected:
    """Root modules with defaults and tfvars; called local modules with their callers' inputs."""
    by_directory: dict[str, list[str]] = defaultdict(list)
    for source in context.tree.of_kind(FileKind.TERRAFORM):
        by_directory[os.path.dirname(source.path)].append(source.path)
    for source in context.tree.of_kind(FileKind.TERRAFORM_VARS):
        name = os.path.basename(source.path)
        if name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith(
            (".auto.tfvars", ".auto.tfvars.json")
        ):
            by_directory[os.path.dirname(source.path)].append(source.path)
    issues: list[CollectorIssue] = []
    sources = {
        directory: _parse_source(
            context,
            directory,
            # .tf before .tfvars: variables are declared before values are assigned.
            sorted(paths, key=lambda p: (".tfvars" in p, p)),
            issues,
        )
        for directory, paths in sorted(by_directory.items())
    }
    called = {
        target
        for source in sources.values()
        for body in source.calls.values()
        if (target := _local_target(source.directory, body)) is not None
        and target != source.directory
    }
    var_files = tuple(_var_file(path, issues) for path in context.options.terraform_var_files)
    resources: list[TfResource] = []
    for directory, parsed in sources.items():
        if directory in called:
            continue  # evaluated through its callers, with their inputs
        resources.extend(_Instance(parsed, None, "", sources, (), var_files).resources())
    plans = [
        (os.path.join(context.tree.root, f.path), f.path)
        for f in context.tree.of_kind(FileKind.JSON)
        if os.path.basename(f.path) == "tfplan.json" or f.path.endswith(".tfplan.json")
    ]
    plans += [(path, os.path.relpath(path)) for path in context.options.terraform_plans]
    for path, display in plans:
        resources.extend(_plan(path, display, issues))
    files = tuple(p for d in sorted(by_directory) for p in by_directory[d])
    labels = {f.path: f.environment.value for f in context.tree.files if f.environment is not None}
    resources = [
        dataclasses.replace(r, environment=labels[r.path]) if r.path in labels else r
        for r in resources
    ]
    return Collected(
        TerraformEvidence(
            tuple(resources),
            (*files, *(d for _, d in plans)),
            context.options.sensitive_log_groups,
            context.options.max_sensitive_log_days,
        ),
        tuple(issues),
    )


def _var_file(path: str, issues: list[CollectorIssue]) -> dict[str, Any]:
    """A ``--var-file`` (HCL or JSON); problems become error results, the scan goes on."""
    display = os.path.relpath(path)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        issues.append(CollectorIssue(display, f"cannot read variable file: {exc}"))
        return {}
    try:
        values = json.loads(text) if path.endswith(".json") else _parse(text)[0]
    except Exception as exc:  # JSON or lark errors: name the place, never the text
        line = getattr(exc, "lineno", None) or _error_line(exc)
        issues.append(
            CollectorIssue(display, f"malformed variable file ({type(exc).__name__})", line)
        )
        return {}
    return values if isinstance(values, dict) else {}


def _plan(path: str, display: str, issues: list[CollectorIssue]) -> list[TfResource]:
    from seawall.collectors._tfplan import PlanError, plan_resources

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        planned = plan_resources(text)
    except (OSError, UnicodeDecodeError) as exc:
        issues.append(CollectorIssue(display, f"cannot read Terraform plan: {exc}"))
        return []
    except PlanError as exc:
        issues.append(CollectorIssue(display, f"Terraform plan: {exc}"))
        return []
    return [
        TfResource(type_, name, display, 0, 0, values, data, prefix)
        for prefix, type_, name, values, data in planned
    ]

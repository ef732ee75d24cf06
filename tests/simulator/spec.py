# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Request validation against SendGrid's own OpenAPI files.

The files are read at run time from ``--openapi-dir`` (never copied into this project).
Each ``/v3/`` request is checked for its path parameters, query parameters and JSON
body. The files are OpenAPI 3.1 but use the 3.0 keyword ``nullable``; it is rewritten
in memory to "also allows null". Known bugs in the files are corrected here, each with
its reason, so that legal requests are never refused (see the README beside the files).
"""

from __future__ import annotations

import copy
import pathlib
from dataclasses import dataclass, field
from typing import Any, Optional

from .routing import split_path

METHODS = ("get", "post", "put", "patch", "delete")

# Fields SendGrid obviously requires but the files forget to mark (README: "Known
# problems"). Adding them makes the check as strict as the live API, not stricter.
EXTRA_REQUIRED_BODY = {
    ("PUT", "/v3/ips/pools/{pool_name}"): ["name"],
    ("POST", "/v3/ips/pools/{pool_name}/ips"): ["ip"],
    ("POST", "/v3/ips/warmup"): ["ip"],
    ("POST", "/v3/whitelabel/links/{link_id}/subuser"): ["username"],
}
EXTRA_REQUIRED_QUERY = {
    ("DELETE", "/v3/whitelabel/domains/{domain_id}/subuser"): ["username"],
    ("DELETE", "/v3/whitelabel/domains/subuser"): ["username"],
}
# The files require both ids on "email DNS records", but the operation's own description
# says either one is enough (a link id, a domain id, or both); the handler checks that at
# least one is present.
RELAXED_REQUIRED_BODY = {
    ("POST", "/v3/whitelabel/dns/email"): {"link_id", "domain_id"},
}


@dataclass
class Violation:
    field: Optional[str]
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


# Query parameters an operation does not declare that are let through all the same, each for a reason:
# ``offset`` on the link list, which a client sends only to read on after a page a server-side cap may have cut
# short (SendGrid ignores unknown parameters; tests/simulator/README.md, "Deliberate differences").
TOLERATED_UNKNOWN = {("GET", "/v3/whitelabel/links"): ("offset",)}


@dataclass
class Operation:
    method: str
    template: str
    segments: tuple
    params: list  # resolved parameter objects (path + query; headers are ignored)
    body_schema: Optional[dict]
    validator: Any = None
    param_validators: dict = field(default_factory=dict)


def resolve_refs(node: Any, root: dict, depth: int = 0) -> Any:
    """Inline every local ``$ref``. A ``$ref`` with sibling keywords becomes an ``allOf``
    (that is what a sibling means in OpenAPI 3.1 / JSON Schema 2020-12)."""
    if depth > 50:
        raise ValueError("$ref nesting too deep")
    if isinstance(node, list):
        return [resolve_refs(item, root, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = lookup_pointer(root, node["$ref"])
        resolved = resolve_refs(target, root, depth + 1)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if not siblings:
            return resolved
        merged = resolve_refs(siblings, root, depth + 1)
        merged.setdefault("allOf", []).append(resolved)
        return merged
    return {key: resolve_refs(value, root, depth + 1) for key, value in node.items()}


def lookup_pointer(root: dict, ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported: {ref}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def apply_nullable(node: Any) -> Any:
    """OAS 3.0 ``nullable: true`` → JSON Schema ``type: [T, "null"]`` (in a copy)."""
    if isinstance(node, list):
        return [apply_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: apply_nullable(value) for key, value in node.items()}
    if node.pop("nullable", False) is True:
        kind = node.get("type")
        if isinstance(kind, str):
            node["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            node["type"] = kind + ["null"]
        if "enum" in node and None not in node["enum"]:
            node["enum"] = list(node["enum"]) + [None]
    return node


def coerce(raw: str, schema: dict) -> Any:
    """Query and path values arrive as text; convert them to the schema's type when the
    text is a valid spelling of it, otherwise leave the text for jsonschema to refuse."""
    kind = schema.get("type")
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            return raw
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw.lower(), raw)
    return raw


def _first_error(validator, instance) -> Optional[Any]:
    errors = sorted(validator.iter_errors(instance), key=lambda e: (len(e.absolute_path),
                                                                    list(e.absolute_path)))
    return errors[0] if errors else None


def _error_field(error, instance) -> Optional[str]:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = [name for name in error.validator_value
                   if isinstance(error.instance, dict) and name not in error.instance]
        if missing:
            path.append(missing[0])
    return ".".join(path) or None


class SpecValidator:
    def __init__(self, directory: pathlib.Path):
        try:
            import yaml
            from jsonschema import Draft202012Validator
        except ImportError as exc:
            raise SystemExit(
                "the simulator checks requests against SendGrid's OpenAPI files and needs PyYAML and jsonschema for that "
                "(pip install pyyaml jsonschema, or pip install -r requirements-dev.txt); %s. Start it with --openapi-dir "
                "pointing at a missing directory to run without the check" % exc
            ) from None

        self._validator_class = Draft202012Validator
        self.operations: list[Operation] = []
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: faster
        for path in sorted(pathlib.Path(directory).glob("*.yaml")):
            with open(path, encoding="utf-8") as handle:
                document = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
            self._load(document)
        # Literal segments win over parameters, as in the simulator's own router.
        self.operations.sort(key=lambda op: tuple(0 if s.startswith("{") else 1
                                                  for s in op.segments), reverse=True)

    @classmethod
    def from_directory(cls, directory) -> Optional["SpecValidator"]:
        """None when the directory does not exist: validation is then skipped."""
        if directory is None or not pathlib.Path(directory).is_dir():
            return None
        return cls(pathlib.Path(directory))

    def _load(self, document: dict) -> None:
        for template, item in (document.get("paths") or {}).items():
            shared = item.get("parameters", [])
            for method in METHODS:
                if method in item:
                    self._add(document, template, method.upper(), item[method], shared)

    def _add(self, document, template, method, operation, shared) -> None:
        params = {}
        for raw in list(shared) + list(operation.get("parameters", [])):
            param = apply_nullable(resolve_refs(raw, document))
            if param.get("in") in ("path", "query"):
                params[(param["in"], param["name"])] = param
        for name in EXTRA_REQUIRED_QUERY.get((method, template), []):
            if ("query", name) in params:
                params[("query", name)] = dict(params[("query", name)], required=True)
        body_schema = self._body_schema(document, template, method, operation)
        op = Operation(method, template, tuple(template.strip("/").split("/")),
                       list(params.values()), body_schema)
        if body_schema is not None:
            op.validator = self._validator_class(body_schema)
        for param in op.params:
            op.param_validators[(param["in"], param["name"])] = \
                self._validator_class(param.get("schema", {}))
        self.operations.append(op)

    @staticmethod
    def _body_schema(document, template, method, operation) -> Optional[dict]:
        content = ((operation.get("requestBody") or {}).get("content") or {})
        media = content.get("application/json")
        if not media or "schema" not in media:
            return None
        schema = apply_nullable(resolve_refs(copy.deepcopy(media["schema"]), document))
        required = [name for name in schema.get("required", [])
                    if name not in RELAXED_REQUIRED_BODY.get((method, template), set())]
        required += [name for name in EXTRA_REQUIRED_BODY.get((method, template), [])
                     if name not in required]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)
        return schema

    def find(self, method: str, path: str) -> tuple[Optional[Operation], dict]:
        parts = split_path(path)
        for op in self.operations:
            if op.method != method or len(op.segments) != len(parts):
                continue
            params = {}
            for want, got in zip(op.segments, parts):
                if want.startswith("{") and want.endswith("}"):
                    params[want[1:-1]] = got
                elif want != got:
                    break
            else:
                return op, params
        return None, {}

    def validate(self, method: str, path: str, query: dict, body: Any) -> Optional[Violation]:
        """The first violation of the request, or None (also when no operation matches)."""
        op, path_params = self.find(method, path)
        if op is None:
            return None
        return (self._check_params(op, "path", path_params)
                or self._check_params(op, "query", query)
                or self._check_unknown_query(op, query)
                or self._check_body(op, body))

    def _check_params(self, op: Operation, where: str, values: dict) -> Optional[Violation]:
        for param in op.params:
            if param["in"] != where:
                continue
            name = param["name"]
            raw = values.get(name)
            if isinstance(raw, list):
                raw = raw[-1] if raw else None
            if raw is None:
                if param.get("required"):
                    return Violation(name, f"required {where} parameter {name} is missing")
                continue
            schema = param.get("schema", {})
            error = _first_error(op.param_validators[(where, name)], coerce(raw, schema))
            if error is not None:
                return Violation(name, f"{where} parameter {name}: {error.message}")
        return None

    @staticmethod
    def _check_unknown_query(op: Operation, query: dict) -> Optional[Violation]:
        # The live API ignores unknown parameters; refusing them here shows a client that
        # sends e.g. ``offset`` to the link list (which has none) that it is being ignored.
        known = {p["name"] for p in op.params if p["in"] == "query"}
        for name in query:
            if name in TOLERATED_UNKNOWN.get((op.method, op.template), ()):
                continue
            if name not in known:
                return Violation(name, f"unknown query parameter {name}")
        return None

    @staticmethod
    def _check_body(op: Operation, body: Any) -> Optional[Violation]:
        if op.validator is None:
            return None
        instance = {} if body is None else body
        error = _first_error(op.validator, instance)
        if error is None:
            return None
        return Violation(_error_field(error, instance), error.message)

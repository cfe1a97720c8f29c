"""A small GraphQL reader and executor, enough for the Shopify simulator.

Not a GraphQL server: there is no schema language. Objects are dicts with a "__typename" key; a field's value is
a plain value, a nested object, a list, or a `Resolver` (called with the field's arguments). Only the fields the
query selects come back, under their aliases, which is what clients depend on. Written here so the simulator
needs no GraphQL library at runtime.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r"""
    (?P<ws>[\s,\ufeff]+|\#[^\n]*)
    |(?P<block>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    |(?P<string>"(?:[^"\\\n]|\\.)*")
    |(?P<float>-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+))
    |(?P<int>-?\d+)
    |(?P<spread>\.\.\.)
    |(?P<name>[_A-Za-z][_0-9A-Za-z]*)
    |(?P<punct>[!$&():=@\[\]{}|])
    """,
    re.VERBOSE,
)


class GraphQLSyntaxError(ValueError):
    pass


@dataclass
class Field:
    name: str
    alias: str
    arguments: dict[str, Any]
    selections: list[Selection]
    line: int
    column: int


@dataclass
class FragmentSpread:
    name: str


@dataclass
class InlineFragment:
    type_condition: str | None
    selections: list[Selection]


Selection = Field | FragmentSpread | InlineFragment


@dataclass
class Variable:
    name: str


@dataclass
class EnumValue:
    value: str


@dataclass
class Operation:
    kind: str  # "query" or "mutation"
    name: str | None
    variable_defaults: dict[str, Any]
    selections: list[Selection]


@dataclass
class Document:
    operations: list[Operation]
    fragments: dict[str, InlineFragment] = field(default_factory=dict)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(source):
            m = _TOKEN.match(source, pos)
            if m is None:
                raise GraphQLSyntaxError(f"Unexpected character {source[pos]!r}")
            kind = m.lastgroup or ""
            if kind != "ws":
                self.tokens.append((kind, m.group(), pos))
            pos = m.end()
        self.i = 0

    def _where(self, pos: int) -> tuple[int, int]:
        line = self.source.count("\n", 0, pos) + 1
        return line, pos - (self.source.rfind("\n", 0, pos) + 1) + 1

    def peek(self, value: str | None = None) -> bool:
        if self.i >= len(self.tokens):
            return False
        return value is None or self.tokens[self.i][1] == value

    def take(self, value: str | None = None, kind: str | None = None) -> tuple[str, str, int]:
        if self.i >= len(self.tokens):
            raise GraphQLSyntaxError("Unexpected end of document")
        tok = self.tokens[self.i]
        if (value is not None and tok[1] != value) or (kind is not None and tok[0] != kind):
            line, col = self._where(tok[2])
            raise GraphQLSyntaxError(f"Parse error on {tok[1]!r} at [{line}, {col}]")
        self.i += 1
        return tok

    def document(self) -> Document:
        doc = Document(operations=[])
        while self.peek():
            if self.peek("{"):
                doc.operations.append(Operation("query", None, {}, self.selection_set()))
            elif self.peek("fragment"):
                self.take()
                name = self.take(kind="name")[1]
                self.take("on")
                cond = self.take(kind="name")[1]
                doc.fragments[name] = InlineFragment(cond, self.selection_set())
            else:
                kind = self.take(kind="name")[1]
                if kind not in ("query", "mutation"):
                    raise GraphQLSyntaxError(f"Unsupported operation type {kind!r}")
                op_name = self.take(kind="name")[1] if self.peek() and self.tokens[self.i][0] == "name" else None
                defaults = self.variable_definitions() if self.peek("(") else {}
                self.directives()
                doc.operations.append(Operation(kind, op_name, defaults, self.selection_set()))
        if not doc.operations:
            raise GraphQLSyntaxError("No operation in document")
        return doc

    def variable_definitions(self) -> dict[str, Any]:
        defaults: dict[str, Any] = {}
        self.take("(")
        while not self.peek(")"):
            self.take("$")
            name = self.take(kind="name")[1]
            self.take(":")
            self.type_ref()
            if self.peek("="):
                self.take()
                defaults[name] = self.value()
        self.take(")")
        return defaults

    def type_ref(self) -> None:
        if self.peek("["):
            self.take()
            self.type_ref()
            self.take("]")
        else:
            self.take(kind="name")
        if self.peek("!"):
            self.take()

    def directives(self) -> list[tuple[str, dict[str, Any]]]:
        found = []
        while self.peek("@"):
            self.take()
            name = self.take(kind="name")[1]
            found.append((name, self.arguments() if self.peek("(") else {}))
        return found

    def selection_set(self) -> list[Selection]:
        self.take("{")
        out: list[Selection] = []
        while not self.peek("}"):
            if self.peek("..."):
                self.take()
                if self.peek("on"):
                    self.take()
                    cond = self.take(kind="name")[1]
                    self.directives()
                    out.append(InlineFragment(cond, self.selection_set()))
                elif self.peek("{") or self.peek("@"):
                    self.directives()
                    out.append(InlineFragment(None, self.selection_set()))
                else:
                    out.append(FragmentSpread(self.take(kind="name")[1]))
                    self.directives()
                continue
            tok = self.take(kind="name")
            line, col = self._where(tok[2])
            alias = name = tok[1]
            if self.peek(":"):
                self.take()
                name = self.take(kind="name")[1]
            args = self.arguments() if self.peek("(") else {}
            directives = self.directives()
            subs = self.selection_set() if self.peek("{") else []
            f = Field(name, alias, args, subs, line, col)
            # @skip/@include only take literal or variable booleans; resolved at execution time.
            if directives:
                f.arguments = {**args, "__directives__": directives}
            out.append(f)
        self.take("}")
        return out

    def arguments(self) -> dict[str, Any]:
        self.take("(")
        args: dict[str, Any] = {}
        while not self.peek(")"):
            name = self.take(kind="name")[1]
            self.take(":")
            args[name] = self.value()
        self.take(")")
        return args

    def value(self) -> Any:
        kind, text, _ = self.take()
        if text == "$":
            return Variable(self.take(kind="name")[1])
        if kind == "string":
            return _unescape(text[1:-1])
        if kind == "block":
            return text[3:-3].replace('\\"""', '"""')
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if text == "[":
            items = []
            while not self.peek("]"):
                items.append(self.value())
            self.take("]")
            return items
        if text == "{":
            obj = {}
            while not self.peek("}"):
                key = self.take(kind="name")[1]
                self.take(":")
                obj[key] = self.value()
            self.take("}")
            return obj
        if kind == "name":
            return {"true": True, "false": False, "null": None}.get(text, EnumValue(text))
        raise GraphQLSyntaxError(f"Unexpected {text!r}")


def _unescape(raw: str) -> str:
    simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
    out, i = [], 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt == "u":
                out.append(chr(int(raw[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(simple.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def parse(source: str) -> Document:
    return _Parser(source).document()


def pick_operation(doc: Document, name: str | None) -> Operation:
    if name is None:
        if len(doc.operations) > 1:
            raise GraphQLSyntaxError("An operation name is required when the document has several operations")
        return doc.operations[0]
    for op in doc.operations:
        if op.name == name:
            return op
    raise GraphQLSyntaxError(f"No operation named {name!r}")


def resolve_value(value: Any, variables: dict[str, Any]) -> Any:
    """Literal argument value with variables substituted and enum literals turned into their names."""
    if isinstance(value, Variable):
        return variables.get(value.name)
    if isinstance(value, EnumValue):
        return value.value
    if isinstance(value, list):
        return [resolve_value(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: resolve_value(v, variables) for k, v in value.items()}
    return value


class GraphQLFieldError(Exception):
    """A field that does not exist on its type; the whole request fails like Shopify's validation does."""

    def __init__(self, type_name: str, field_name: str, line: int, column: int) -> None:
        super().__init__(f"Field '{field_name}' doesn't exist on type '{type_name}'")
        self.type_name, self.field_name, self.line, self.column = type_name, field_name, line, column


Resolver = Callable[[dict[str, Any]], Any]


@dataclass
class Execution:
    document: Document
    variables: dict[str, Any]
    # Objects returned, used as the "actual" query cost (connections add their own fixed cost).
    objects: int = 0

    def flatten(self, selections: list[Selection], typename: str) -> list[Field]:
        out: list[Field] = []
        for sel in selections:
            if isinstance(sel, Field):
                if self._included(sel):
                    out.append(sel)
            elif isinstance(sel, InlineFragment):
                if sel.type_condition in (None, typename):
                    out.extend(self.flatten(sel.selections, typename))
            else:
                frag = self.document.fragments.get(sel.name)
                if frag is None:
                    raise GraphQLSyntaxError(f"Fragment {sel.name} was used, but not defined")
                if frag.type_condition == typename:
                    out.extend(self.flatten(frag.selections, typename))
        return out

    def _included(self, f: Field) -> bool:
        for name, args in f.arguments.get("__directives__", []):
            cond = bool(resolve_value(args.get("if"), self.variables))
            if (name == "skip" and cond) or (name == "include" and not cond):
                return False
        return True

    def arguments(self, f: Field) -> dict[str, Any]:
        return {k: resolve_value(v, self.variables) for k, v in f.arguments.items() if k != "__directives__"}

    def select(self, obj: dict[str, Any], selections: list[Selection]) -> dict[str, Any]:
        typename = str(obj.get("__typename", "Object"))
        out: dict[str, Any] = {}
        for f in self.flatten(selections, typename):
            if f.name not in obj:
                raise GraphQLFieldError(typename, f.name, f.line, f.column)
            value = obj[f.name]
            if callable(value):
                value = value(self.arguments(f))
            out[f.alias] = self.complete(value, f.selections)
        return out

    def complete(self, value: Any, selections: list[Selection]) -> Any:
        if isinstance(value, list):
            return [self.complete(v, selections) for v in value]
        if isinstance(value, dict) and "__typename" in value:
            typename = value["__typename"]
            if not (typename.endswith(("Connection", "Edge")) or typename == "PageInfo"):
                self.objects += 1
            elif typename.endswith("Connection"):
                self.objects += 2
            return self.select(value, selections) if selections else None
        return value


def requested_cost(selections: list[Selection], doc: Document, variables: dict[str, Any], *, connections: set[str],
                   mutation: bool = False) -> int:
    """Shopify's static estimate: objects 1, scalars 0, connections 2 + first/last × node cost, mutations 10."""
    if mutation:
        return 10 * sum(1 for s in selections if isinstance(s, Field))
    total = 0
    for sel in selections:
        if isinstance(sel, FragmentSpread):
            frag = doc.fragments.get(sel.name)
            total += requested_cost(frag.selections, doc, variables, connections=connections) if frag else 0
            continue
        if isinstance(sel, InlineFragment):
            total += requested_cost(sel.selections, doc, variables, connections=connections)
            continue
        if not sel.selections or sel.name == "pageInfo":
            continue
        if sel.name in connections:
            args = {k: resolve_value(v, variables) for k, v in sel.arguments.items() if k != "__directives__"}
            size = args.get("first") or args.get("last") or 0
            inner = 0
            for child in sel.selections:
                if isinstance(child, Field) and child.name == "nodes":
                    inner += 1 + requested_cost(child.selections, doc, variables, connections=connections)
                elif isinstance(child, Field) and child.name == "edges":
                    for grand in child.selections:
                        if isinstance(grand, Field) and grand.name == "node":
                            inner += 1 + requested_cost(grand.selections, doc, variables, connections=connections)
            total += 2 + int(size) * inner
        elif sel.name in ("nodes", "edges", "node"):
            total += requested_cost(sel.selections, doc, variables, connections=connections)
        else:
            total += 1 + requested_cost(sel.selections, doc, variables, connections=connections)
    return total

"""Renders the template corpus with Python's Jinja2 configured like dbt-core, for the differential test.

dbt renders with a SandboxedEnvironment with the 'do' and 'loopcontrols' extensions, default whitespace
settings (trim_blocks, lstrip_blocks and keep_trailing_newline all off) and a '{% test %}' tag that defines
a macro named test_<name>. Every macro is its own template (as in dbt) so return() works across calls.
Usage: python3 jinja_oracle.py CASES_FILE MACROS_FILE  -> JSON {case: {"out": text} | {"error": msg}} on stdout.
"""
import json
import sys
from decimal import Decimal

import jinja2
import jinja2.ext
import jinja2.nodes
import jinja2.sandbox


class TestTag(jinja2.ext.Extension):
    tags = {"test"}

    def parse(self, parser):
        node = jinja2.nodes.Macro(lineno=next(parser.stream).lineno)
        node.name = "test_" + parser.parse_assign_target(name_only=True).name
        parser.parse_signature(node)
        node.body = parser.parse_statements(("name:endtest",), drop_needle=True)
        return node


class MacroReturn(Exception):
    def __init__(self, value):
        super().__init__()
        self.value = value


def do_return(value):
    raise MacroReturn(value)


def read_sections(path):
    sections, name, lines = [], None, []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if line.startswith("=== "):
                if name is not None:
                    sections.append((name, "\n".join(lines)))
                name, lines = line[4:].strip(), []
            elif name is not None:
                lines.append(line)
    if name is not None:
        sections.append((name, "\n".join(lines)))
    return sections


class Relation:
    def __init__(self, schema, identifier):
        self.schema = schema
        self.identifier = identifier

    def __str__(self):
        return f'"{self.schema}"."{self.identifier}"'


class Adapter:
    def __init__(self, env, adapter_type):
        self.env = env
        self.adapter_type = adapter_type

    def dispatch(self, name, package=None):
        for candidate in (f"{self.adapter_type}__{name}", f"default__{name}"):
            if candidate in self.env.globals:
                return self.env.globals[candidate]
        raise Exception(f"no dispatch candidate for {name}")


def make_env():
    env = jinja2.sandbox.SandboxedEnvironment(
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols", TestTag],
        undefined=jinja2.StrictUndefined,
    )
    project_vars = {"start_date": "2020-01-01", "limit": 100}
    calls = []

    def ref(name, version=None):
        return f'"main"."{name}"'

    def source(source_name, table_name):
        return f'"raw_{source_name}"."{table_name}"'

    def var(name, default=None):
        return project_vars.get(name, default)

    def config(**kwargs):
        calls.append(kwargs)
        return ""

    def env_var(name, default=None):
        return default if default is not None else ""

    def dbt_zip(*args, default=None):
        # dbt's context member zip(): Python's zip, or the default when an argument is not iterable
        try:
            return zip(*args)
        except TypeError:
            return default

    env.globals.update(
        {
            "return": do_return,
            "n": 42,
            "price": 19.99,
            "amount_dec": Decimal("2.675"),
            "name": "orders",
            "cols": ["id", "amount", "status"],
            "cfg": {"materialized": "table", "tags": ["nightly", "finance"], "enabled": True},
            "flag": True,
            "empty": [],
            "nothing": None,
            "target": {"name": "dev", "schema": "main", "type": "duckdb"},
            "ref": ref,
            "source": source,
            "var": var,
            "config": config,
            "env_var": env_var,
            "is_incremental": lambda: False,
            "zip": dbt_zip,
            "this": Relation("main", "my_model"),
        }
    )
    env.globals["adapter"] = Adapter(env, "duckdb")
    # dbt's text-mode versions of its native filters are the identity
    env.filters.update({f: (lambda x: x) for f in ("as_bool", "as_native", "as_number", "as_text")})
    return env


def wrap(macro):
    def call(*args, **kwargs):
        try:
            return macro(*args, **kwargs)
        except MacroReturn as e:
            return e.value

    return call


def main():
    cases_path, macros_path = sys.argv[1], sys.argv[2]
    env = make_env()
    for _, text in read_sections(macros_path):
        module = env.from_string(text).module
        for attr in dir(module):
            value = getattr(module, attr)
            if isinstance(value, jinja2.runtime.Macro):
                env.globals[attr] = wrap(value)
    results = {}
    for name, text in read_sections(cases_path):
        try:
            results[name] = {"out": env.from_string(text).render()}
        except Exception as e:  # noqa: BLE001 - reported to the C# side
            results[name] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()

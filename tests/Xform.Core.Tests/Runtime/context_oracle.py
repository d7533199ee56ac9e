"""Renders the dbt-context corpus with Python's Jinja2 and the context dbt-core builds (context/base.py), for the
differential test of xform's Runtime objects: modules.datetime/pytz/re/itertools, fromjson/tojson, fromyaml/toyaml,
local_md5, set/set_strict, run_started_at, invocation_id, dbt_version, flags and target, with fixed values for the
ones that change from run to run (the C# side uses the same).

pytz is not installed on these machines: a small stand-in gives what the corpus uses of it (utc, timezone(name),
localize, normalize, zone) on the standard library's zoneinfo, which agrees with pytz away from ambiguous times.
Usage: python3 context_oracle.py CASES_FILE -> JSON {case: {"out": text} | {"error": msg}} on stdout.
"""
import argparse
import datetime
import hashlib
import itertools
import json
import os
import re
import sys
import zoneinfo

import jinja2
import jinja2.ext
import jinja2.sandbox
import yaml

# The corpus format (=== name, then the text) is the Jinja corpus's: one reader, in the oracle next door.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Templating"))
from jinja_oracle import read_sections  # noqa: E402


class _Utc(datetime.tzinfo):
    zone = "UTC"

    def utcoffset(self, dt):
        return datetime.timedelta(0)

    def tzname(self, dt):
        return "UTC"

    def dst(self, dt):
        return datetime.timedelta(0)

    def localize(self, dt, is_dst=False):
        if dt.tzinfo is not None:
            raise ValueError("Not naive datetime (tzinfo is already set)")
        return dt.replace(tzinfo=self)

    def normalize(self, dt):
        return dt.astimezone(self)

    def __str__(self):
        return "UTC"


class _Zone(zoneinfo.ZoneInfo):
    @property
    def zone(self):
        return self.key

    def localize(self, dt, is_dst=False):
        if dt.tzinfo is not None:
            raise ValueError("Not naive datetime (tzinfo is already set)")
        return dt.replace(tzinfo=self)

    def normalize(self, dt):
        return dt.astimezone(self)


UTC = _Utc()


def _timezone(zone):
    if zone.upper() == "UTC":
        return UTC
    return _Zone(zone)


PYTZ = {"utc": UTC, "timezone": _timezone}

# dbt-core's context/base.py: get_context_modules(); xform adds datetime.timezone
MODULES = {
    "pytz": PYTZ,
    "datetime": {name: getattr(datetime, name) for name in ["date", "datetime", "time", "timedelta", "tzinfo", "timezone"]},
    "re": {name: getattr(re, name) for name in re.__all__},
    "itertools": {name: getattr(itertools, name) for name in [
        "count", "cycle", "repeat", "accumulate", "chain", "compress", "islice", "starmap", "tee", "zip_longest",
        "product", "permutations", "combinations", "combinations_with_replacement"]},
}


def fromjson(string, default=None):
    try:
        return json.loads(string)
    except ValueError:
        return default


def tojson(value, default=None, sort_keys=False):
    try:
        return json.dumps(value, sort_keys=sort_keys)
    except ValueError:
        return default


def fromyaml(value, default=None):
    try:
        return yaml.safe_load(value)
    except (AttributeError, ValueError, yaml.YAMLError):
        return default


def toyaml(value, default=None, sort_keys=False):
    try:
        return yaml.safe_dump(data=value, sort_keys=sort_keys)
    except (ValueError, yaml.YAMLError):
        return default


def _set(value, default=None):
    try:
        return set(value)
    except TypeError:
        return default


def set_strict(value):
    return set(value)


def local_md5(value):
    return hashlib.md5(value.encode("utf-8")).hexdigest()


def make_env():
    env = jinja2.sandbox.SandboxedEnvironment(
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update({
        "modules": MODULES,
        "fromjson": fromjson,
        "tojson": tojson,
        "fromyaml": fromyaml,
        "toyaml": toyaml,
        "local_md5": local_md5,
        "set": _set,
        "set_strict": set_strict,
        "dbt_version": "1.10.0",
        "invocation_id": "3b0d7a4e-5f7c-4c2e-9a51-0c8d2f1e6b7a",
        "run_started_at": datetime.datetime(2024, 1, 5, 10, 20, 30, 123456, tzinfo=UTC),
        "flags": argparse.Namespace(FULL_REFRESH=False, WHICH="compile", STORE_FAILURES=False, FAIL_FAST=False),
        "target": {"database": "memory", "schema": "main", "path": ":memory:", "type": "duckdb", "threads": 1,
                   "name": "dev", "target_name": "dev", "profile_name": "proj"},
    })
    return env


def main():
    env = make_env()
    results = {}
    for name, text in read_sections(sys.argv[1]):
        try:
            results[name] = {"out": env.from_string(text).render()}
        except Exception as e:  # noqa: BLE001 - reported to the C# side
            results[name] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()

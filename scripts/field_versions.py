#!/usr/bin/env python3
"""Which Substrait release added each proto field and enum value newer than a base release.

Reads the descriptors of every `substrait-protobuf` release on PyPI from BASE (exclusive) to
the newest listed, and writes one tab-separated line per message field or enum value that the
BASE descriptors do not have, with the first release that has it:

    field  substrait.ReadRel  new_field  newField  21  0.90.0
    enum   substrait.JoinRel.JoinType  JOIN_TYPE_X  11  0.95.0

The unknown-field check (producer/src/unknown_fields/) names that release when it refuses a
field. Run by scripts/generate-field-versions.sh; the output is committed, CI does not run it.

Usage: field_versions.py BASE OUT.tsv VERSION...
"""

import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile

# Run in a process of its own per release: protobuf's default descriptor pool holds one
# definition per name, so two releases cannot be imported into one interpreter.
DUMP = r"""
import importlib.util, json, os, sys
root = sys.argv[1]
sys.path.insert(0, root)
modules = []
for dirpath, _, files in os.walk(root):
    for f in files:
        if f.endswith("_pb2.py"):
            rel = os.path.relpath(os.path.join(dirpath, f), root)[:-3]
            modules.append(rel.replace(os.sep, "."))
for name in sorted(modules):
    importlib.import_module(name)
from google.protobuf import descriptor_pool
pool = descriptor_pool.Default()
fields, enums = [], []

def message(m):
    for f in m.fields:
        fields.append([m.full_name, f.name, f.json_name, f.number])
    for nested in m.nested_types:
        message(nested)
    for e in m.enum_types:
        enum(e)

def enum(e):
    for v in e.values:
        enums.append([e.full_name, v.name, v.number])

seen = set()
for name in sorted(modules):
    module = sys.modules[name]
    fd = module.DESCRIPTOR
    if fd.name in seen:
        continue
    seen.add(fd.name)
    for m in fd.message_types_by_name.values():
        message(m)
    for e in fd.enum_types_by_name.values():
        enum(e)
print(json.dumps({"fields": fields, "enums": enums}))
"""


def release(version, work):
    """The fields and enum values of one release, as sets of tuples."""
    wheels = os.path.join(work, "wheels", version)
    os.makedirs(wheels, exist_ok=True)
    if not glob.glob(os.path.join(wheels, "*.whl")):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             f"substrait-protobuf=={version}", "-d", wheels],
            check=True,
        )
    wheel = glob.glob(os.path.join(wheels, "*.whl"))[0]
    root = os.path.join(work, "unpacked", version)
    if not os.path.isdir(root):
        zipfile.ZipFile(wheel).extractall(root)
    out = subprocess.run(
        [sys.executable, "-c", DUMP, root], check=True, capture_output=True, text=True
    ).stdout
    data = json.loads(out)
    fields = {(m, name, json_name, number) for m, name, json_name, number in data["fields"]}
    enums = {(e, name, number) for e, name, number in data["enums"]}
    return fields, enums


def main():
    base, out, versions = sys.argv[1], sys.argv[2], sys.argv[3:]
    work = os.environ.get("FIELD_VERSIONS_WORK") or tempfile.mkdtemp()
    known_fields, known_enums = release(base, work)
    lines = []
    for version in versions:
        fields, enums = release(version, work)
        for m, name, json_name, number in sorted(fields - known_fields):
            lines.append(f"field\t{m}\t{name}\t{json_name}\t{number}\t{version}")
        for e, name, number in sorted(enums - known_enums):
            lines.append(f"enum\t{e}\t{name}\t\t{number}\t{version}")
        known_fields |= fields
        known_enums |= enums
        print(f"{version}: {len(lines)} newer fields and values so far", file=sys.stderr)
    with open(out + ".tmp", "w") as f:
        f.write(f"# Substrait proto fields and enum values newer than {base}, with the first\n")
        f.write("# release that has them. Written by scripts/generate-field-versions.sh.\n")
        for line in lines:
            f.write(line + "\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()

"""Every plan through substrait-validator 0.1.4 (PyPI; it validates spec 0.57.1, resolves no
extension YAMLs here and does not yet match function calls with their definitions), so the
manifest can say which plans break the spec's structural rules.

Usage: python validate.py OUT_DIR
Writes $FOREIGN_PLANS_WORK/validator.json: {"<producer folder>/<set>/<name>": {"result": -1|0|1,
"errors": [distinct error messages]}} (result: -1 invalid, 0 could not decide, 1 valid).
"""

import glob
import json
import os
import sys

import substrait_validator as sv


def main():
    out_root = sys.argv[1]
    work = os.environ.get("FOREIGN_PLANS_WORK", "/var/tmp/switchyard-foreign-plans-work")
    os.makedirs(work, exist_ok=True)
    results = {}
    for path in sorted(glob.glob(os.path.join(out_root, "*", "*", "*.plan.pb"))):
        key = os.path.relpath(path, out_root)[: -len(".plan.pb")]
        with open(path, "rb") as f:
            data = f.read()
        config = sv.Config()
        config.set_max_uri_resolution_depth(0)
        errors = []
        try:
            for diagnostic in sv.plan_to_diagnostics(data, config):
                if diagnostic.adjusted_level >= 3 and diagnostic.msg not in errors:
                    errors.append(diagnostic.msg)
        except Exception as error:  # deep plans overflow the Python protobuf decoder's depth
            errors.append(f"(diagnostics not readable: {type(error).__name__}: {error})")
        try:
            result = sv.check_plan(data, config)
        except Exception as error:
            result = None
            errors.append(f"(check_plan failed: {type(error).__name__}: {error})")
        results[key] = {"result": result, "errors": errors}
    with open(os.path.join(work, "validator.json"), "w") as f:
        json.dump(results, f, indent=1)
    invalid = sum(r["result"] is not None and r["result"] < 0 for r in results.values())
    print(f"substrait-validator {sv.version()}: {len(results)} plans, {invalid} invalid", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Writes status.json for scripts/gpu-check from what its report folder holds so far.

    status.py REPORT_DIR DRY(0|1) STAGE_REACHED EXIT_CODE("" while running)

Reads stages.tsv (one row a stage: name, result, exit, seconds, limit, log), versions.tsv
(key, value), the test binaries' GoogleTest JSON, bench.json and ptxas.json, whichever exist: called after
every stage and on exit, it never fails on a missing or half-written file, and it needs no
torch (plain Python 3). docs/BENCHMARKS.md, "First run on a GPU", explains the fields.
"""
import json
import os
import sys

TEST_REPORTS = ("cuda-tests", "mwb_model_tests", "mwb_step_tests")  # stage names


def rows(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n").split("\t") for line in f if line.strip()]
    except OSError:
        return []


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def as_int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def stages(report):
    out = {}
    for row in rows(os.path.join(report, "stages.tsv")):
        row += [""] * (6 - len(row))
        name, result, code, seconds, limit, log = row[:6]
        out[name] = {"result": result, "exit": as_int(code), "seconds": as_int(seconds),
                     "limit_s": as_int(limit), "log": log or None}
    return out


def tests(report):
    """Counts over the test stages, and the names of the failed and skipped tests."""
    counts = {"tests": 0, "failures": 0, "disabled": 0, "errors": 0}
    failed, skipped, ran = [], [], []
    for stage in TEST_REPORTS:
        data = load_json(os.path.join(report, stage + ".json"))
        if not data:
            continue
        ran.append(stage)
        for key in counts:
            counts[key] += data.get(key, 0)
        for suite in data.get("testsuites", []):
            for t in suite.get("testsuite", []):
                name = f'{suite.get("name")}.{t.get("name")}'
                if t.get("failures"):
                    failed.append(name)
                elif t.get("result") == "SKIPPED":
                    skipped.append(name)
    return dict(counts, stages=ran, skipped=len(skipped), failed_tests=failed,
                skipped_tests=skipped)


def main():
    report, dry, reached, code = sys.argv[1:5]
    per_stage = stages(report)
    exit_code = as_int(code)
    status = {
        "mode": "dry-run" if dry == "1" else "gpu",
        "finished": exit_code is not None,
        "exit_code": exit_code,
        "passed": exit_code == 0,
        "stage_reached": reached,
        "stages": per_stage,
        "failed_stages": [n for n, s in per_stage.items() if s["result"] != "pass"],
        "versions": {r[0]: (r[1] if len(r) > 1 else "") for r in rows(os.path.join(report, "versions.tsv"))},
        "tests": tests(report),
        "bench": load_json(os.path.join(report, "bench.json")),
        "ptxas": load_json(os.path.join(report, "ptxas.json")),  # the scan kernels' registers
    }
    path = os.path.join(report, "status.json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(status, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)  # a reader never sees half a file


if __name__ == "__main__":
    main()

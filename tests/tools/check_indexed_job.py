"""Reads the Kubernetes manifest of docs/sweeps.md with PyYAML and checks that it is an Indexed
Job whose pods each run one shard: `--shard "$JOB_COMPLETION_INDEX/N"` with N its completions,
and a results file of their own. Prints what it checked; fails on the first mismatch.

usage: check_indexed_job.py MANIFEST.yaml"""

import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as handle:
    job = yaml.safe_load(handle)

assert job["apiVersion"] == "batch/v1", job["apiVersion"]
assert job["kind"] == "Job", job["kind"]
spec = job["spec"]
assert spec["completionMode"] == "Indexed", spec["completionMode"]
shards = spec["completions"]
assert isinstance(shards, int) and shards > 0, shards
assert spec["template"]["spec"]["restartPolicy"] in ("Never", "OnFailure")
(container,) = spec["template"]["spec"]["containers"]
command = " ".join(container["command"] + container["args"])
assert command.startswith("sh -c redscreen sweep "), command
assert f'--shard "$JOB_COMPLETION_INDEX/{shards}"' in command, command
assert "$JOB_COMPLETION_INDEX.jsonl" in command, "each shard writes its own results"
print(f"an Indexed Job of {shards} shards: {command}")

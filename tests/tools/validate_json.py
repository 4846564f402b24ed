"""Validates JSON files against a JSON Schema with the `jsonschema` package (the reference
Python implementation), formats checked too; prints every error and fails if there is one.

usage: validate_json.py SCHEMA FILE..."""

import json
import sys

import jsonschema

schema_path, *files = sys.argv[1:]
with open(schema_path, encoding="utf-8") as handle:
    schema = json.load(handle)
validator_class = jsonschema.validators.validator_for(schema)
validator_class.check_schema(schema)
validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
errors = 0
for path in files:
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    for error in validator.iter_errors(document):
        where = "/".join(str(part) for part in error.absolute_path)
        print(f"{path}: {where}: {error.message}")
        errors += 1
    print(f"{path}: checked against {schema.get('title', schema_path)}")
sys.exit(1 if errors else 0)

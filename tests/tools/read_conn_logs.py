"""Reads every conn.log of a redscreen case export with parsezeeklogs, an independent Zeek log
reader, and prints each connection; fails if a log does not parse or a field has the wrong type."""

import ipaddress
import pathlib
import sys

from parsezeeklogs import read_zeek

root = pathlib.Path(sys.argv[1])
logs = sorted(root.glob("*/flows/conn.log"))
if not logs:
    sys.exit(f"no conn.log under {root}")
count = 0
for log in logs:
    for record in read_zeek(str(log)):
        ipaddress.ip_address(record["id.orig_h"])
        ipaddress.ip_address(record["id.resp_h"])
        assert isinstance(record["id.resp_p"], int), record
        assert isinstance(record["orig_bytes"], int), record
        assert record["uid"].startswith("C"), record
        print(f'{log.parent.parent.name} {record["id.orig_h"]} -> {record["id.resp_h"]}:{record["id.resp_p"]}')
        count += 1
print(f"{count} connections in {len(logs)} logs")

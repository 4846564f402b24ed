"""Reads every EVTX log of a redscreen case export with python-evtx, an independent EVTX
parser: checks the file header's, every chunk's and every record's own checks, renders each
record as XML, and prints one JSON line per event (id, time, computer, channel, record id and
data) for the test to compare with what redscreen wrote. Fails if anything does not parse."""

import json
import pathlib
import sys
import xml.etree.ElementTree as ElementTree

import Evtx.Evtx as evtx

NAMESPACE = {"e": "http://schemas.microsoft.com/win/2004/08/events/event"}

root = pathlib.Path(sys.argv[1])
logs = sorted(root.glob("*/logs/*.evtx"))
if not logs:
    sys.exit(f"no .evtx under {root}")
for path in logs:
    with evtx.Evtx(str(path)) as log:
        header = log.get_file_header()
        assert header.verify(), f"{path}: the file header does not verify"
        for chunk in header.chunks():
            assert chunk.verify(), f"{path}: a chunk's checksums do not verify"
            for record in chunk.records():
                assert record.verify(), f"{path}: record {record.record_num()} does not verify"
                event = ElementTree.fromstring(record.xml())
                system = event.find("e:System", NAMESPACE)
                data = {
                    item.get("Name"): item.text or ""
                    for item in event.findall("e:EventData/e:Data", NAMESPACE)
                }
                print(json.dumps({
                    "file": str(path.relative_to(root)),
                    "EventID": int(system.find("e:EventID", NAMESPACE).text),
                    "SystemTime": system.find("e:TimeCreated", NAMESPACE).get("SystemTime"),
                    "EventRecordID": int(system.find("e:EventRecordID", NAMESPACE).text),
                    "Computer": system.find("e:Computer", NAMESPACE).text,
                    "Channel": system.find("e:Channel", NAMESPACE).text,
                    "Provider": system.find("e:Provider", NAMESPACE).get("Name"),
                    "EventData": data,
                }, sort_keys=True))

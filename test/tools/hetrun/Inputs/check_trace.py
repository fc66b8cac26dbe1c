# Checks a hetrun --trace file: valid trace-event JSON with one named track per device, and says which dispatches
# ran on which track and whether the first two overlapped in time. Prints what it saw, for FileCheck.
import json
import sys

trace = json.load(open(sys.argv[1]))
events = trace["traceEvents"]
tracks = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
dispatches = sorted((e for e in events if e["ph"] == "X"), key=lambda e: e["args"]["dispatch"])
print("tracks", " ".join(tracks[tid] for tid in sorted(tracks)))
print("busy tracks", " ".join(sorted({tracks[e["tid"]] for e in dispatches})))
for e in dispatches:
    assert e["dur"] > 0 and e["ts"] >= 0, e
    print("dispatch", e["args"]["dispatch"], e["name"], "on", tracks[e["tid"]])
a, b = dispatches[0], dispatches[1]
overlap = a["ts"] < b["ts"] + b["dur"] and b["ts"] < a["ts"] + a["dur"]
print("dispatches 0 and 1", "overlap" if overlap else "do not overlap",
      "on", "different tracks" if a["tid"] != b["tid"] else "one track")

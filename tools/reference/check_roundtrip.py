#!/usr/bin/python3
"""Checks the grukit -> PyTorch direction of the safetensors round trip.

Usage: check_roundtrip.py WEIGHTS.safetensors IO.safetensors
Loads weights written by grukit into torch.nn.GRU(4, 6, num_layers=2, bidirectional=True, batch_first=True)
(strict load_state_dict: every name and shape must match), runs the inputs of IO and prints the max
difference from the outputs stored there. Exits non-zero if it exceeds 1e-6.
"""
import json
import struct
import sys

import numpy as np
import torch


def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", v
        b, e = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[b:e], dtype="<f4").copy()).reshape(v["shape"])
    return out


weights, io = load(sys.argv[1]), load(sys.argv[2])
gru = torch.nn.GRU(4, 6, num_layers=2, bidirectional=True, batch_first=True)
gru.load_state_dict(weights, strict=True)
with torch.no_grad():
    out, hn = gru(io["x"])
d = max((out - io["output"]).abs().max().item(), (hn - io["h_n"]).abs().max().item())
print(json.dumps({"tensors": len(weights), "max_abs_diff": d}))
sys.exit(0 if d <= 1e-6 else 1)

#!/usr/bin/python3
"""MFCC throughput: grukit against torchaudio on the same generated 16 kHz signal, in one run.

Usage (after `mvn -q -B -DskipTests package`): /usr/bin/python3 tools/bench/features_vs_torchaudio.py [seconds]
grukit: `./grukit bench features` (Kaldi preset and torchaudio preset, single-threaded). torchaudio:
compliance.kaldi.mfcc (samples x 32768, dither 0) and transforms.MFCC, with torch.set_num_threads(1).
"""
import json
import math
import os
import subprocess
import sys
import time

import torch
import torchaudio
import torchaudio.compliance.kaldi as kaldi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 3600
torch.set_num_threads(1)
out = subprocess.run([os.path.join(ROOT, "grukit"), "bench", "features", "--seconds", str(seconds)],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True).stdout
g = json.loads(out.strip().splitlines()[-1])
rate = 16000
i = torch.arange(rate * seconds, dtype=torch.float64)
x = (0.1 * torch.randn(rate * seconds, dtype=torch.float64) + 0.3 * torch.sin(i * 0.05)).float()
kaldi.mfcc(x[: rate * 10].unsqueeze(0) * 32768, sample_frequency=rate, dither=0.0)  # warm-up, as grukit's
transform = torchaudio.transforms.MFCC(sample_rate=rate)
transform(x[: rate * 10].unsqueeze(0))
t0 = time.perf_counter()
kf = kaldi.mfcc(x.unsqueeze(0) * 32768, sample_frequency=rate, dither=0.0)
t1 = time.perf_counter()
tf = transform(x.unsqueeze(0))
t2 = time.perf_counter()
row = {"seconds_of_audio": seconds, "grukit_kaldi_s": g["kaldi_s"], "torchaudio_kaldi_s": round(t1 - t0, 3),
       "kaldi_ratio": round((t1 - t0) / g["kaldi_s"], 2), "grukit_torchaudio_preset_s": g["torchaudio_s"],
       "torchaudio_transforms_s": round(t2 - t1, 3), "torchaudio_ratio": round((t2 - t1) / g["torchaudio_s"], 2),
       "frames": [g["kaldi_frames"], kf.shape[0], g["torchaudio_frames"], tf.shape[-1]]}
print(json.dumps(row))

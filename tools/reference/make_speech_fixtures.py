#!/usr/bin/python3
"""Writes the torchaudio reference fixtures for the speech-features tests.

Run with Debian's packages (python3-torch, python3-torchaudio): /usr/bin/python3 tools/reference/make_speech_fixtures.py
Kaldi preset: torchaudio.compliance.kaldi.fbank / .mfcc on samples at 16-bit scale (x 32768), dither 0,
with Kaldi's defaults and a few options changed. Inputs: real recordings from ../shared/data/speech (the
tests read the same files, so only the features are stored) and generated signals at 16 kHz and
44.1 kHz (stored with their samples).
"""
import math
import os
import sys

import torch
import torchaudio
import torchaudio.compliance.kaldi as kaldi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import save  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "speech-features", "src", "test", "resources", "fixtures")
SHARED = os.path.join(HERE, "..", "..", "..", "shared", "data", "speech")


def kaldi_set(wave, sr):
    """The features of one signal (samples in [-1, 1]) under several option sets."""
    x = wave.unsqueeze(0) * 32768
    return {
        "fbank": kaldi.fbank(x, sample_frequency=sr, dither=0.0),
        "fbank_energy_hamming_40": kaldi.fbank(x, sample_frequency=sr, dither=0.0, use_energy=True,
                                               window_type="hamming", num_mel_bins=40),
        "fbank_no_snip": kaldi.fbank(x, sample_frequency=sr, dither=0.0, snip_edges=False),
        "mfcc": kaldi.mfcc(x, sample_frequency=sr, dither=0.0),
        "mfcc_energy": kaldi.mfcc(x, sample_frequency=sr, dither=0.0, use_energy=True),
    }


def torchaudio_set(wave, sr):
    """torchaudio.transforms defaults, and a Slaney-scale, Slaney-normalised mel spectrogram."""
    x = wave.unsqueeze(0)
    return {
        "ta_mel": torchaudio.transforms.MelSpectrogram(sample_rate=sr)(x)[0].t(),
        "ta_mel_slaney_40": torchaudio.transforms.MelSpectrogram(sample_rate=sr, n_mels=40, norm="slaney",
                                                                 mel_scale="slaney")(x)[0].t(),
        "ta_mfcc": torchaudio.transforms.MFCC(sample_rate=sr)(x)[0].t(),
    }


def main():
    real = {"fsdd_0_george_0": os.path.join(SHARED, "fsdd", "recordings", "0_george_0.wav"),
            "fsdd_7_jackson_12": os.path.join(SHARED, "fsdd", "recordings", "7_jackson_12.wav"),
            "yesno_0_0_0_1_0_0_0_1": os.path.join(SHARED, "yesno", "waves_yesno", "0_0_0_1_0_0_0_1.wav")}
    for name, path in real.items():
        wave, sr = torchaudio.load(path)
        feats = kaldi_set(wave[0], sr)
        feats.update(torchaudio_set(wave[0], sr))
        save("kaldi_" + name, feats, {"file": os.path.relpath(path, SHARED), "sample_rate": sr}, out=OUT)
    g = torch.Generator().manual_seed(5)
    for sr, secs in [(16000, 1.0), (44100, 0.5)]:
        t = torch.arange(int(sr * secs)) / sr
        chirp = 0.4 * torch.sin(2 * math.pi * (200 + 1500 * t) * t) + 0.05 * torch.randn(t.shape, generator=g)
        wave = (torch.round(chirp * 32767) / 32768).float()  # representable in 16 bits, as a WAV would hold it
        feats = kaldi_set(wave, sr)
        feats.update(torchaudio_set(wave, sr))
        feats["samples"] = wave
        feats["deltas"] = torchaudio.functional.compute_deltas(feats["mfcc"].t(), win_length=5).t()
        # Kaldi's apply-cmvn-sliding as torchaudio ports it, in float64 (Kaldi keeps its sums in double); a short
        # window so the window slides, clamps at both ends and starts with the minimum window.
        for center in (False, True):
            for norm_vars in (False, True):
                feats["sliding_%s_%s" % ("center" if center else "left", "mv" if norm_vars else "m")] = \
                    torchaudio.functional.sliding_window_cmn(feats["mfcc"].double(), cmn_window=30, min_cmn_window=10,
                                                             center=center, norm_vars=norm_vars).float()
        feats["sliding_default"] = torchaudio.functional.sliding_window_cmn(feats["mfcc"].double()).float()
        for target in [8000, 22050]:
            feats["resampled_%d" % target] = torchaudio.functional.resample(wave, sr, target)
        save("kaldi_chirp_%d" % sr, feats, {"sample_rate": sr}, out=OUT)


if __name__ == "__main__":
    sys.exit(main())

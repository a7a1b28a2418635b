#!/usr/bin/env bash
# The audio format fixtures: one made-up source (0.6 s at 16 kHz, a rising tone with a second partial and a little
# noise, made by sox itself, so no recording is copied), encoded by sox as FLAC, MP3, Ogg Vorbis, mu-law and A-law
# WAV, and each encoded file decoded back by sox to a 32-bit float WAV: the reference grukit's decoders are compared
# with (AudioFilesTest). Needs sox with its format libraries (Debian: sox libsox-fmt-all).
#
#   tools/reference/make_audio_formats.sh [OUT]     (default speech-features/src/test/resources/org/grukit/speech/formats)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-speech-features/src/test/resources/org/grukit/speech/formats}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sox -n -r 16000 -b 16 -c 1 "$tmp/tone.wav" synth 0.6 sine 220-1760 vol 0.5
sox -n -r 16000 -b 16 -c 1 "$tmp/partial.wav" synth 0.6 sine 3000 vol 0.1
sox -n -r 16000 -b 16 -c 1 "$tmp/noise.wav" synth 0.6 whitenoise vol 0.02
sox -m "$tmp/tone.wav" "$tmp/partial.wav" "$tmp/noise.wav" -b 16 "$out/source.wav"
sox "$out/source.wav" "$out/source.flac"
sox "$out/source.wav" "$out/stereo.flac" remix 1 1v0.5
sox "$out/source.wav" -C 128 "$out/source.mp3"
sox "$out/source.wav" -C 5 "$out/source.ogg"
sox "$out/source.wav" -e mu-law -b 8 "$out/mulaw.wav"
sox "$out/source.wav" -e a-law -b 8 "$out/alaw.wav"
for f in source.flac stereo.flac source.mp3 source.ogg mulaw.wav alaw.wav; do
  sox "$out/$f" -e floating-point -b 32 "$out/${f//./-}.decoded.wav"
done
ls -l "$out"

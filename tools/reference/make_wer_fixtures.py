#!/usr/bin/python3
"""Writes WER/CER fixtures for grukit's ErrorRate from an independent edit distance: python-Levenshtein
(apt-get install python3-levenshtein), words mapped to single characters as jiwer does.

Run: /usr/bin/python3 tools/reference/make_wer_fixtures.py   (CI never runs this)
"""
import json
import os
import random

import Levenshtein

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nlp-tasks", "src", "test", "resources",
                   "fixtures", "error_rates.json")


def as_chars(ref_tokens, hyp_tokens):
    table = {}
    for t in ref_tokens + hyp_tokens:
        table.setdefault(t, chr(0x4E00 + len(table)))
    return "".join(table[t] for t in ref_tokens), "".join(table[t] for t in hyp_tokens)


def norm_chars(s):
    return list(" ".join(s.split()))


def main():
    rng = random.Random(7)
    words = "zero one two three four five six seven eight nine oh yes no".split()
    pairs = [
        ("the cat sat on the mat", "the cat sat on mat"),
        ("the cat sat on the mat", "a cat sat on the mat today"),
        ("one two three", "three two one"),
        ("", ""),
        ("yes no yes", ""),
        ("  spaced   out words ", "spaced out  words"),
        ("café naïve", "cafe naive"),
        ("seven", "seven"),
    ]
    for _ in range(60):
        ref = [rng.choice(words) for _ in range(rng.randint(1, 9))]
        hyp = list(ref)
        for _ in range(rng.randint(0, 4)):
            op = rng.random()
            if op < 0.33 and hyp:
                hyp[rng.randrange(len(hyp))] = rng.choice(words)
            elif op < 0.66 and hyp:
                del hyp[rng.randrange(len(hyp))]
            else:
                hyp.insert(rng.randint(0, len(hyp)), rng.choice(words))
        pairs.append((" ".join(ref), " ".join(hyp)))
    cases = []
    for ref, hyp in pairs:
        r, h = as_chars(ref.split(), hyp.split())
        cr, ch = "".join(norm_chars(ref)), "".join(norm_chars(hyp))
        cases.append({"reference": ref, "hypothesis": hyp,
                      "word_edits": Levenshtein.distance(r, h), "ref_words": len(ref.split()),
                      "char_edits": Levenshtein.distance(cr, ch), "ref_chars": len(cr)})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"source": "python-Levenshtein " + getattr(Levenshtein, "__version__", "?"), "cases": cases}, f,
                  ensure_ascii=False, indent=1)
    print("wrote", len(cases), "cases to", os.path.relpath(OUT))


if __name__ == "__main__":
    main()

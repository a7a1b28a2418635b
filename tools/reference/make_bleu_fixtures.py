#!/usr/bin/env python3
"""Expected sacreBLEU scores for grukit's BLEU and chrF (nlp-tasks/src/test/resources/fixtures/bleu.json).

The texts are made here from a seeded grammar (numbers with dots and dashes, HTML entities, quotes, case
changes, dropped and swapped words, empty outputs, one and two reference streams), not taken from a dataset.
Scores: sacrebleu.corpus_bleu (13a tokenisation, exp smoothing) and sacrebleu.corpus_chrf (character order 6,
beta 2, whitespace ignored), sacreBLEU's defaults; and the 13a tokenisation of every line.

Usage: python3 tools/reference/make_bleu_fixtures.py   (needs the sacrebleu package on the Python path)
"""
import json
import os
import random

import sacrebleu
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nlp-tasks", "src", "test", "resources",
                   "fixtures", "bleu.json")
WORDS = ["a", "man", "woman", "dog", "runs", "through", "the", "park", "with", "red", "ball", "two", "children", "play",
         "near", "water", "while", "sun", "sets", "quickly", "Berlin", "cafe", "street", "music", "band", "plays"]
EXTRAS = ["3.5", "1,000", "2-3", "&amp;", "&quot;hello&quot;", "(yes)", "it's", "e-mail", "$20", "50%", "U.S.", "--", "?", "!"]


def sentence(rng):
    n = rng.randint(3, 14)
    words = [rng.choice(WORDS) for _ in range(n)]
    for _ in range(rng.randint(0, 2)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(EXTRAS))
    s = " ".join(words)
    s = s[0].upper() + s[1:]
    return s + rng.choice([".", ".", " .", "!", "?", ""]).strip() if rng.random() < 0.9 else s


def perturb(rng, s):
    w = s.split()
    for _ in range(rng.randint(0, 3)):
        k = rng.randrange(4)
        if k == 0 and len(w) > 1:
            del w[rng.randrange(len(w))]
        elif k == 1 and len(w) > 1:
            i, j = rng.randrange(len(w)), rng.randrange(len(w))
            w[i], w[j] = w[j], w[i]
        elif k == 2:
            w[rng.randrange(len(w))] = rng.choice(WORDS)
        else:
            w[rng.randrange(len(w))] = w[rng.randrange(len(w))].lower()
    return " ".join(w) if rng.random() > 0.03 else ""


def main():
    rng = random.Random(11)
    tok = Tokenizer13a()
    cases = []
    for name, size, streams in [("one-ref", 200, 1), ("two-refs", 120, 2), ("short", 6, 1)]:
        refs = [[sentence(rng) for _ in range(size)]]
        for _ in range(streams - 1):
            refs.append([perturb(rng, r) or r for r in refs[0]])
        hyps = [perturb(rng, r) for r in refs[0]]
        if name == "short":
            hyps = [" ".join(h.split()[:2]) for h in hyps]  # fewer than 4 words: 3- and 4-grams run out
        b = sacrebleu.corpus_bleu(hyps, refs)
        c = sacrebleu.corpus_chrf(hyps, [refs[0]])
        cases.append({"name": name, "hyps": hyps, "refs": refs, "bleu": b.score, "precisions": b.precisions, "bp": b.bp,
                      "sys_len": b.sys_len, "ref_len": b.ref_len, "chrf": c.score})
    lines = sorted({x for c in cases for x in c["hyps"] + [r for s in c["refs"] for r in s]})
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"cases": cases, "tokenised_13a": {x: tok(x) for x in lines}}, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()

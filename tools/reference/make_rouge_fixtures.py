#!/usr/bin/python3
"""Writes fixtures for grukit's ROUGE tooling from NLTK (apt-get install python3-nltk), CI never runs this.

- porter_stems.tsv: word -> NLTK PorterStemmer() stem (its default NLTK_EXTENSIONS mode, which Google's
  rouge-score uses): every word where that mode differs from Porter's C version (MARTIN_EXTENSIONS, what Apache
  OpenNLP implements), and a seeded sample of the others, from the words of Multi30k and AESLC.

- rouge.json: ROUGE-1/2/L precision, recall and F1 by a separate Python implementation of rouge-score's
  definitions (tokenise: lower, [^a-z0-9]+ to space, split, stem tokens longer than 3; clipped n-gram overlap;
  LCS; best F1 over several references), with and without stemming, on AESLC dev emails (first 12 words of the
  body as the prediction, the subject and the annotators' subjects as references) and a few edge cases.

Run: /usr/bin/python3 tools/reference/make_rouge_fixtures.py [../shared/data]
"""
import collections
import glob
import json
import os
import random
import re
import sys

from nltk.stem import porter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "nlp-tasks", "src", "test", "resources", "fixtures")


def words(data):
    files = [os.path.join(data, "translation", "multi30k", "train.en")]
    files += glob.glob(os.path.join(data, "summarization", "aeslc", "enron_subject_line", "dev", "*"))
    seen = set()
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for w in re.split(r"[^a-z0-9]+", fh.read().lower()):
                if len(w) > 3:
                    seen.add(w)
    return sorted(seen)


def tokenize(text, stemmer):
    tokens = re.split(r"\s+", re.sub(r"[^a-z0-9]+", " ", text.lower()))
    if stemmer:
        tokens = [stemmer.stem(t) if len(t) > 3 else t for t in tokens]
    return [t for t in tokens if re.match(r"^[a-z0-9]+$", t)]


def prf(overlap, pred, ref):
    p = overlap / max(pred, 1)
    r = overlap / max(ref, 1)
    return [p, r, 2 * p * r / (p + r) if p + r > 0 else 0.0]


def ngram_score(ref, pred, n):
    rc = collections.Counter(tuple(ref[i:i + n]) for i in range(len(ref) - n + 1))
    pc = collections.Counter(tuple(pred[i:i + n]) for i in range(len(pred) - n + 1))
    return prf(sum((rc & pc).values()), sum(pc.values()), sum(rc.values()))


def lcs(a, b):
    t = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            t[i][j] = t[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(t[i - 1][j], t[i][j - 1])
    return t[-1][-1]


def rouge(refs, pred, stemmer):
    best = {}
    p = tokenize(pred, stemmer)
    for ref in refs:
        r = tokenize(ref, stemmer)
        s = {"rouge1": ngram_score(r, p, 1), "rouge2": ngram_score(r, p, 2), "rougeL": prf(lcs(r, p), len(p), len(r))}
        for k, v in s.items():
            if k not in best or v[2] > best[k][2]:
                best[k] = v
    return best


def aeslc_cases(data, limit=150):
    cases = []
    for f in sorted(glob.glob(os.path.join(data, "summarization", "aeslc", "enron_subject_line", "dev", "*")))[:limit]:
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        body, _, rest = text.partition("@subject")
        lines = [l.strip() for l in rest.split("\n")]
        refs, i = [], 0
        while i < len(lines):
            if lines[i] and not lines[i].startswith("@"):
                refs.append(lines[i])
            i += 1
        pred = " ".join(body.split()[:12])
        cases.append({"references": refs, "prediction": pred})
    return cases


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")
    nltk_mode, martin = porter.PorterStemmer(), porter.PorterStemmer(porter.PorterStemmer.MARTIN_EXTENSIONS)
    ws = words(data)
    differ = [w for w in ws if nltk_mode.stem(w) != martin.stem(w)]
    rest = [w for w in ws if nltk_mode.stem(w) == martin.stem(w)]
    sample = sorted(set(differ) | set(random.Random(3).sample(rest, 2000)) | {"sky", "skies", "dying", "news", "ties", "cried", "by"})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "porter_stems.tsv"), "w", encoding="utf-8") as f:
        for w in sample:
            f.write(w + "\t" + nltk_mode.stem(w) + "\n")
    print("wrote", len(sample), "stems,", len(differ), "of them where NLTK's mode differs from Porter's C version")
    cases = aeslc_cases(data) + [
        {"references": ["The cats are running quickly"], "prediction": "the cat runs quick"},
        {"references": ["a b c d"], "prediction": ""},
        {"references": [""], "prediction": "anything at all"},
        {"references": ["Meeting on Friday!!", "friday meeting"], "prediction": "Re: meeting, friday 3pm"},
        {"references": ["the the the cat"], "prediction": "the the cat the the"},
    ]
    for c in cases:
        c["stemmed"] = rouge(c["references"], c["prediction"], nltk_mode)
        c["plain"] = rouge(c["references"], c["prediction"], None)
    with open(os.path.join(OUT, "rouge.json"), "w", encoding="utf-8") as f:
        json.dump({"cases": cases}, f, ensure_ascii=False, indent=0)
    print("wrote", len(cases), "ROUGE cases")


if __name__ == "__main__":
    main()

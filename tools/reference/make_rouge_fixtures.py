#!/usr/bin/python3
"""Writes fixtures for grukit's ROUGE tooling from NLTK (apt-get install python3-nltk), CI never runs this.

- porter_stems.tsv: word -> NLTK PorterStemmer() stem (its default NLTK_EXTENSIONS mode, which Google's
  rouge-score uses): every word where that mode differs from Porter's C version (MARTIN_EXTENSIONS, what Apache
  OpenNLP implements), and a seeded sample of the others, from the words of Multi30k and AESLC.

Run: /usr/bin/python3 tools/reference/make_rouge_fixtures.py [../shared/data]
"""
import glob
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


if __name__ == "__main__":
    main()

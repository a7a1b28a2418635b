#!/usr/bin/env python3
"""Writes grukit's own small sentiment dataset: film-review sentences made from a hand-written grammar.

The sentences are generated, not taken from any public dataset. The grammar makes word order matter, which a
bag of words cannot see: negation ("not bad"), contrast ("X, but Y" takes Y's side), concession ("although X,
Y"), and "far from". Usage: python3 tools/data/make_reviews.py (writes train/dev/test TSV files with a
sentence<TAB>label header into the examples module's resources; deterministic for a seed).
"""
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "src", "main", "resources",
                   "org", "grukit", "examples", "reviews")

POS = ["good", "great", "wonderful", "brilliant", "moving", "funny", "charming", "gripping", "beautiful", "clever",
       "delightful", "superb", "touching", "fresh", "engaging", "lovely", "sharp", "warm", "thrilling", "memorable",
       "witty", "powerful", "elegant", "inventive", "satisfying", "heartfelt", "stunning", "smart", "tender", "vivid"]
NEG = ["bad", "boring", "dull", "awful", "clumsy", "tedious", "flat", "silly", "lifeless", "predictable", "messy",
       "forgettable", "shallow", "tiresome", "weak", "bland", "dreary", "sloppy", "stale", "painful", "hollow",
       "lazy", "confusing", "cheap", "pointless", "irritating", "grim", "muddled", "overlong", "wooden"]
SUBJECTS = ["the film", "the movie", "the plot", "the acting", "the script", "the ending", "the cast", "the dialogue",
            "the soundtrack", "the story", "the direction", "the pacing", "the lead performance", "the second half",
            "the opening", "the humour", "the camera work", "the score", "this picture", "the sequel", "the finale",
            "the premise", "the editing", "the villain", "the whole thing"]
NOUNS = ["film", "movie", "story", "comedy", "drama", "thriller", "romance", "performance", "script", "sequel"]
ADVERBS = ["", "", "", "very ", "really ", "truly ", "quite ", "rather ", "so ", "thoroughly "]
INTROS = ["", "", "", "honestly , ", "to be fair , ", "in the end , ", "frankly , ", "overall , ", "all in all , "]
IS = ["is", "was", "feels", "seems", "turns out"]
VERBS_POS = ["loved", "enjoyed", "adored", "admired", "liked"]
VERBS_NEG = ["hated", "disliked", "regretted", "endured", "resented"]


def adj(rng, positive):
    return rng.choice(POS if positive else NEG)


def sentence(rng):
    kind = rng.randrange(10)
    p = rng.random() < 0.5
    s, s2, be = rng.choice(SUBJECTS), rng.choice(SUBJECTS), rng.choice(IS)
    if kind <= 1:
        text, label = f"{rng.choice(INTROS)}{s} {be} {rng.choice(ADVERBS)}{adj(rng, p)} .", p
    elif kind == 2:
        text, label = f"{s} {be} not {adj(rng, p)} .", not p
    elif kind == 3:
        text, label = f"{s} {be} {adj(rng, not p)} , but {s2} {be} {rng.choice(ADVERBS)}{adj(rng, p)} .", p
    elif kind == 4:
        text, label = f"although {s} {be} {adj(rng, not p)} , {s2} {be} {adj(rng, p)} .", p
    elif kind == 5:
        verb = rng.choice(VERBS_POS if p else VERBS_NEG)
        text, label = f"i {verb} {s} .", p
    elif kind == 6:
        text, label = f"i did not {base_verb(rng, p)} {s} .", not p
    elif kind == 7:
        text, label = f"never have i seen such a {adj(rng, p)} {rng.choice(NOUNS)} .", p
    elif kind == 8:
        text, label = f"{s} {be} far from {adj(rng, p)} .", not p
    else:
        text, label = f"not only is {s} {adj(rng, p)} , {s2} is {adj(rng, p)} too .", p
    return text, "pos" if label else "neg"


def base_verb(rng, p):
    return rng.choice(["love", "enjoy", "like", "admire"] if p else ["hate", "mind", "regret", "dislike"])


def main(seed=20261124):
    rng = random.Random(seed)
    seen, rows = set(), []
    while len(rows) < 3000:
        text, label = sentence(rng)
        if text not in seen:
            seen.add(text)
            rows.append((text, label))
    os.makedirs(OUT, exist_ok=True)
    for name, part in [("train", rows[:2400]), ("dev", rows[2400:2700]), ("test", rows[2700:])]:
        with open(os.path.join(OUT, name + ".tsv"), "w", encoding="utf-8", newline="\n") as f:
            f.write("sentence\tlabel\n")
            for text, label in part:
                f.write(f"{text}\t{label}\n")
        print(name, len(part))


if __name__ == "__main__":
    main()

package org.grukit.nlp.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Word and character error rates of transcripts, by Levenshtein alignment, as jiwer computes them: (substitutions +
 * deletions + insertions) / reference length, per utterance and for a corpus (total edits over total reference
 * length, not a mean of per-utterance rates). Words are whitespace-separated; characters are those of the text
 * with runs of whitespace collapsed to one space and the ends trimmed, spaces included.
 */
public final class ErrorRate {
    private ErrorRate() {}

    /** An alignment's counts; {@link #rate()} is edits / reference length (0 for two empty texts, infinity for an empty reference only). */
    public record Counts(int substitutions, int deletions, int insertions, int hits, int referenceLength) {
        public int edits() {
            return substitutions + deletions + insertions;
        }

        public double rate() {
            if (referenceLength == 0) return edits() == 0 ? 0 : Double.POSITIVE_INFINITY;
            return (double) edits() / referenceLength;
        }

        public Counts plus(Counts o) {
            return new Counts(substitutions + o.substitutions, deletions + o.deletions, insertions + o.insertions, hits + o.hits,
                    referenceLength + o.referenceLength);
        }
    }

    public static Counts words(String reference, String hypothesis) {
        return align(wordsOf(reference), wordsOf(hypothesis));
    }

    public static Counts chars(String reference, String hypothesis) {
        return align(charsOf(reference), charsOf(hypothesis));
    }

    /** Corpus word error counts over aligned lists of references and hypotheses. */
    public static Counts corpusWords(List<String> references, List<String> hypotheses) {
        check(references, hypotheses);
        Counts total = new Counts(0, 0, 0, 0, 0);
        for (int i = 0; i < references.size(); i++) total = total.plus(words(references.get(i), hypotheses.get(i)));
        return total;
    }

    public static Counts corpusChars(List<String> references, List<String> hypotheses) {
        check(references, hypotheses);
        Counts total = new Counts(0, 0, 0, 0, 0);
        for (int i = 0; i < references.size(); i++) total = total.plus(chars(references.get(i), hypotheses.get(i)));
        return total;
    }

    private static void check(List<String> references, List<String> hypotheses) {
        if (references.size() != hypotheses.size()) {
            throw new IllegalArgumentException("expected a hypothesis per reference: " + references.size() + " references, "
                    + hypotheses.size() + " hypotheses");
        }
    }

    /** The words WER counts: whitespace-separated. */
    public static List<String> wordsOf(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.strip().split("\\s+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    /** The characters CER counts: code points of the text, whitespace runs collapsed to one space, ends trimmed. */
    public static List<String> charsOf(String s) {
        String norm = s.strip().replaceAll("\\s+", " ");
        List<String> out = new ArrayList<>(norm.length());
        norm.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        return out;
    }

    /**
     * Minimal edits turning {@code ref} into {@code hyp}; among alignments of equal cost, the one with the most hits
     * (then substitutions before deletions before insertions), so the counts are those a reader would pick.
     */
    static <T> Counts align(List<T> ref, List<T> hyp) {
        int n = ref.size(), m = hyp.size();
        int[][] cost = new int[n + 1][m + 1], hits = new int[n + 1][m + 1];
        byte[][] move = new byte[n + 1][m + 1]; // 0 diagonal, 1 deletion, 2 insertion
        for (int i = 1; i <= n; i++) {
            cost[i][0] = i;
            move[i][0] = 1;
        }
        for (int j = 1; j <= m; j++) {
            cost[0][j] = j;
            move[0][j] = 2;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                boolean same = ref.get(i - 1).equals(hyp.get(j - 1));
                int bestCost = cost[i - 1][j - 1] + (same ? 0 : 1), bestHits = hits[i - 1][j - 1] + (same ? 1 : 0);
                byte bestMove = 0;
                if (cost[i - 1][j] + 1 < bestCost || (cost[i - 1][j] + 1 == bestCost && hits[i - 1][j] > bestHits)) {
                    bestCost = cost[i - 1][j] + 1;
                    bestHits = hits[i - 1][j];
                    bestMove = 1;
                }
                if (cost[i][j - 1] + 1 < bestCost || (cost[i][j - 1] + 1 == bestCost && hits[i][j - 1] > bestHits)) {
                    bestCost = cost[i][j - 1] + 1;
                    bestHits = hits[i][j - 1];
                    bestMove = 2;
                }
                cost[i][j] = bestCost;
                hits[i][j] = bestHits;
                move[i][j] = bestMove;
            }
        }
        int s = 0, d = 0, ins = 0, h = 0;
        for (int i = n, j = m; i > 0 || j > 0; ) {
            switch (move[i][j]) {
                case 0 -> {
                    if (ref.get(i - 1).equals(hyp.get(j - 1))) h++;
                    else s++;
                    i--;
                    j--;
                }
                case 1 -> {
                    d++;
                    i--;
                }
                default -> {
                    ins++;
                    j--;
                }
            }
        }
        return new Counts(s, d, ins, h, n);
    }
}

package org.grukit.attention.decoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.grukit.core.GradMode;
import org.grukit.core.Ops;
import org.grukit.core.Tensor;

/**
 * Search over an {@link AttentionDecoder}: greedy, and batched beam search with beam size, maximum and
 * minimum length, length normalization, n-best lists with scores, and early stop once a sentence has as
 * many finished hypotheses as beams. Runs with grad disabled.
 */
public final class Decoding {
    private Decoding() {}

    /** How a finished hypothesis' log-probability is normalized by its length |Y| (tokens incl. the end token). */
    public sealed interface LengthPenalty {
        double normalize(double logProb, int length);

        /** Raw log-probability (favours short outputs). */
        record None() implements LengthPenalty {
            public double normalize(double logProb, int length) {
                return logProb;
            }
        }

        /** logProb / |Y|. */
        record Average() implements LengthPenalty {
            public double normalize(double logProb, int length) {
                return logProb / Math.max(1, length);
            }
        }

        /** GNMT (Wu et al. 2016, eq. 14): logProb / ((5 + |Y|)^alpha / 6^alpha). */
        record Gnmt(double alpha) implements LengthPenalty {
            public double normalize(double logProb, int length) {
                return logProb / Math.pow((5.0 + length) / 6.0, alpha);
            }
        }
    }

    /** Search settings, validated. */
    public record BeamConfig(int beamSize, int maxLength, int minLength, LengthPenalty lengthPenalty, int nBest,
                             int bos, int eos, int noRepeatNgram) {
        public BeamConfig {
            if (noRepeatNgram < 0) throw new IllegalArgumentException("noRepeatNgram must be >= 0 (0: off), got " + noRepeatNgram);
            if (beamSize <= 0) throw new IllegalArgumentException("beamSize must be > 0, got " + beamSize);
            if (maxLength <= 0) throw new IllegalArgumentException("maxLength must be > 0, got " + maxLength);
            if (minLength < 0 || minLength > maxLength) {
                throw new IllegalArgumentException("minLength must be in [0, maxLength], got " + minLength);
            }
            if (nBest <= 0 || nBest > beamSize) throw new IllegalArgumentException("nBest must be in [1, beamSize], got " + nBest);
            if (lengthPenalty == null) throw new IllegalArgumentException("lengthPenalty must not be null");
        }

        public static BeamConfig of(int beamSize, int maxLength, int bos, int eos) {
            return new BeamConfig(beamSize, maxLength, 0, new LengthPenalty.Average(), 1, bos, eos, 0);
        }

        public BeamConfig withLengthPenalty(LengthPenalty p) {
            return new BeamConfig(beamSize, maxLength, minLength, p, nBest, bos, eos, noRepeatNgram);
        }

        public BeamConfig withNBest(int n) {
            return new BeamConfig(beamSize, maxLength, minLength, lengthPenalty, n, bos, eos, noRepeatNgram);
        }

        public BeamConfig withMinLength(int n) {
            return new BeamConfig(beamSize, maxLength, n, lengthPenalty, nBest, bos, eos, noRepeatNgram);
        }

        /**
         * No n-gram of this size twice in an output (Paulus et al. 2018's trigram blocking; 0: off), as
         * no_repeat_ngram_size in Hugging Face's generate and OpenNMT's block_ngram_repeat.
         */
        public BeamConfig withNoRepeatNgram(int n) {
            return new BeamConfig(beamSize, maxLength, minLength, lengthPenalty, nBest, bos, eos, n);
        }
    }

    /**
     * One output: the tokens (without the start token; ending with the end token when it ended), its total
     * log-probability, its normalized score, whether it ended with the end token, and for each token the source
     * position the decoder attended to most when producing it (for replacing unknown words, Luong et al. 2015b).
     */
    public record Hypothesis(int[] tokens, double logProb, double score, boolean finished, int[] alignment) {}

    /**
     * What search needs of a decoder: a step from a state and the previous tokens to log-probabilities over the
     * output ids (which may be more than the vocabulary, e.g. source words a pointer can copy) and attention
     * weights, and the reordering of a state's rows.
     */
    public interface Stepper<S> {
        int batch(S state);

        /** One step: log-probabilities [B, width] and attention weights [B, sourceLength], row-major. */
        Scored<S> step(S state, int[] tokens);

        /** The rows {@code rows} of every part of the state, repeats allowed (expanding a batch to beams). */
        S select(S state, int[] rows);

        /** The rows {@code rows} of the recurrent parts, for beams following parents within their own sentence. */
        S reorderBeams(S state, int[] rows);
    }

    /** One search step's output: log-probabilities [B, width], attention weights [B, sourceLength], the next state. */
    public record Scored<S>(float[] logProbs, int width, float[] weights, int sourceLength, S next) {}

    /** An {@link AttentionDecoder} as a {@link Stepper}: log-softmax of its logits. */
    public static Stepper<AttentionDecoder.State> stepper(AttentionDecoder decoder) {
        return new Stepper<>() {
            public int batch(AttentionDecoder.State s) {
                return s.batch();
            }

            public Scored<AttentionDecoder.State> step(AttentionDecoder.State s, int[] tokens) {
                AttentionDecoder.Step step = decoder.step(s, tokens);
                return new Scored<>(Ops.logSoftmax(step.logits(), -1).toArray(), step.logits().dim(1), step.weights().toArray(),
                        step.weights().dim(1), step.state());
            }

            public AttentionDecoder.State select(AttentionDecoder.State s, int[] rows) {
                return s.select(rows);
            }

            public AttentionDecoder.State reorderBeams(AttentionDecoder.State s, int[] rows) {
                return s.reorderBeams(rows);
            }
        };
    }

    /** Greedy decoding: the most likely token at each step, until every row has produced {@code eos}. */
    public static List<int[]> greedy(AttentionDecoder decoder, AttentionDecoder.State start, int bos, int eos, int maxLength) {
        List<int[]> out = new ArrayList<>();
        for (Hypothesis h : greedySearch(decoder, start, bos, eos, maxLength, new LengthPenalty.None())) out.add(h.tokens());
        return out;
    }

    /** Greedy decoding as hypotheses: tokens with their log-probability, score and attention alignment. */
    public static List<Hypothesis> greedySearch(AttentionDecoder decoder, AttentionDecoder.State start, int bos, int eos,
                                                int maxLength, LengthPenalty penalty) {
        return greedySearch(stepper(decoder), start, bos, eos, maxLength, penalty);
    }

    /** Greedy decoding over any {@link Stepper}. */
    public static <S> List<Hypothesis> greedySearch(Stepper<S> decoder, S start, int bos, int eos, int maxLength, LengthPenalty penalty) {
        int[] limits = new int[decoder.batch(start)];
        Arrays.fill(limits, maxLength);
        return greedySearch(decoder, start, bos, eos, limits, penalty);
    }

    /**
     * Greedy decoding with a length limit per row, so that a row's result never depends on the rows batched with it
     * (a limit taken from the batch's longest source would let a neighbour lengthen a translation).
     */
    public static <S> List<Hypothesis> greedySearch(Stepper<S> decoder, S start, int bos, int eos, int[] maxLengths, LengthPenalty penalty) {
        try (GradMode g = GradMode.noGrad()) {
            int b = decoder.batch(start);
            if (maxLengths.length != b) throw new IllegalArgumentException(maxLengths.length + " length limits for " + b + " rows");
            int maxLength = 0;
            for (int m : maxLengths) {
                if (m <= 0) throw new IllegalArgumentException("maxLength must be > 0, got " + m);
                maxLength = Math.max(maxLength, m);
            }
            int[] tokens = new int[b];
            Arrays.fill(tokens, bos);
            int[][] out = new int[b][], align = new int[b][];
            for (int i = 0; i < b; i++) {
                out[i] = new int[maxLengths[i]];
                align[i] = new int[maxLengths[i]];
            }
            int[] len = new int[b];
            double[] logProb = new double[b];
            boolean[] done = new boolean[b];
            S s = start;
            for (int t = 0; t < maxLength; t++) {
                Scored<S> step = decoder.step(s, tokens);
                float[] logp = step.logProbs(), w = step.weights();
                int v = step.width(), src = step.sourceLength();
                boolean all = true;
                for (int i = 0; i < b; i++) {
                    int best = argmax(logp, i * v, v);
                    tokens[i] = best;
                    if (!done[i] && len[i] < maxLengths[i]) {
                        logProb[i] += logp[i * v + best];
                        out[i][len[i]] = best;
                        align[i][len[i]++] = argmax(w, i * src, src);
                        done[i] = best == eos;
                    }
                    all &= done[i] || len[i] == maxLengths[i];
                }
                s = step.next();
                if (all) break;
            }
            List<Hypothesis> result = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                result.add(new Hypothesis(Arrays.copyOf(out[i], len[i]), logProb[i], penalty.normalize(logProb[i], len[i]), done[i],
                        Arrays.copyOf(align[i], len[i])));
            }
            return result;
        }
    }

    /** Beam search for every row of {@code start}: for each, up to nBest hypotheses, best first. */
    public static List<List<Hypothesis>> beamSearch(AttentionDecoder decoder, AttentionDecoder.State start, BeamConfig cfg) {
        return beamSearch(stepper(decoder), start, cfg);
    }

    /** Beam search over any {@link Stepper}. */
    public static <S> List<List<Hypothesis>> beamSearch(Stepper<S> decoder, S start, BeamConfig cfg) {
        return beamSearch(decoder, start, cfg, null);
    }

    /**
     * Beam search with a length limit per row (null: the config's for all; none above it), so that a row's result
     * never depends on the rows batched with it.
     */
    public static <S> List<List<Hypothesis>> beamSearch(Stepper<S> decoder, S start, BeamConfig cfg, int[] maxLengths) {
        try (GradMode g = GradMode.noGrad()) {
            int b = decoder.batch(start), k = cfg.beamSize();
            int[] limits = new int[b];
            Arrays.fill(limits, cfg.maxLength());
            if (maxLengths != null) {
                if (maxLengths.length != b) throw new IllegalArgumentException(maxLengths.length + " length limits for " + b + " rows");
                for (int i = 0; i < b; i++) {
                    if (maxLengths[i] <= 0 || maxLengths[i] > cfg.maxLength()) {
                        throw new IllegalArgumentException("row " + i + "'s maxLength must be in [1, " + cfg.maxLength() + "], got " + maxLengths[i]);
                    }
                    limits[i] = maxLengths[i];
                }
            }
            boolean[] cut = new boolean[b];
            int[] expand = new int[b * k];
            for (int i = 0; i < b * k; i++) expand[i] = i / k;
            S s = decoder.select(start, expand);
            double[] scores = new double[b * k];
            for (int i = 0; i < b * k; i++) scores[i] = i % k == 0 ? 0 : Double.NEGATIVE_INFINITY;
            int[][] seqs = new int[b * k][0], aligns = new int[b * k][0];
            int[] tokens = new int[b * k];
            Arrays.fill(tokens, cfg.bos());
            List<List<Hypothesis>> finished = new ArrayList<>();
            for (int i = 0; i < b; i++) finished.add(new ArrayList<>());
            boolean[] alive = new boolean[b];
            Arrays.fill(alive, true);

            for (int t = 0; t < cfg.maxLength(); t++) {
                Scored<S> step = decoder.step(s, tokens);
                int v = step.width(), src = step.sourceLength();
                float[] logp = step.logProbs(), w = step.weights();
                if (cfg.noRepeatNgram() > 0) blockRepeats(logp, v, seqs, cfg.noRepeatNgram());
                int[] parents = new int[b * k];
                int[] next = new int[b * k];
                double[] nextScores = new double[b * k];
                int[][] nextSeqs = new int[b * k][], nextAligns = new int[b * k][];
                boolean any = false;
                for (int bi = 0; bi < b; bi++) {
                    int base = bi * k;
                    if (alive[bi] && t >= limits[bi]) { // this row's limit: its live beams end here, unfinished
                        alive[bi] = false;
                        cut[bi] = true;
                        unfinished(finished.get(bi), scores, seqs, aligns, base, k, cfg);
                    }
                    if (!alive[bi]) {
                        for (int j = 0; j < k; j++) {
                            parents[base + j] = base;
                            next[base + j] = cfg.eos();
                            nextScores[base + j] = Double.NEGATIVE_INFINITY;
                            nextSeqs[base + j] = seqs[base];
                            nextAligns[base + j] = aligns[base];
                        }
                        continue;
                    }
                    long[] top = topCandidates(scores, logp, base, k, v, 2 * k);
                    int filled = 0;
                    for (int rank = 0; rank < top.length; rank++) {
                        long c = top[rank];
                        if (c < 0) break;
                        int beam = (int) (c / v), tok = (int) (c % v);
                        double sc = scores[base + beam] + logp[(base + beam) * v + tok];
                        if (sc == Double.NEGATIVE_INFINITY) break;
                        if (tok == cfg.eos()) {
                            // An end is taken only from the top k candidates: the 2k are there to keep k live beams
                            // when some of the best end, not to finish hypotheses greedy search would never reach.
                            if (rank < k && t + 1 >= cfg.minLength()) {
                                int[] seq = Arrays.copyOf(seqs[base + beam], t + 1);
                                seq[t] = tok;
                                finished.get(bi).add(new Hypothesis(seq, sc, cfg.lengthPenalty().normalize(sc, t + 1), true,
                                        aligned(aligns[base + beam], t, w, (base + beam) * src, src)));
                            }
                            continue;
                        }
                        if (filled < k) {
                            int[] seq = Arrays.copyOf(seqs[base + beam], t + 1);
                            seq[t] = tok;
                            parents[base + filled] = base + beam;
                            next[base + filled] = tok;
                            nextScores[base + filled] = sc;
                            nextSeqs[base + filled] = seq;
                            nextAligns[base + filled] = aligned(aligns[base + beam], t, w, (base + beam) * src, src);
                            filled++;
                        }
                        if (filled == k && finished.get(bi).size() >= k) break;
                    }
                    for (int j = filled; j < k; j++) { // fewer live continuations than beams
                        parents[base + j] = base;
                        next[base + j] = cfg.eos();
                        nextScores[base + j] = Double.NEGATIVE_INFINITY;
                        nextSeqs[base + j] = seqs[base];
                        nextAligns[base + j] = aligns[base];
                    }
                    // Early stop: as many finished hypotheses as beams, or nothing left alive.
                    if (finished.get(bi).size() >= k || filled == 0) alive[bi] = false;
                    any |= alive[bi];
                }
                scores = nextScores;
                seqs = nextSeqs;
                aligns = nextAligns;
                tokens = next;
                if (!any) break;
                s = decoder.reorderBeams(step.next(), parents); // parents stay within their sentence's beams
            }
            List<List<Hypothesis>> result = new ArrayList<>();
            for (int bi = 0; bi < b; bi++) {
                List<Hypothesis> hyps = finished.get(bi);
                if (!cut[bi] && (alive[bi] || hyps.isEmpty())) { // reached maxLength: the live beams count, unfinished
                    unfinished(hyps, scores, seqs, aligns, bi * k, k, cfg);
                }
                hyps.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
                result.add(new ArrayList<>(hyps.subList(0, Math.min(cfg.nBest(), hyps.size()))));
            }
            return result;
        }
    }

    /** The live beams [base, base + k) added to {@code hyps} as unfinished hypotheses. */
    private static void unfinished(List<Hypothesis> hyps, double[] scores, int[][] seqs, int[][] aligns, int base, int k, BeamConfig cfg) {
        for (int j = 0; j < k; j++) {
            double sc = scores[base + j];
            if (sc == Double.NEGATIVE_INFINITY) continue;
            int[] seq = seqs[base + j];
            hyps.add(new Hypothesis(seq, sc, cfg.lengthPenalty().normalize(sc, seq.length), false, aligns[base + j]));
        }
    }

    /**
     * The best {@code n} (beam, token) pairs of beams [base, base + k) by score + log p, encoded as
     * beam * v + token, best first (-1 for missing).
     */
    private static long[] topCandidates(double[] scores, float[] logp, int base, int k, int v, int n) {
        long[] ids = new long[n];
        double[] vals = new double[n];
        Arrays.fill(ids, -1);
        Arrays.fill(vals, Double.NEGATIVE_INFINITY);
        for (int beam = 0; beam < k; beam++) {
            double s = scores[base + beam];
            if (s == Double.NEGATIVE_INFINITY) continue;
            int off = (base + beam) * v;
            for (int tok = 0; tok < v; tok++) {
                double c = s + logp[off + tok];
                if (c <= vals[n - 1]) continue;
                int pos = n - 1;
                while (pos > 0 && vals[pos - 1] < c) {
                    vals[pos] = vals[pos - 1];
                    ids[pos] = ids[pos - 1];
                    pos--;
                }
                vals[pos] = c;
                ids[pos] = (long) beam * v + tok;
            }
        }
        return ids;
    }

    /**
     * Sets to -infinity, for each beam, every token that would complete an n-gram the beam already holds: the
     * tokens that followed earlier occurrences of its last n - 1 tokens.
     */
    static void blockRepeats(float[] logp, int v, int[][] seqs, int n) {
        for (int beam = 0; beam < seqs.length; beam++) {
            int[] seq = seqs[beam];
            int len = seq.length, prefix = n - 1;
            for (int start = 0; start + n <= len; start++) { // each whole n-gram seq[start, start + n)
                boolean same = true;
                for (int j = 0; j < prefix && same; j++) same = seq[start + j] == seq[len - prefix + j];
                if (same) logp[beam * v + seq[start + prefix]] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** {@code prefix} extended at position t by the most attended source position of this step's weights row. */
    private static int[] aligned(int[] prefix, int t, float[] w, int off, int n) {
        int[] a = Arrays.copyOf(prefix, t + 1);
        a[t] = argmax(w, off, n);
        return a;
    }

    private static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }
}

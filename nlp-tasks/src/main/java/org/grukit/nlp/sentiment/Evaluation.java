package org.grukit.nlp.sentiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification metrics: accuracy, macro-averaged F1 (each class's F1, a class never predicted nor present
 * counting as 0 only if it is present), the confusion matrix [true][predicted] in label order, and the count.
 */
public record Evaluation(double accuracy, double macroF1, int[][] confusion, List<String> labels, int count) {
    public static Evaluation of(int[] truth, int[] predicted, List<String> labels) {
        if (truth.length != predicted.length) throw new IllegalArgumentException("truth and predictions differ in length");
        int c = labels.size();
        int[][] m = new int[c][c];
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            m[truth[i]][predicted[i]]++;
            if (truth[i] == predicted[i]) correct++;
        }
        double f1Sum = 0;
        int classes = 0;
        for (int k = 0; k < c; k++) {
            int tp = m[k][k], fp = 0, fn = 0;
            for (int j = 0; j < c; j++) {
                if (j == k) continue;
                fp += m[j][k];
                fn += m[k][j];
            }
            if (tp + fp + fn == 0) continue; // a class absent from both truth and predictions is left out, as sklearn's labels=present
            f1Sum += 2.0 * tp / (2.0 * tp + fp + fn);
            classes++;
        }
        return new Evaluation(truth.length == 0 ? Double.NaN : (double) correct / truth.length, classes == 0 ? Double.NaN : f1Sum / classes,
                m, List.copyOf(labels), truth.length);
    }

    /** For a JSON line: accuracy, macro_f1, confusion, labels, count. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accuracy", Math.round(accuracy * 1e6) / 1e6);
        out.put("macro_f1", Math.round(macroF1 * 1e6) / 1e6);
        out.put("confusion", confusion);
        out.put("labels", labels);
        out.put("count", count);
        return out;
    }
}

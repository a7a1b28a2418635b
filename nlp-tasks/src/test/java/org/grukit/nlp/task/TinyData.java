package org.grukit.nlp.task;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grukit.core.Rng;
import org.grukit.nlp.data.LabelledText;
import org.grukit.nlp.data.TextPair;
import org.grukit.nlp.forecast.TimeSeries;
import org.grukit.nlp.speech.SpeechData;
import org.grukit.nlp.summarize.SummaryData;

/** Small made-up datasets each task learns in seconds, for tests here and in other modules (the test jar). */
public final class TinyData {
    private TinyData() {}

    /** Two-word reviews whose label is set by one of the words. */
    public static List<LabelledText> reviews(int n, long seed) {
        String[] good = {"great", "lovely", "superb", "fine"}, bad = {"awful", "dull", "poor", "tedious"}, noise = {"film", "plot", "cast"};
        Rng rng = new Rng(seed);
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean pos = rng.uniform() < 0.5;
            out.add(new LabelledText((pos ? good : bad)[rng.nextInt(4)] + " " + noise[rng.nextInt(3)], pos ? "pos" : "neg", "r:" + i));
        }
        return out;
    }

    /** A made-up language mapped word for word and reversed. */
    public static List<TextPair> pairs(int n, Rng rng) {
        String[] src = {"ka", "lu", "mi", "to", "re", "sa"}, tgt = {"one", "two", "three", "four", "five", "six"};
        List<TextPair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 2 + rng.nextInt(4);
            String[] s = new String[len], t = new String[len];
            for (int k = 0; k < len; k++) {
                int w = rng.nextInt(src.length);
                s[k] = src[w];
                t[len - 1 - k] = tgt[w];
            }
            out.add(new TextPair(String.join(" ", s), String.join(" ", t), "p:" + i));
        }
        return out;
    }

    /** Short e-mails whose summary copies the topic and the day. */
    public static List<SummaryData.Document> emails(int n, Rng rng) {
        String[] topics = {"budget", "design", "hiring"}, days = {"Monday", "Tuesday", "Friday"};
        List<SummaryData.Document> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String topic = topics[rng.nextInt(3)], day = days[rng.nextInt(3)];
            out.add(new SummaryData.Document("e:" + i, "Hi all, the " + topic + " meeting is moved to " + day + ". Thanks.",
                    topic + " meeting moved to " + day, List.of()));
        }
        return out;
    }

    /** "yes" a low tone and "no" a high one, one to three words with silence between, at 8 kHz. */
    public static List<SpeechData.Utterance> tones(int n, Rng rng) {
        List<SpeechData.Utterance> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int words = 1 + rng.nextInt(3);
            List<String> said = new ArrayList<>();
            float[] x = new float[words * 2400 + 800];
            for (int w = 0; w < words; w++) {
                boolean yes = rng.uniform() < 0.5;
                said.add(yes ? "yes" : "no");
                double f = yes ? 300 : 900;
                for (int k = 0; k < 1600; k++) x[800 + w * 2400 + k] = (float) (0.5 * Math.sin(2 * Math.PI * f * k / 8000));
            }
            for (int k = 0; k < x.length; k++) x[k] += (float) (0.01 * rng.normal());
            out.add(new SpeechData.Utterance("t" + i, String.join(" ", said), "s", null, x, 8000));
        }
        return out;
    }

    /** Eight years of a monthly sine around 50, written as a CSV file in {@code dir} and read back as a series. */
    public static TimeSeries monthlySeries(Path dir) throws IOException {
        Path csv = dir.resolve("monthly.csv");
        StringBuilder sb = new StringBuilder("month,value\n");
        for (int i = 0; i < 96; i++) sb.append(String.format("%d-%02d", 2000 + i / 12, i % 12 + 1)).append(',').append(50 + 5 * Math.sin(i)).append('\n');
        Files.writeString(csv, sb);
        return TimeSeries.readCsv(csv, null, null);
    }

    /** Samples in [-1, 1] as a 16-bit mono PCM WAV file's bytes. */
    public static byte[] wav(float[] samples, int rate) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 2 * samples.length).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * samples.length);
        for (float x : samples) b.putShort((short) Math.round(Math.max(-1, Math.min(1, x)) * 32767));
        return b.array();
    }
}

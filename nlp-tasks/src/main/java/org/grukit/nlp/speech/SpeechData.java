package org.grukit.nlp.speech;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.grukit.core.Rng;
import org.grukit.nlp.data.TextFiles;
import org.grukit.speech.Audio;
import org.grukit.speech.Resampler;
import org.grukit.speech.AudioFiles;

/**
 * Speech corpora as lists of {@link Utterance}s: a manifest (TSV with an audio path and a transcript per line, or
 * JSON lines with {@code audio} and {@code text}), or a folder in the Free Spoken Digit Dataset layout
 * ({@code DIGIT_SPEAKER_INDEX.wav}, transcript the digit's English name) or the yesno layout (eight 0/1 labels in
 * the file name, 1 = yes). Connected digit strings are made from FSDD recordings on the fly, with a seed.
 */
public final class SpeechData {
    private SpeechData() {}

    /**
     * One recording and what is said in it. The audio is a file, or samples held in memory ({@code samples} not
     * null; made utterances such as digit strings).
     */
    public record Utterance(String id, String transcript, String speaker, Path audio, float[] samples, int sampleRate) {
        /** The samples, mono, at {@code rate} Hz (resampled if the file has another rate). */
        public float[] load(int rate) throws IOException {
            float[] x;
            int from;
            if (samples != null) {
                x = samples;
                from = sampleRate;
            } else {
                Audio a = AudioFiles.read(audio);
                x = a.samples();
                from = a.sampleRate();
            }
            return from == rate ? x : new Resampler(from, rate).apply(x);
        }
    }

    static final String[] DIGITS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    private static final Pattern FSDD = Pattern.compile("([0-9])_([A-Za-z]+)_([0-9]+)\\.(?:wav|flac|mp3|ogg)");
    private static final Pattern YESNO = Pattern.compile("([01])(_[01]){7}\\.(?:wav|flac|mp3|ogg)");

    /** A manifest file, or a folder in the FSDD or yesno layout (also found one level down, as shipped). */
    public static List<Utterance> read(Path manifestOrDir) throws IOException {
        if (Files.isDirectory(manifestOrDir)) return readFolder(manifestOrDir);
        if (!Files.isRegularFile(manifestOrDir)) throw new IOException("no such manifest or folder: " + manifestOrDir);
        String name = manifestOrDir.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".json") ? readJsonLines(manifestOrDir) : readTsv(manifestOrDir);
    }

    private static List<Utterance> readFolder(Path dir) throws IOException {
        List<Path> wavs = wavs(dir);
        if (wavs.isEmpty()) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path sub : s.filter(Files::isDirectory).sorted().toList()) {
                    List<Path> inner = wavs(sub);
                    if (!inner.isEmpty()) {
                        wavs = inner;
                        break;
                    }
                }
            }
        }
        if (wavs.isEmpty()) throw new IOException(dir + " holds no recordings (.wav, .flac, .mp3, .ogg), nor does any folder in it");
        List<Utterance> out = new ArrayList<>();
        boolean fsdd = FSDD.matcher(wavs.get(0).getFileName().toString()).matches();
        for (Path w : wavs) {
            String f = w.getFileName().toString();
            if (fsdd) {
                Matcher m = FSDD.matcher(f);
                if (!m.matches()) throw new IOException(w + ": expected an FSDD name DIGIT_SPEAKER_INDEX.wav like the others, found " + f);
                out.add(new Utterance(f.substring(0, f.length() - 4), DIGITS[m.group(1).charAt(0) - '0'], m.group(2), w, null, 0));
            } else if (YESNO.matcher(f).matches()) {
                String[] bits = f.substring(0, f.length() - 4).split("_");
                StringBuilder t = new StringBuilder();
                for (String b : bits) t.append(t.length() == 0 ? "" : " ").append(b.equals("1") ? "yes" : "no");
                out.add(new Utterance(f.substring(0, f.length() - 4), t.toString(), "yesno", w, null, 0));
            } else {
                throw new IOException(w + ": a folder is read as FSDD (DIGIT_SPEAKER_INDEX.wav) or yesno (eight 0/1 labels joined by _), "
                        + "found " + f + "; give a manifest (TSV: audio path, transcript) for other layouts");
            }
        }
        return out;
    }

    private static List<Path> wavs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).matches(".*\\.(wav|flac|mp3|ogg)") && Files.isRegularFile(p))
                    .sorted().toList();
        }
    }

    private static List<Utterance> readTsv(Path manifest) throws IOException {
        List<String> lines = TextFiles.readLines(manifest, java.nio.charset.StandardCharsets.UTF_8);
        List<Utterance> out = new ArrayList<>();
        Path base = manifest.toAbsolutePath().getParent();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            String[] cols = line.split("\t", -1);
            if (i == 0 && cols.length >= 2 && cols[0].strip().matches("(?i)path|audio|file|wav")) continue; // a header
            if (cols.length < 2) {
                throw new IOException(manifest + ":" + (i + 1) + ": expected 'audio path<TAB>transcript', found " + cols.length + " column: " + line);
            }
            out.add(fileUtterance(base, cols[0].strip(), cols[1].strip(), manifest + ":" + (i + 1)));
        }
        return out;
    }

    private static List<Utterance> readJsonLines(Path manifest) throws IOException {
        List<String> lines = TextFiles.readLines(manifest, java.nio.charset.StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        List<Utterance> out = new ArrayList<>();
        Path base = manifest.toAbsolutePath().getParent();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String where = manifest + ":" + (i + 1);
            JsonNode n;
            try {
                n = json.readTree(lines.get(i));
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new IOException(where + ": not JSON: " + e.getOriginalMessage());
            }
            JsonNode audio = n.get("audio"), text = n.has("text") ? n.get("text") : n.get("transcript");
            if (audio == null || text == null || !audio.isTextual() || !text.isTextual()) {
                throw new IOException(where + ": expected an object with string fields 'audio' and 'text', found " + lines.get(i));
            }
            out.add(fileUtterance(base, audio.asText(), text.asText(), where));
        }
        return out;
    }

    private static Utterance fileUtterance(Path base, String audio, String transcript, String where) throws IOException {
        Path p = base.resolve(audio).normalize();
        if (!Files.isRegularFile(p)) throw new IOException(where + ": audio file " + audio + " not found (looked at " + p + ")");
        String id = p.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return new Utterance(id, transcript, "", p, null, 0);
    }

    /** FSDD's standard test set: recordings 0 to 4 of every speaker. */
    public static boolean isFsddTest(Utterance u) {
        return u.id().matches("[0-9]_[A-Za-z]+_[0-4]");
    }

    /**
     * {@code count} connected digit strings of 3 to 7 digits made from {@code recordings} (FSDD utterances), each
     * recording's own silence kept and 50-250 ms of pause added between them, at {@code rate} Hz; the same seed
     * makes the same strings. A pause is not digital silence, which no microphone records (its log energies sit at
     * the floor, far from anything in training), but noise at the level of the quietest 20 ms of the recording
     * after it: that recording's own background.
     */
    public static List<Utterance> digitStrings(List<Utterance> recordings, int count, int rate, long seed) throws IOException {
        if (recordings.isEmpty()) throw new IllegalArgumentException("no recordings to make digit strings from");
        Rng rng = new Rng(seed);
        List<Utterance> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int len = 3 + rng.nextInt(5);
            List<float[]> parts = new ArrayList<>();
            StringBuilder text = new StringBuilder(), id = new StringBuilder("digits" + i);
            int total = 0;
            for (int k = 0; k < len; k++) {
                Utterance u = recordings.get(rng.nextInt(recordings.size()));
                float[] x = u.load(rate);
                if (k > 0) {
                    float[] gap = new float[rate * (50 + rng.nextInt(201)) / 1000];
                    float level = (float) quietestRms(x, rate / 50);
                    for (int j = 0; j < gap.length; j++) gap[j] = level * (float) rng.normal();
                    parts.add(gap);
                    total += gap.length;
                }
                parts.add(x);
                total += x.length;
                text.append(k == 0 ? "" : " ").append(u.transcript());
                id.append('_').append(u.id());
            }
            float[] all = new float[total];
            int at = 0;
            for (float[] p : parts) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            out.add(new Utterance(id.toString(), text.toString(), "", null, all, rate));
        }
        return out;
    }

    /**
     * A recording with {@code before} and {@code after} samples of its own background noise around it: white noise at the
     * level of its quietest 20 ms, drawn from {@code rng} in sample order.
     */
    public static float[] withBackground(float[] x, int rate, int before, int after, Rng rng) {
        float level = (float) quietestRms(x, rate / 50);
        float[] y = new float[before + x.length + after];
        System.arraycopy(x, 0, y, before, x.length);
        for (int i = 0; i < y.length; i++) if (i < before || i >= before + x.length) y[i] = level * (float) rng.normal();
        return y;
    }

    /** The RMS of the quietest {@code window} samples (hop of half a window) of a recording: its background level. */
    public static double quietestRms(float[] x, int window) {
        if (x.length == 0) return 0;
        int w = Math.max(1, Math.min(window, x.length));
        double best = Double.MAX_VALUE;
        for (int start = 0; start + w <= x.length; start += Math.max(1, w / 2)) {
            double e = 0;
            for (int i = start; i < start + w; i++) e += (double) x[i] * x[i];
            best = Math.min(best, e / w);
        }
        return Math.sqrt(best);
    }

    /**
     * The utterances a selection names: "all", "fsdd-train" / "fsdd-test" (recordings 5-49 / 0-4 of each speaker),
     * "yesno-train" / "yesno-test" (files starting 0_ / 1_), "speaker=NAME" or "speaker!=NAME".
     */
    public static List<Utterance> select(List<Utterance> all, String selection) {
        java.util.function.Predicate<Utterance> keep;
        if (selection == null || selection.equals("all")) return all;
        if (selection.equals("fsdd-test")) keep = SpeechData::isFsddTest;
        else if (selection.equals("fsdd-train")) keep = u -> !isFsddTest(u);
        else if (selection.equals("yesno-train")) keep = u -> u.id().startsWith("0_");
        else if (selection.equals("yesno-test")) keep = u -> u.id().startsWith("1_");
        else if (selection.startsWith("speaker!=")) keep = u -> !u.speaker().equals(selection.substring(9));
        else if (selection.startsWith("speaker=")) keep = u -> u.speaker().equals(selection.substring(8));
        else {
            throw new IllegalArgumentException("selection must be all, fsdd-train, fsdd-test, yesno-train, yesno-test, speaker=NAME or speaker!=NAME, got "
                    + selection);
        }
        List<Utterance> out = all.stream().filter(keep).toList();
        if (out.isEmpty()) throw new IllegalArgumentException("selection " + selection + " keeps none of the " + all.size() + " utterances");
        return out;
    }

    /** A seeded split of utterances into (rest, held out), holding out {@code fraction} of them (at least one). */
    public static List<List<Utterance>> holdOut(List<Utterance> all, double fraction, long seed) {
        int[] order = new int[all.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        new Rng(seed).shuffle(order);
        int n = Math.max(1, (int) Math.round(all.size() * fraction));
        if (n >= all.size()) throw new IllegalArgumentException("cannot hold out " + n + " of " + all.size() + " utterances");
        List<Utterance> rest = new ArrayList<>(), held = new ArrayList<>();
        for (int i = 0; i < order.length; i++) (i < n ? held : rest).add(all.get(order[i]));
        return List.of(rest, held);
    }
}

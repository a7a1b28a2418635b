package org.grukit.examples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.grukit.core.train.JsonLines;
import org.grukit.nlp.speech.StreamingRecognizer;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.speech.AudioStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grukit speech stream}: speech to text as audio arrives, from standard input (a WAV stream, or raw 16-bit PCM
 * with --rate), a file, or the microphone, with partial and final results as JSON lines.
 */
@Command(name = "stream", mixinStandardHelpOptions = true, description = {
        "Transcribe audio as it arrives, with a model trained with 'speech train --streaming'. Reads standard input (a WAV stream, or raw",
        "signed 16-bit little-endian mono PCM with --rate), --input FILE, or the default microphone (--mic, until Ctrl-C). Prints a JSON line",
        "for each partial result (the best path so far) and each final one (after --endpoint-ms of silence, or at the end of the audio),",
        "with audio times in seconds, and a summary line at the end."})
final class SpeechStreamCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A model folder from 'grukit speech train --streaming'.") Path model;
    @Option(names = "--input", defaultValue = "-", description = "A recording file, or - for standard input (default: ${DEFAULT-VALUE}).") String input;
    @Option(names = "--rate", description = "The sample rate of raw PCM input; a WAV stream says its own.") Integer rate;
    @Option(names = "--mic", description = "Listen to the default microphone (javax.sound.sampled) until Ctrl-C.") boolean mic;
    @Option(names = "--endpoint-ms", defaultValue = "500", description = "Trailing silence that ends an utterance, in ms (default: ${DEFAULT-VALUE}).") int endpointMs;
    @Option(names = "--beam", defaultValue = "1", description = "CTC prefix beam width of final results; partials are greedy (default: ${DEFAULT-VALUE}).") int beam;
    @Option(names = "--chunk-ms", defaultValue = "100", description = "Audio read at a time, in ms (default: ${DEFAULT-VALUE}).") int chunkMs;
    @Option(names = "--no-partials", description = "Print final results only.") boolean noPartials;

    @Override
    public Integer call() throws Exception {
        if (endpointMs < 10 || endpointMs > 60_000) throw new IllegalArgumentException("--endpoint-ms must be in [10, 60000], got " + endpointMs);
        if (chunkMs < 1 || chunkMs > 10_000) throw new IllegalArgumentException("--chunk-ms must be in [1, 10000], got " + chunkMs);
        if (beam < 1) throw new IllegalArgumentException("--beam must be >= 1 (1 is greedy), got " + beam);
        if (mic && !"-".equals(input)) throw new IllegalArgumentException("give --mic or --input, not both");
        Transcriber t = Transcriber.load(model);
        if (t.model().config().bidirectional()) {
            throw new IllegalArgumentException(model + " holds a bidirectional model, which hears a whole utterance before it answers; train one with "
                    + "'grukit speech train --streaming', or transcribe recordings with 'grukit speech transcribe'");
        }
        StreamingRecognizer.Options options = StreamingRecognizer.Options.defaults().withEndpointSeconds(endpointMs / 1000.0).withBeam(beam);
        PrintStream out = StdIo.out();
        if (mic) return listen(t, options, out);
        try (AudioStream audio = "-".equals(input) ? AudioStream.open(System.in, rate, "standard input") : AudioStream.of(Path.of(input))) {
            StreamingRecognizer r = new StreamingRecognizer(t, audio.sampleRate(), options);
            int chunk = Math.max(1, audio.sampleRate() * chunkMs / 1000);
            long t0 = System.nanoTime();
            for (float[] block; (block = audio.read(chunk)) != null; ) print(out, r.accept(block));
            print(out, r.finish());
            summary(out, r, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }

    /**
     * The microphone, 16-bit mono, at --rate, or else the model's rate or the first of 16, 48 and 44.1 kHz the device
     * takes (the features resample as they stream), until Ctrl-C; then the utterance in progress is finished.
     */
    private Integer listen(Transcriber t, StreamingRecognizer.Options options, PrintStream out) throws Exception {
        int[] rates = rate != null ? new int[] {rate} : new int[] {t.features().sampleRate(), 16000, 48000, 44100};
        javax.sound.sampled.TargetDataLine line = null;
        int sampleRate = 0;
        Exception last = null;
        for (int candidate : rates) {
            javax.sound.sampled.AudioFormat format = new javax.sound.sampled.AudioFormat(candidate, 16, 1, true, false);
            try {
                line = javax.sound.sampled.AudioSystem.getTargetDataLine(format);
                line.open(format);
                sampleRate = candidate;
                break;
            } catch (IllegalArgumentException | javax.sound.sampled.LineUnavailableException | SecurityException e) {
                line = null;
                last = e;
            }
        }
        if (line == null) {
            throw new IOException("--mic: no microphone takes 16-bit mono audio at " + java.util.Arrays.toString(rates) + " Hz here (" + last.getMessage()
                    + "); pipe audio to standard input instead, e.g. arecord -f S16_LE -c 1 -r 16000 | grukit speech stream --rate 16000 --model ...", last);
        }
        javax.sound.sampled.TargetDataLine opened = line;
        StreamingRecognizer r = new StreamingRecognizer(t, sampleRate, options);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            opened.stop();
            opened.close(); // ends the read loop below
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        System.err.println(JsonLines.of(Map.of("listening", true, "sample_rate", sampleRate)));
        byte[] buf = new byte[Math.max(2, sampleRate * chunkMs / 1000 * 2)];
        long t0 = System.nanoTime();
        try {
            line.start();
            for (int n; (n = line.read(buf, 0, buf.length)) > 0 || line.isOpen(); ) {
                float[] x = new float[n / 2];
                for (int i = 0; i < x.length; i++) x[i] = (short) ((buf[2 * i] & 0xff) | buf[2 * i + 1] << 8) / 32768f;
                if (x.length > 0) print(out, r.accept(x));
            }
            print(out, r.finish());
            summary(out, r, (System.nanoTime() - t0) / 1e9);
        } finally {
            done.countDown();
        }
        return 0;
    }

    private void print(PrintStream out, List<StreamingRecognizer.Event> events) {
        for (StreamingRecognizer.Event e : events) {
            if (!e.isFinal() && noPartials) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", e.isFinal() ? "final" : "partial");
            m.put("utterance", e.utterance());
            m.put("text", e.text());
            m.put("start", e.start());
            m.put("end", e.end());
            m.put("at", Math.round(e.at() * 1000) / 1000.0);
            out.print(JsonLines.of(m) + "\n");
        }
        if (!events.isEmpty()) out.flush();
    }

    private static void summary(PrintStream out, StreamingRecognizer r, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "summary");
        m.put("audio_seconds", Math.round(r.seconds() * 1000) / 1000.0);
        m.put("seconds", Math.round(seconds * 1000) / 1000.0);
        m.put("real_time_factor", r.seconds() > 0 ? Math.round(seconds / r.seconds() * 10000) / 10000.0 : 0);
        m.put("lookahead_ms", Math.round(r.lookaheadSeconds() * 1000));
        out.print(JsonLines.of(m) + "\n");
        out.flush();
    }
}

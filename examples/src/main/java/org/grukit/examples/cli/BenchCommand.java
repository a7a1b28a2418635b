package org.grukit.examples.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.core.bench.BusyLoad;
import org.grukit.core.bench.GruBench;
import org.grukit.core.bench.GruBenchShape;
import org.grukit.core.kernel.Gemm;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.train.JsonLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code grukit bench}: wall-clock timings of the shipped kernels, one JSON line per result. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Time the GRU shapes, GEMM, speech features, the text pipeline or a running model server.",
        subcommands = {BenchCommand.Gru.class, BenchCommand.GemmSizes.class, BenchCommand.Features.class, BenchCommand.Text.class, ServeBench.class})
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.out);
        return 0;
    }

    static Map<String, Object> context(int threads) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threads", threads);
        m.put("kernel", Gemm.backend());
        m.put("java", Runtime.version().toString());
        return m;
    }

    @Command(name = "gru", mixinStandardHelpOptions = true,
            description = "Median inference and training-step time of the GRU benchmark shapes.")
    static final class Gru implements Callable<Integer> {
        @Option(names = "--shape", description = "sentiment, sentiment-bi, speech, large or latency (repeatable;"
                + " default: all).")
        List<String> shapes;
        @Option(names = "--threads", description = "Kernel threads (default: the available processors).")
        Integer threads;
        @Option(names = "--warmup", description = "Warm-up seconds per measurement (default: ${DEFAULT-VALUE}).",
                defaultValue = "3")
        double warmup;
        @Option(names = "--reps", description = "Timed runs per measurement, at least (default: ${DEFAULT-VALUE}).",
                defaultValue = "9")
        int reps;
        @Option(names = "--busy", description = "Spinning processes to start beside the benchmark, as other programs"
                + " load a shared machine (default: ${DEFAULT-VALUE}; --busy alone: one per core).",
                defaultValue = "0", fallbackValue = "-1", arity = "0..1")
        int busy;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (threads != null) Parallel.setThreads(threads);
            if (busy < -1) throw new CommandLine.ParameterException(spec.commandLine(), "--busy must be >= 0, got " + busy);
            int spinners = busy == -1 ? Runtime.getRuntime().availableProcessors() : busy;
            List<GruBenchShape> which = shapes == null ? List.of(GruBenchShape.values())
                    : shapes.stream().map(GruBenchShape::of).toList();
            try (BusyLoad load = BusyLoad.start(spinners)) {
                for (GruBenchShape s : which) print(GruBench.gru(s, warmup, reps), load.processes());
            }
            return 0;
        }

        private static void print(GruBench.GruResult r, int busyProcesses) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shape", r.shape());
            m.put("infer_ms", r.inferMs());
            m.put("train_ms", r.trainMs());
            m.put("infer_gflops", r.inferGflops());
            m.put("train_gflops", r.trainGflops());
            m.put("busy_processes", busyProcesses);
            m.putAll(context(Parallel.threads()));
            System.out.println(JsonLines.of(m));
        }
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true, description = "Median time of square SGEMM, C += A B.")
    static final class GemmSizes implements Callable<Integer> {
        @Option(names = "--size", description = "Matrix size n (repeatable; default: 256, 512, 1024).")
        List<Integer> sizes;
        @Option(names = "--threads", description = "Kernel threads (default: the available processors).")
        Integer threads;
        @Option(names = "--warmup", description = "Warm-up seconds (default: ${DEFAULT-VALUE}).", defaultValue = "2")
        double warmup;
        @Option(names = "--reps", description = "Timed runs, at least (default: ${DEFAULT-VALUE}).", defaultValue = "9")
        int reps;

        @Override
        public Integer call() {
            if (threads != null) Parallel.setThreads(threads);
            for (int n : sizes == null ? List.of(256, 512, 1024) : sizes) {
                GruBench.GemmResult r = GruBench.gemm(n, warmup, reps);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("shape", "sgemm" + r.n());
                m.put("ms", r.ms());
                m.put("gflops", r.gflops());
                m.putAll(context(Parallel.threads()));
                System.out.println(JsonLines.of(m));
            }
            return 0;
        }
    }

    @Command(name = "features", mixinStandardHelpOptions = true,
            description = "Time Kaldi and torchaudio-preset MFCC of a long generated 16 kHz signal.")
    static final class Features implements Callable<Integer> {
        @Option(names = "--seconds", description = "Signal length in seconds (default: ${DEFAULT-VALUE}).", defaultValue = "3600")
        int seconds;

        @Override
        public Integer call() {
            int rate = 16000;
            org.grukit.core.Rng rng = new org.grukit.core.Rng(1);
            float[] x = new float[rate * seconds];
            for (int i = 0; i < x.length; i++) x[i] = (float) (0.1 * rng.normal() + 0.3 * Math.sin(i * 0.05));
            float[] scaled = new float[x.length];
            for (int i = 0; i < x.length; i++) scaled[i] = x[i] * 32768f;
            org.grukit.speech.KaldiFeatures.Options k = org.grukit.speech.KaldiFeatures.Options.defaults(rate);
            org.grukit.speech.TorchaudioFeatures.Options t = org.grukit.speech.TorchaudioFeatures.Options.defaults(rate);
            for (int i = 0; i < 3; i++) { // warm-up: long enough for the JIT's final tier
                org.grukit.speech.KaldiFeatures.mfcc(java.util.Arrays.copyOf(scaled, rate * 30), k);
                org.grukit.speech.TorchaudioFeatures.mfcc(java.util.Arrays.copyOf(x, rate * 30), t);
            }
            long t0 = System.nanoTime();
            int kf = org.grukit.speech.KaldiFeatures.mfcc(scaled, k).length;
            long t1 = System.nanoTime();
            int tf = org.grukit.speech.TorchaudioFeatures.mfcc(x, t).length;
            long t2 = System.nanoTime();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shape", "mfcc-" + seconds + "s-16k");
            m.put("kaldi_s", Math.round((t1 - t0) / 1e6) / 1e3);
            m.put("kaldi_frames", kf);
            m.put("torchaudio_s", Math.round((t2 - t1) / 1e6) / 1e3);
            m.put("torchaudio_frames", tf);
            m.put("java", Runtime.version().toString());
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "text", mixinStandardHelpOptions = true,
            description = "Tokenize + vocabulary encode throughput of each tokenizer on real sentences, one thread.")
    static final class Text implements Callable<Integer> {
        @Option(names = "--data", defaultValue = "../shared/data/sentiment/sst2/train.tsv",
                description = "A TSV with a header naming --column, or a text a line (default: ${DEFAULT-VALUE}).")
        java.nio.file.Path data;
        @Option(names = "--column", defaultValue = "sentence", description = "The text column of a TSV (default: ${DEFAULT-VALUE}).")
        String column;
        @Option(names = "--repeats", defaultValue = "5", description = "Timed passes; the median is reported (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Override
        public Integer call() throws Exception {
            if (!java.nio.file.Files.isRegularFile(data)) {
                throw new java.io.IOException("no data at " + data + "; pass --data FILE (SST-2's train.tsv, or a text a line)");
            }
            List<String> texts = texts(data, column);
            List<org.grukit.nlp.text.Tokenizer> tokenizers = List.of(org.grukit.nlp.text.OpenNlpTokenizer.whitespace(),
                    org.grukit.nlp.text.OpenNlpTokenizer.simple(), org.grukit.nlp.text.OpenNlpTokenizer.english(),
                    new org.grukit.nlp.text.CharTokenizer(), org.grukit.nlp.text.Bpe.train(texts, 8000));
            for (org.grukit.nlp.text.Tokenizer t : tokenizers) {
                org.grukit.nlp.text.TextPipeline p = org.grukit.nlp.text.TextPipeline.fit(
                        org.grukit.nlp.text.TextPipeline.Config.of(t.spec()), t, texts, org.grukit.nlp.text.Vocabulary.builder());
                long tokens = 0;
                for (int w = 0; w < 2; w++) tokens = pass(p, texts); // warm-up
                long[] nanos = new long[repeats];
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    pass(p, texts);
                    nanos[r] = System.nanoTime() - t0;
                }
                java.util.Arrays.sort(nanos);
                double sec = nanos[repeats / 2] / 1e9;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("bench", "text");
                m.put("tokenizer", t.spec());
                m.put("sentences", texts.size());
                m.put("tokens", tokens);
                m.put("seconds", Math.round(sec * 1e4) / 1e4);
                m.put("tokens_per_s", Math.round(tokens / sec));
                m.put("sentences_per_s", Math.round(texts.size() / sec));
                m.put("java", Runtime.version().toString());
                System.out.println(JsonLines.of(m));
            }
            return 0;
        }

        /** The texts of a TSV's {@code column} when it has a header, else each line of the file. */
        static List<String> texts(java.nio.file.Path data, String column) throws java.io.IOException {
            org.grukit.nlp.data.Table table = org.grukit.nlp.data.Delimited.tsv().read(data);
            List<String> texts = new java.util.ArrayList<>();
            if (table.header() != null) {
                int c = table.column(column);
                for (org.grukit.nlp.data.Row r : table.rows()) if (r.fields().size() > c) texts.add(r.fields().get(c));
            } else {
                texts.addAll(org.grukit.nlp.data.TextFiles.readLines(data));
            }
            return texts;
        }

        /** Tokenize and encode every text; returns the number of ids (so the work cannot be optimised away). */
        private static long pass(org.grukit.nlp.text.TextPipeline p, List<String> texts) {
            long n = 0;
            for (String s : texts) n += p.encode(s).length;
            return n;
        }
    }
}

package org.grukit.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.grukit.serve.LoadClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code grukit bench serve}: a load generator against a running {@code grukit serve} ({@link LoadClient}): throughput
 * and latency percentiles at each number of concurrent connections, with an optional share of malformed requests and a
 * trace of the server's heap, for a soak. One JSON line per level as it ends, and a final JSON line with all of them.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load a running grukit serve with real requests: throughput and p50/p90/p99 latency per number of connections.")
final class ServeBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The server (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--model", required = true, description = "The served model's name.")
    String model;

    @Option(names = "--texts", paramLabel = "FILE", description = "Texts to send: a TSV's --column, or a text a line.")
    Path texts;

    @Option(names = "--column", defaultValue = "sentence", description = "The text column of a TSV (default: ${DEFAULT-VALUE}).")
    String column;

    @Option(names = "--wav", paramLabel = "DIR", description = "Send the .wav files of DIR as audio/wav bodies.")
    Path wav;

    @Option(names = "--limit", defaultValue = "5000", description = "At most this many distinct texts or files (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--parameters", paramLabel = "JSON", description = "The requests' parameters, e.g. '{\"beam\": 5}'.")
    String parameters;

    @Option(names = "--connections", split = ",", defaultValue = "1,8,64", description = "Concurrent connections, one run each (default: ${DEFAULT-VALUE}).")
    int[] connections;

    @Option(names = "--warmup-s", defaultValue = "5", description = "Seconds of load before each measurement (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--duration-s", defaultValue = "30", description = "Seconds measured at each level (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--malformed-fraction", defaultValue = "0", description = "Share of requests malformed on purpose, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double malformedFraction;

    @Option(names = "--memory-every-s", defaultValue = "0", description = "Read the server's heap from /metrics this often during the run (0: never).")
    int memoryEverySeconds;

    @Option(names = "--api-key-file", paramLabel = "FILE", description = "The server's API key, on the first line.")
    Path apiKeyFile;

    @Option(names = "--label", description = "A name for this run, copied into the JSON lines (e.g. batching-off).")
    String label;

    @Override
    public Integer call() throws Exception {
        if ((texts == null) == (wav == null)) throw new CommandLine.ParameterException(spec.commandLine(), "give one of --texts FILE or --wav DIR");
        if (malformedFraction < 0 || malformedFraction >= 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--malformed-fraction must be in [0, 1), got " + malformedFraction);
        }
        if (limit < 1 || warmupSeconds < 0 || durationSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit and --duration-s must be >= 1 and --warmup-s >= 0");
        }
        for (int c : connections) if (c < 1 || c > 4096) throw new CommandLine.ParameterException(spec.commandLine(), "--connections must be in [1, 4096], got " + c);
        ObjectNode params = parameters == null ? null : (ObjectNode) JSON.readTree(parameters);
        String key = apiKeyFile == null ? null : Files.readAllLines(apiKeyFile, StandardCharsets.UTF_8).get(0).trim();

        List<LoadClient.Body> good = new ArrayList<>();
        String query = "";
        if (texts != null) {
            List<String> all = texts.toString().endsWith(".tsv") ? BenchCommand.Text.texts(texts, column) : Files.readAllLines(texts, StandardCharsets.UTF_8);
            for (String t : all) {
                if (t.isBlank()) continue;
                ObjectNode body = JSON.createObjectNode();
                body.putArray("instances").add(t);
                if (params != null) body.set("parameters", params);
                good.add(new LoadClient.Body(JSON.writeValueAsBytes(body), "application/json", false));
                if (good.size() == limit) break;
            }
        } else {
            try (Stream<Path> files = Files.list(wav)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".wav")).sorted().limit(limit).toList()) {
                    good.add(new LoadClient.Body(Files.readAllBytes(f), "audio/wav", false));
                }
            }
            if (params != null) {
                StringBuilder q = new StringBuilder();
                params.fields().forEachRemaining(e -> q.append(q.length() == 0 ? "?" : "&").append(e.getKey()).append('=').append(e.getValue().asText()));
                query = q.toString();
            }
        }
        if (good.isEmpty()) throw new IllegalArgumentException("no requests to send from " + (texts != null ? texts : wav));
        List<LoadClient.Body> bodies = mix(good, malformedFraction);

        URI target = url.resolve("/v1/models/" + model + ":predict" + query);
        LoadClient client = new LoadClient(target, key, bodies);
        List<Map<String, Object>> memory = new ArrayList<>();
        Thread sampler = memoryEverySeconds <= 0 ? null : sampler(url.resolve("/metrics"), key, memory);
        List<Map<String, Object>> levels = new ArrayList<>();
        try {
            for (int c : connections) {
                System.err.printf("grukit bench serve: %d connection(s), %d s warm-up, %d s measured...%n", c, warmupSeconds, durationSeconds);
                LoadClient.Result r = client.run(c, Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("bench", "serve");
                if (label != null) m.put("label", label);
                m.put("model", model);
                m.putAll(r.toMap());
                System.out.println(JSON.writeValueAsString(m));
                levels.add(m);
            }
        } finally {
            if (sampler != null) sampler.interrupt();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "serve-summary");
        if (label != null) out.put("label", label);
        out.put("target", target.toString());
        out.put("distinct_requests", good.size());
        out.put("malformed_fraction", malformedFraction);
        out.put("levels", levels);
        if (!memory.isEmpty()) out.put("memory", memory);
        System.out.println(JSON.writeValueAsString(out));
        return 0;
    }

    /**
     * The good bodies with malformed ones spread among them, one in every 1 / fraction: bad JSON, no instances, an
     * empty text, a number for an instance, an unknown parameter, a broken recording.
     */
    static List<LoadClient.Body> mix(List<LoadClient.Body> good, double fraction) {
        if (fraction == 0) return good;
        List<byte[]> bad = Arrays.asList("{\"instances\": [\"unclosed".getBytes(StandardCharsets.UTF_8),
                "{\"instances\": []}".getBytes(StandardCharsets.UTF_8), "{\"instances\": [\"   \"]}".getBytes(StandardCharsets.UTF_8),
                "{\"instances\": [42]}".getBytes(StandardCharsets.UTF_8), "{\"instances\": [\"x\"], \"parameters\": {\"temperature\": 3}}"
                        .getBytes(StandardCharsets.UTF_8), "RIFF....WAVEnot a recording".getBytes(StandardCharsets.UTF_8));
        List<LoadClient.Body> out = new ArrayList<>();
        double owed = 0;
        int b = 0;
        for (LoadClient.Body g : good) {
            out.add(g);
            owed += fraction / (1 - fraction);
            while (owed >= 1) {
                byte[] bytes = bad.get(b++ % bad.size());
                boolean audio = new String(bytes, StandardCharsets.UTF_8).startsWith("RIFF");
                out.add(new LoadClient.Body(bytes, audio ? "audio/wav" : "application/json", true));
                owed -= 1;
            }
        }
        return out;
    }

    private Thread sampler(URI metrics, String key, List<Map<String, Object>> into) {
        long start = System.nanoTime();
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("t_s", Math.round((System.nanoTime() - start) / 1e9));
                    m.putAll(LoadClient.heap(metrics, key));
                    synchronized (into) {
                        into.add(m);
                    }
                    System.err.println("grukit bench serve: server heap " + m);
                    Thread.sleep(memoryEverySeconds * 1000L);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    System.err.println("grukit bench serve: could not read " + metrics + ": " + e.getMessage());
                    try {
                        Thread.sleep(memoryEverySeconds * 1000L);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, "heap-sampler");
        t.setDaemon(true);
        t.start();
        return t;
    }
}

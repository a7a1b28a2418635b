package org.grukit.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.grukit.serve.DynamicBatcher;
import org.grukit.serve.ModelServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code grukit serve --model NAME=DIR ...}: any task's models over HTTP ({@link ModelServer}). Prints one JSON line when
 * it listens (the address, the models) and one when it has stopped; SIGTERM or Ctrl-C stops it after answering the
 * requests in flight.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves model folders over HTTP with the TensorFlow Serving / KServe V1 REST API: GET /v1/models/NAME, "
                + "POST /v1/models/NAME:predict with {\"instances\": [...]}, dynamic batching per model, /metrics (Prometheus), "
                + "/healthz, /readyz, and a page to try each model at /.",
                "SIGTERM or Ctrl-C finishes the requests in flight, then stops."})
final class ServeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "NAME=DIR",
            description = "A model folder to serve under NAME (letters, digits, '.', '_', '-'); repeat for more models.")
    List<String> models;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "The port (default: ${DEFAULT-VALUE}; 0 for any free port).")
    int port;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "A file whose first line is the API key: /v1 and /metrics then need 'Authorization: Bearer KEY'.")
    Path apiKeyFile;

    @Option(names = "--max-batch-size", defaultValue = "32", description = "The most inputs in one model call (default: ${DEFAULT-VALUE}; 1 turns batching off).")
    int maxBatchSize;

    @Option(names = "--max-wait-ms", defaultValue = "0", description = "How long a batch's first input waits for others, in ms (default: ${DEFAULT-VALUE}, "
            + "as Triton's: a batch takes what queued while the last one ran, so batches grow with load and one request never waits).")
    long maxWaitMs;

    @Option(names = "--queue-size", defaultValue = "256", description = "Inputs that may wait per model; more get 429 (default: ${DEFAULT-VALUE}).")
    int queueSize;

    @Option(names = "--model-batching", paramLabel = "NAME=SIZE,WAIT_MS,QUEUE",
            description = "Batching of one model, in place of the three options above (e.g. de-en=8,20,64); repeatable.")
    List<String> modelBatching = new ArrayList<>();

    @Option(names = "--request-timeout-ms", defaultValue = "30000", description = "A request not answered by then gets 504 (default: ${DEFAULT-VALUE}).")
    long requestTimeoutMs;

    @Option(names = "--max-body-bytes", defaultValue = "16777216", description = "Larger request bodies get 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--shutdown-grace-ms", defaultValue = "30000", description = "How long a stop waits for the requests in flight (default: ${DEFAULT-VALUE}).")
    long graceMs;

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private DynamicBatcher.Config batching(String option, int size, long waitMs, int queue) {
        try {
            return new DynamicBatcher.Config(size, Duration.ofMillis(waitMs), queue);
        } catch (IllegalArgumentException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    private static String[] nameAndValue(String given) {
        int eq = given.indexOf('=');
        return eq <= 0 || eq == given.length() - 1 ? null : new String[] {given.substring(0, eq), given.substring(eq + 1)};
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        // Checked before the options are built, which would refuse them without naming the command-line option.
        if (port < 0 || port > 65535) throw usage("--port must be in [0, 65535], got " + port);
        if (requestTimeoutMs <= 0) throw usage("--request-timeout-ms must be > 0, got " + requestTimeoutMs);
        if (maxBodyBytes <= 0) throw usage("--max-body-bytes must be > 0, got " + maxBodyBytes);
        ModelServer.Options options = ModelServer.Options.defaults().withHost(host).withPort(port).withMaxBodyBytes(maxBodyBytes)
                .withRequestTimeout(Duration.ofMillis(requestTimeoutMs))
                .withBatching(batching("--max-batch-size/--max-wait-ms/--queue-size", maxBatchSize, maxWaitMs, queueSize));
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (String m : models) {
            String[] nv = nameAndValue(m);
            if (nv == null) throw usage("--model takes NAME=DIR, got '" + m + "'");
            if (!nv[0].matches("[A-Za-z0-9._-]+")) throw usage("--model " + m + ": a name is letters, digits, '.', '_' and '-'");
            if (dirs.put(nv[0], Path.of(nv[1])) != null) throw usage("--model: the name '" + nv[0] + "' is given twice");
        }
        for (String b : modelBatching) {
            String[] nv = nameAndValue(b);
            String[] parts = nv == null ? new String[0] : nv[1].split(",");
            if (parts.length != 3) throw usage("--model-batching takes NAME=SIZE,WAIT_MS,QUEUE, got '" + b + "'");
            if (!dirs.containsKey(nv[0])) throw usage("--model-batching " + b + ": no --model is called '" + nv[0] + "'");
            try {
                options = options.withModelBatching(nv[0], batching("--model-batching " + b, Integer.parseInt(parts[0].trim()),
                        Long.parseLong(parts[1].trim()), Integer.parseInt(parts[2].trim())));
            } catch (NumberFormatException e) {
                throw usage("--model-batching " + b + ": SIZE, WAIT_MS and QUEUE are whole numbers");
            }
        }
        if (apiKeyFile != null) {
            List<String> lines = Files.readAllLines(apiKeyFile, StandardCharsets.UTF_8);
            if (lines.isEmpty() || lines.get(0).isBlank()) throw usage("--api-key-file " + apiKeyFile + ": the first line is empty; it must hold the key");
            options = options.withApiKey(lines.get(0).trim());
        }

        Map<String, ModelServer.Model> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : dirs.entrySet()) {
            System.err.println("grukit serve: loading " + e.getKey() + " from " + e.getValue());
            try {
                loaded.put(e.getKey(), ModelServer.Model.load(e.getValue()));
            } catch (IOException | RuntimeException ex) {
                throw new IllegalArgumentException("--model " + e.getKey() + "=" + e.getValue() + ": " + GrukitCli.describe(ex), ex);
            }
        }
        ModelServer server;
        try {
            server = ModelServer.start(loaded, options);
        } catch (java.net.BindException e) {
            throw new IllegalArgumentException("cannot listen on " + host + ":" + port + ": " + e.getMessage() + " (another server there? try --port)");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Duration grace = Duration.ofMillis(graceMs);
        Thread hook = new Thread(() -> {
            System.err.println("grukit serve: stopping; answering the requests in flight (up to " + graceMs + " ms)");
            try {
                server.close(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ObjectNode done = JSON.createObjectNode().put("event", "stopped");
            ObjectNode inputs = done.putObject("inputs");
            loaded.keySet().forEach(n -> inputs.put(n, server.batcher(n).inputs()));
            System.out.println(done);
            System.out.flush();
            stopped.countDown();
        }, "grukit-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port() + "/";
        ObjectNode ready = JSON.createObjectNode().put("event", "listening").put("url", url).put("port", server.port());
        ObjectNode served = ready.putObject("models");
        loaded.forEach((n, m) -> served.put(n, m.model().type()));
        System.out.println(ready);
        System.out.flush();
        System.err.println("grukit serve: " + loaded.size() + (loaded.size() == 1 ? " model" : " models") + " at " + url + " (the page to try them is there)");
        stopped.await(); // until SIGTERM or Ctrl-C runs the hook
        return 0;
    }
}

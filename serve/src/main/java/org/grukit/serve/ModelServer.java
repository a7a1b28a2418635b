package org.grukit.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.grukit.core.task.InputKind;
import org.grukit.core.task.TaskModel;

/**
 * grukit's model server: every loaded model of any task behind the TensorFlow Serving / KServe V1 REST protocol, on
 * the JDK's own HTTP server (no dependency to keep up to date for a few routes). {@code GET /v1/models/NAME} describes a
 * model; {@code POST /v1/models/NAME:predict} with {@code {"instances": [...]}} answers {@code {"predictions": [...]}},
 * each prediction the model's output fields by name. Instances are what the model's input kind takes: a string for a
 * text; {@code {"b64": "..."}} (a WAV file, base64) for audio; {@code {"time": [...], "value": [...]}} for a series.
 * Requests for one model are gathered by its {@link DynamicBatcher}. Errors are JSON {@code {"error": "..."}} with the
 * status a client expects: 400 for a malformed body or instance, 404 for an unknown model, 413 for a body over the
 * limit, 429 with Retry-After when the model's queue is full, 503 while shutting down, 504 past the time limit, 500
 * with an id the log also shows. No part of a request names a file: models are loaded at start from the command line.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param host the address to bind (127.0.0.1 unless told otherwise)
     * @param port 0 for any free port
     * @param maxBodyBytes larger request bodies get 413
     * @param requestTimeout a request not answered by then gets 504
     * @param batching each model's batcher
     */
    public record Options(String host, int port, int maxBodyBytes, Duration requestTimeout, DynamicBatcher.Config batching) {
        public static Options defaults() {
            return new Options("127.0.0.1", 8080, 16 << 20, Duration.ofSeconds(30), new DynamicBatcher.Config(32, Duration.ofMillis(5), 256));
        }

        public Options withPort(int p) {
            return new Options(host, p, maxBodyBytes, requestTimeout, batching);
        }

        public Options withBatching(DynamicBatcher.Config b) {
            return new Options(host, port, maxBodyBytes, requestTimeout, b);
        }

        public Options withMaxBodyBytes(int n) {
            return new Options(host, port, n, requestTimeout, batching);
        }

        public Options withRequestTimeout(Duration d) {
            return new Options(host, port, maxBodyBytes, d, batching);
        }
    }

    /** A failure with the HTTP status it is answered with. */
    static final class HttpError extends Exception {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private record Served(TaskModel<?, ?, ?> model, DynamicBatcher<Object, Map<String, Object>> batcher) {}

    private final Map<String, Served> models = new LinkedHashMap<>();
    private final Options options;
    private final HttpServer http;
    private final ExecutorService handlers;
    private volatile boolean closing;
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();

    private ModelServer(Map<String, ? extends TaskModel<?, ?, ?>> loaded, Options options) throws IOException {
        this.options = options;
        for (Map.Entry<String, ? extends TaskModel<?, ?, ?>> e : loaded.entrySet()) {
            models.put(e.getKey(), new Served(e.getValue(), batcher(e.getKey(), e.getValue(), options.batching())));
        }
        http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
        handlers = Executors.newFixedThreadPool(Math.max(4, Runtime.getRuntime().availableProcessors() * 8), r -> {
            Thread t = new Thread(r, "grukit-serve");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(handlers);
        http.createContext("/", this::handle);
        http.start();
    }

    /** Serves {@code models} by name as {@code options} say; returns once the server accepts connections. */
    public static ModelServer start(Map<String, ? extends TaskModel<?, ?, ?>> models, Options options) throws IOException {
        if (models.isEmpty()) throw new IllegalArgumentException("no models to serve");
        return new ModelServer(models, options);
    }

    /** The port the server listens on (the one chosen when the options said 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** A model's batcher, for its metrics. */
    public DynamicBatcher<Object, Map<String, Object>> batcher(String name) {
        return models.get(name).batcher();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static DynamicBatcher<Object, Map<String, Object>> batcher(String name, TaskModel<?, ?, ?> model, DynamicBatcher.Config config) {
        TaskModel m = model;
        return new DynamicBatcher<>(name, config, inputs -> {
            List<Object> predictions = m.predict(inputs);
            List<Map<String, Object>> out = new ArrayList<>(predictions.size());
            for (Object p : predictions) out.add(m.outputValues(p));
            return out;
        });
    }

    private void handle(HttpExchange ex) throws IOException {
        String id = null;
        active.incrementAndGet();
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/healthz")) {
                send(ex, 200, JSON.createObjectNode().put("status", "ok"));
            } else if (path.equals("/readyz")) {
                send(ex, closing ? 503 : 200, JSON.createObjectNode().put("ready", !closing));
            } else if (path.startsWith("/v1/models/")) {
                String rest = path.substring("/v1/models/".length());
                if (rest.endsWith(":predict")) {
                    if (!method.equals("POST")) throw new HttpError(405, "use POST for " + path);
                    predict(ex, model(rest.substring(0, rest.length() - ":predict".length())));
                } else {
                    if (!method.equals("GET")) throw new HttpError(405, "use GET for " + path);
                    send(ex, 200, describe(rest, model(rest)));
                }
            } else {
                throw new HttpError(404, "no such route: " + path + " (try GET /v1/models/NAME or POST /v1/models/NAME:predict)");
            }
        } catch (HttpError e) {
            send(ex, e.status, error(e.getMessage()), e.status == 429 || e.status == 503);
        } catch (RuntimeException e) {
            id = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "request " + id + " failed: " + ex.getRequestMethod() + " " + ex.getRequestURI(), e);
            send(ex, 500, error("internal error " + id + "; the server's log holds it"));
        } finally {
            ex.close();
            active.decrementAndGet();
        }
    }

    private Served model(String name) throws HttpError {
        Served s = models.get(name);
        if (s == null) throw new HttpError(404, "no model named '" + name + "'; this server has " + models.keySet());
        return s;
    }

    private static ObjectNode describe(String name, Served s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", name);
        n.put("ready", true);
        n.put("type", s.model().type());
        n.put("input", s.model().inputKind().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode outputs = n.putArray("outputs");
        s.model().outputFields().forEach(f -> outputs.addObject().put("name", f.name()).put("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT))
                .put("description", f.description()));
        n.set("model", JSON.valueToTree(s.model().describe()));
        return n;
    }

    private void predict(HttpExchange ex, Served s) throws HttpError, IOException {
        if (closing) throw new HttpError(503, "the server is shutting down");
        JsonNode body = body(ex);
        JsonNode instances = body.get("instances");
        if (instances == null || !instances.isArray() || instances.isEmpty()) {
            throw new HttpError(400, "expected a JSON object with a non-empty array \"instances\"");
        }
        List<Object> inputs = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            try {
                inputs.add(s.model().input(value(instances.get(i), s.model().inputKind())));
            } catch (IllegalArgumentException | HttpError e) {
                throw new HttpError(400, "instance " + i + ": " + e.getMessage());
            }
        }
        List<CompletableFuture<Map<String, Object>>> answers = new ArrayList<>();
        try {
            for (Object in : inputs) answers.add(s.batcher().submit(in));
        } catch (DynamicBatcher.Rejected e) {
            for (CompletableFuture<Map<String, Object>> a : answers) a.cancel(false);
            throw new HttpError(e.closed() ? 503 : 429, e.getMessage());
        }
        ArrayNode predictions = JSON.createArrayNode();
        long deadline = System.nanoTime() + options.requestTimeout().toNanos();
        for (int i = 0; i < answers.size(); i++) {
            try {
                predictions.add(JSON.valueToTree(answers.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)));
            } catch (TimeoutException e) {
                throw new HttpError(504, "no answer within " + options.requestTimeout().toMillis() + " ms");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof IllegalArgumentException) throw new HttpError(400, "instance " + i + ": " + c.getMessage());
                throw new IllegalStateException("prediction failed: " + c, c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HttpError(503, "the server is shutting down");
            }
        }
        send(ex, 200, JSON.createObjectNode().set("predictions", predictions));
    }

    /** An instance as the model's input kind takes it. */
    private static Object value(JsonNode n, InputKind kind) throws HttpError {
        return switch (kind) {
            case TEXT -> {
                if (!n.isTextual()) throw new HttpError(400, "expected a text (a JSON string), found " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
                if (n.asText().isBlank()) throw new HttpError(400, "the text is empty");
                yield n.asText();
            }
            case AUDIO -> {
                JsonNode b64 = n.get("b64");
                if (b64 == null || !b64.isTextual()) throw new HttpError(400, "expected audio as {\"b64\": \"<a WAV file, base64>\"}");
                try {
                    yield Base64.getDecoder().decode(b64.asText());
                } catch (IllegalArgumentException e) {
                    throw new HttpError(400, "the audio is not base64: " + e.getMessage());
                }
            }
            case SERIES -> {
                if (!n.isObject()) throw new HttpError(400, "expected a series as {\"time\": [...], \"COLUMN\": [...]}");
                yield JSON.convertValue(n, Map.class);
            }
        };
    }

    private JsonNode body(HttpExchange ex) throws HttpError, IOException {
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(options.maxBodyBytes() + 1);
        }
        if (bytes.length > options.maxBodyBytes()) throw new HttpError(413, "the body is over the limit of " + options.maxBodyBytes() + " bytes");
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, body, false);
    }

    private static void send(HttpExchange ex, int status, JsonNode body, boolean retryLater) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (retryLater) ex.getResponseHeaders().set("Retry-After", "1");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops taking requests, answers those in flight (within {@code grace}), and stops. */
    public void close(Duration grace) throws InterruptedException {
        closing = true;
        long deadline = System.nanoTime() + grace.toNanos();
        for (Served s : models.values()) s.batcher().close(grace);
        // The JDK server's own stop(delay) waits out the delay while clients keep idle connections open: wait for the
        // requests in flight instead, then stop at once.
        while (active.get() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
        http.stop(0);
        handlers.shutdown();
        handlers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(10));
    }
}

package org.grukit.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.grukit.core.task.InputKind;
import org.grukit.core.task.PredictOption;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.Tasks;

/**
 * grukit's model server: every loaded model of any task behind the TensorFlow Serving / KServe V1 REST protocol, on
 * the JDK's own HTTP server (no dependency to keep up to date for a handful of routes, and its thread pool is ours to
 * size). {@code GET /v1/models} lists the models; {@code GET /v1/models/NAME} describes one; {@code POST
 * /v1/models/NAME:predict} with {@code {"instances": [...], "parameters": {...}}} answers {@code {"predictions":
 * [...]}}, each prediction the model's output fields by name. Instances are what the model's input kind takes: a string
 * for a text; {@code {"b64": "..."}} (a WAV, FLAC, MP3 or Ogg Vorbis file, base64) for audio, or the file itself as an
 * {@code audio/*} body;
 * {@code {"time": [...], "COLUMN": [...]}} for a series. Parameters are the model's {@link TaskModel#predictOptions()}
 * ({@code beam}, {@code n_best}) and {@code details} (attention weights). Requests for one model are gathered by its
 * {@link DynamicBatcher}.
 *
 * <p>Errors are JSON {@code {"error": "..."}} with the status a client expects: 400 for a malformed body, instance or
 * parameter, 401 without the API key when one is set, 404 for an unknown model or route, 413 for a body over the limit,
 * 429 with Retry-After when the model's queue is full, 503 while shutting down, 504 past the time limit, 500 with an id
 * the log also shows. No part of a request names a file: models are loaded at start, and the page's few files come from
 * the class path by a fixed table. {@code GET /} is a page to try each model; {@code /metrics} is Prometheus's text
 * format ({@link ServerMetrics}); {@code /healthz} and {@code /readyz} are for orchestrators.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelServer.class.getName());

    static {
        // The JDK's server writes a response's headers and body apart; with Nagle's algorithm on, the body then waits for
        // the client's delayed ACK of the headers, about 40 ms on Linux, for every request. The server reads this
        // property once, when the first server of the JVM is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
        // It also closes keep-alive connections past 200 idle ones: under load, clients told to retry later are idle by
        // the hundred, and a closed connection is a write that fails on their side.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "10000");
        }
    }
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The page's files by route: nothing else on the class path or the disk is reachable. */
    private static final Map<String, String[]> PAGE = Map.of(
            "/", new String[] {"page/index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"page/index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"page/app.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"page/style.css", "text/css; charset=utf-8"});

    /**
     * @param host the address to bind (127.0.0.1 unless told otherwise)
     * @param port 0 for any free port
     * @param maxBodyBytes larger request bodies get 413
     * @param requestTimeout a request not answered by then gets 504
     * @param batching each model's batcher, unless {@code modelBatching} names the model
     * @param modelBatching batchers of their own for some models, by name
     * @param apiKey when not null, /v1 and /metrics need {@code Authorization: Bearer KEY}
     */
    public record Options(String host, int port, int maxBodyBytes, Duration requestTimeout, DynamicBatcher.Config batching,
                          Map<String, DynamicBatcher.Config> modelBatching, String apiKey) {
        public Options {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be >= 1, got " + maxBodyBytes);
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be > 0, got " + requestTimeout);
            }
            Objects.requireNonNull(batching, "batching");
            modelBatching = Map.copyOf(modelBatching);
            if (apiKey != null && apiKey.isBlank()) throw new IllegalArgumentException("the API key is empty");
        }

        public static Options defaults() {
            return new Options("127.0.0.1", 8080, 16 << 20, Duration.ofSeconds(30), new DynamicBatcher.Config(32, Duration.ZERO, 256),
                    Map.of(), null);
        }

        public Options withHost(String h) {
            return new Options(h, port, maxBodyBytes, requestTimeout, batching, modelBatching, apiKey);
        }

        public Options withPort(int p) {
            return new Options(host, p, maxBodyBytes, requestTimeout, batching, modelBatching, apiKey);
        }

        public Options withBatching(DynamicBatcher.Config b) {
            return new Options(host, port, maxBodyBytes, requestTimeout, b, modelBatching, apiKey);
        }

        public Options withModelBatching(String model, DynamicBatcher.Config b) {
            Map<String, DynamicBatcher.Config> m = new HashMap<>(modelBatching);
            m.put(model, b);
            return new Options(host, port, maxBodyBytes, requestTimeout, batching, m, apiKey);
        }

        public Options withMaxBodyBytes(int n) {
            return new Options(host, port, n, requestTimeout, batching, modelBatching, apiKey);
        }

        public Options withRequestTimeout(Duration d) {
            return new Options(host, port, maxBodyBytes, d, batching, modelBatching, apiKey);
        }

        public Options withApiKey(String key) {
            return new Options(host, port, maxBodyBytes, requestTimeout, batching, modelBatching, key);
        }

        /** The batcher settings of the model called {@code name}. */
        public DynamicBatcher.Config batching(String name) {
            return modelBatching.getOrDefault(name, batching);
        }
    }

    /**
     * A model to serve and what {@code GET /v1/models/NAME} says of where it came from.
     *
     * @param provenance a summary of the model folder's provenance (task, creation time, data digests, dev metrics)
     */
    public record Model(TaskModel<?, ?, ?> model, Map<String, Object> provenance) {
        public Model {
            Objects.requireNonNull(model, "model");
            provenance = Map.copyOf(provenance);
        }

        /** A model with no provenance to show (built in memory). */
        public static Model of(TaskModel<?, ?, ?> model) {
            return new Model(model, Map.of());
        }

        /** The provenance entries shown to clients: what the model is, not the training machine's paths or command. */
        private static final List<String> SHOWN = List.of("task", "grukitVersion", "created", "seed", "data", "bestEpoch", "devMetrics");

        /** Any task's model folder, found by its model.json, with its provenance summary. */
        public static Model load(Path dir) throws IOException {
            TaskModel<?, ?, ?> m = Tasks.load(dir);
            Map<String, Object> summary = new LinkedHashMap<>();
            JsonNode p = JSON.readTree(Files.readAllBytes(dir.resolve("model.json"))).get("provenance");
            if (p != null && p.isObject()) {
                for (String k : SHOWN) if (p.hasNonNull(k)) summary.put(k, JSON.convertValue(p.get(k), Object.class));
            }
            return new Model(m, summary);
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

    /** One input of a request with the request's settings: inputs with equal settings share a model call. */
    private record Item(Object input, Map<String, Integer> options, boolean details) {}

    private record Served(String name, Model loaded, DynamicBatcher<Item, Map<String, Object>> batcher) {
        TaskModel<?, ?, ?> model() {
            return loaded.model();
        }
    }

    private record Response(int status, byte[] body, String contentType) {}

    private final Map<String, Served> models = new LinkedHashMap<>();
    private final Options options;
    private final ServerMetrics metrics;
    private final HttpServer http;
    private final ExecutorService handlers;
    private final ExecutorService responders;
    private volatile boolean closing;
    private final AtomicInteger active = new AtomicInteger();

    private ModelServer(Map<String, Model> loaded, Options options) throws IOException {
        this.options = options;
        Map<String, DynamicBatcher<?, ?>> batchers = new LinkedHashMap<>();
        this.metrics = new ServerMetrics(() -> batchers);
        for (Map.Entry<String, Model> e : loaded.entrySet()) {
            String name = e.getKey();
            if (!name.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("model name '" + name + "': use letters, digits, '.', '_' and '-'");
            DynamicBatcher<Item, Map<String, Object>> b = batcher(name, e.getValue().model(), options.batching(name));
            models.put(name, new Served(name, e.getValue(), b));
            batchers.put(name, b);
        }
        http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 256);
        // Handlers parse a request and return, responders write answers: neither waits for a model.
        int cores = Runtime.getRuntime().availableProcessors();
        handlers = Executors.newFixedThreadPool(Math.max(4, 2 * cores), daemon("grukit-serve"));
        responders = Executors.newFixedThreadPool(Math.max(2, cores), daemon("grukit-serve-respond"));
        http.setExecutor(handlers);
        http.createContext("/", this::handle);
        http.start();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Serves {@code models} by name as {@code options} say; returns once the server accepts connections. */
    public static ModelServer start(Map<String, Model> models, Options options) throws IOException {
        if (models.isEmpty()) throw new IllegalArgumentException("no models to serve");
        return new ModelServer(models, options);
    }

    /** The port the server listens on (the one chosen when the options said 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** A model's batcher, for its counters. */
    public DynamicBatcher<?, ?> batcher(String name) {
        return models.get(name).batcher();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private DynamicBatcher<Item, Map<String, Object>> batcher(String name, TaskModel<?, ?, ?> model, DynamicBatcher.Config config) {
        TaskModel m = model;
        return new DynamicBatcher<>(name, config, items -> {
            // Items of one batch may ask for different settings: one model call per setting, answers in item order.
            List<Map<String, Object>> out = new ArrayList<>(java.util.Collections.nCopies(items.size(), null));
            Map<Item, List<Integer>> groups = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                groups.computeIfAbsent(new Item(null, items.get(i).options(), items.get(i).details()), k -> new ArrayList<>()).add(i);
            }
            for (Map.Entry<Item, List<Integer>> g : groups.entrySet()) {
                List<Object> inputs = new ArrayList<>(g.getValue().size());
                for (int i : g.getValue()) inputs.add(items.get(i).input());
                metrics.batch(name, inputs.size());
                List<Map<String, Object>> values = m.predictValues(inputs, g.getKey().options(), g.getKey().details());
                for (int j = 0; j < values.size(); j++) out.set(g.getValue().get(j), values.get(j));
            }
            return out;
        });
    }

    /**
     * Every request: routed on a handler thread, which returns at once; its answer is written when ready (a prediction
     * when its batch is done) on a responder thread. No thread waits per request, so the requests waiting for a model
     * are bounded by its batcher's queue alone, and a full queue is a 429 instead of a longer wait.
     */
    private void handle(HttpExchange ex) {
        long start = System.nanoTime();
        active.incrementAndGet();
        String[] model = {ServerMetrics.NO_MODEL};
        CompletableFuture<Response> answer;
        try {
            answer = route(ex, model);
        } catch (HttpError | IOException | RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenCompleteAsync((r, failure) -> respond(ex, r != null ? r : failed(ex, failure), model[0], start), responders);
    }

    /** The answer to a request that failed: its own status for an {@link HttpError}, else 500 with an id the log shows. */
    private static Response failed(HttpExchange ex, Throwable failure) {
        Throwable e = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        try {
            if (e instanceof HttpError h) return json(h.status, error(h.getMessage()));
            if (e instanceof IOException) return json(400, error("could not read the request: " + e.getMessage())); // the client went away
            String id = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "request " + id + " failed: " + ex.getRequestMethod() + " " + ex.getRequestURI(), e);
            return json(500, error("internal error " + id + "; the server's log holds it"));
        } catch (JsonProcessingException j) {
            throw new IllegalStateException(j);
        }
    }

    private void respond(HttpExchange ex, Response r, String model, long start) {
        try {
            if (r.status() == 429 || r.status() == 503) ex.getResponseHeaders().set("Retry-After", "1");
            if (r.status() == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            ex.getResponseHeaders().set("Content-Type", r.contentType());
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.sendResponseHeaders(r.status(), r.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        } catch (IOException e) { // the client hung up: nothing to answer
            LOG.log(Level.FINE, "could not answer " + ex.getRequestURI() + ": " + e.getMessage());
        } finally {
            ex.close();
            metrics.request(model, r.status(), System.nanoTime() - start);
            active.decrementAndGet();
        }
    }

    private CompletableFuture<Response> route(HttpExchange ex, String[] metricModel) throws HttpError, IOException {
        String path = ex.getRequestURI().getPath();
        if (path.startsWith("/v1/models/") && path.endsWith(":predict")) {
            authorize(ex);
            String rest = path.substring("/v1/models/".length());
            Served s = model(rest.substring(0, rest.length() - ":predict".length()));
            metricModel[0] = s.name();
            if (!ex.getRequestMethod().equals("POST")) throw new HttpError(405, "use POST for " + path);
            return predict(ex, s);
        }
        return CompletableFuture.completedFuture(describeRoute(ex, path, metricModel));
    }

    /** Every route but predict: answered at once. */
    private Response describeRoute(HttpExchange ex, String path, String[] metricModel) throws HttpError, IOException {
        String method = ex.getRequestMethod();
        if (path.equals("/healthz")) return json(200, JSON.createObjectNode().put("status", "ok"));
        if (path.equals("/readyz")) return json(closing ? 503 : 200, JSON.createObjectNode().put("ready", !closing));
        if (PAGE.containsKey(path)) {
            if (!method.equals("GET") && !method.equals("HEAD")) throw new HttpError(405, "use GET for " + path);
            String[] file = PAGE.get(path);
            try (InputStream in = ModelServer.class.getResourceAsStream(file[0])) {
                if (in == null) throw new IllegalStateException("the page's file " + file[0] + " is missing from the jar");
                return new Response(200, in.readAllBytes(), file[1]);
            }
        }
        if (path.equals("/metrics")) {
            authorize(ex);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            metrics.write(out);
            return new Response(200, out.toByteArray(), metrics.contentType());
        }
        if (path.equals("/v1/models") || path.equals("/v1/models/")) {
            authorize(ex);
            if (!method.equals("GET")) throw new HttpError(405, "use GET for " + path);
            ObjectNode n = JSON.createObjectNode();
            ArrayNode list = n.putArray("models");
            for (Served s : models.values()) list.add(summary(s));
            return json(200, n);
        }
        if (path.startsWith("/v1/models/")) {
            authorize(ex);
            String rest = path.substring("/v1/models/".length());
            Served s = model(rest);
            metricModel[0] = s.name();
            if (!method.equals("GET")) throw new HttpError(405, "use GET for " + path);
            return json(200, describe(s));
        }
        throw new HttpError(404, "no such route: " + path + " (try GET /v1/models, GET /v1/models/NAME or POST /v1/models/NAME:predict)");
    }

    private void authorize(HttpExchange ex) throws HttpError {
        if (options.apiKey() == null) return;
        String given = ex.getRequestHeaders().getFirst("Authorization");
        byte[] expected = ("Bearer " + options.apiKey()).getBytes(StandardCharsets.UTF_8);
        // Constant-time: how long the comparison takes says nothing of how much of the key was right.
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(401, given == null ? "this server needs an API key: send 'Authorization: Bearer KEY'" : "the API key is not this server's");
        }
    }

    private Served model(String name) throws HttpError {
        Served s = models.get(name);
        if (s == null) throw new HttpError(404, "no model named '" + name + "'; this server has " + models.keySet());
        return s;
    }

    private static ObjectNode summary(Served s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", s.name());
        n.put("ready", true);
        n.put("type", s.model().type());
        n.put("input", s.model().inputKind().name().toLowerCase(Locale.ROOT));
        return n;
    }

    private ObjectNode describe(Served s) {
        ObjectNode n = summary(s);
        ArrayNode outputs = n.putArray("outputs");
        s.model().outputFields().forEach(f -> outputs.addObject().put("name", f.name()).put("kind", f.kind().name().toLowerCase(Locale.ROOT))
                .put("description", f.description()));
        ArrayNode details = n.putArray("details");
        s.model().detailFields().forEach(f -> details.addObject().put("name", f.name()).put("kind", f.kind().name().toLowerCase(Locale.ROOT))
                .put("description", f.description()));
        ArrayNode params = n.putArray("parameters");
        for (PredictOption o : s.model().predictOptions()) {
            params.addObject().put("name", o.name()).put("min", o.min()).put("max", o.max()).put("default", o.defaultValue())
                    .put("description", o.description());
        }
        DynamicBatcher.Config b = options.batching(s.name());
        n.putObject("batching").put("max_batch_size", b.maxBatchSize()).put("max_wait_ms", b.maxWait().toMillis())
                .put("queue_capacity", b.queueCapacity());
        n.set("model", JSON.valueToTree(s.model().describe()));
        n.set("provenance", JSON.valueToTree(s.loaded().provenance()));
        // TensorFlow Serving's model status, for clients and gateways that read it.
        n.putArray("model_version_status").addObject().put("version", "1").put("state", "AVAILABLE").putObject("status")
                .put("error_code", "OK").put("error_message", "");
        return n;
    }

    private CompletableFuture<Response> predict(HttpExchange ex, Served s) throws HttpError, IOException {
        if (closing) throw new HttpError(503, "the server is shutting down");
        // Refused before the body is read and parsed: under overload, a refusal must cost little.
        if (s.batcher().queueDepth() >= s.batcher().config().queueCapacity()) {
            try (InputStream in = ex.getRequestBody()) { // read, unparsed, so that the connection stays usable
                in.transferTo(OutputStream.nullOutputStream()); // read() keeps to the body; the JDK stream's skip() does not
            }
            throw new HttpError(429, "model " + s.name() + " has " + s.batcher().config().queueCapacity() + " requests waiting, its limit; retry later");
        }
        byte[] bytes = body(ex);
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        List<JsonNode> instances = new ArrayList<>();
        Map<String, Integer> opts = new LinkedHashMap<>();
        boolean details = false;
        List<Object> raw = new ArrayList<>();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("audio/")) {
            if (s.model().inputKind() != InputKind.AUDIO) {
                throw new HttpError(400, "model '" + s.name() + "' takes " + s.model().inputKind().description() + ", not an audio body");
            }
            if (bytes.length == 0) throw new HttpError(400, "the audio body is empty");
            raw.add(bytes);
            details = parameters(query(ex), opts);
        } else {
            JsonNode body;
            try {
                body = JSON.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw new HttpError(400, "the body is not JSON: " + e.getOriginalMessage());
            }
            JsonNode in = body == null ? null : body.get("instances");
            if (in == null || !in.isArray() || in.isEmpty()) throw new HttpError(400, "expected a JSON object with a non-empty array \"instances\"");
            in.forEach(instances::add);
            JsonNode p = body.get("parameters");
            if (p != null && !p.isNull()) {
                if (!p.isObject()) throw new HttpError(400, "\"parameters\" must be an object, found " + p.getNodeType().name().toLowerCase(Locale.ROOT));
                Map<String, JsonNode> given = new LinkedHashMap<>();
                p.fields().forEachRemaining(e -> given.put(e.getKey(), e.getValue()));
                details = parameters(given, opts);
            }
        }
        try {
            PredictOption.resolve(s.model().predictOptions(), opts);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "parameters: " + e.getMessage());
        }
        if (details && s.model().detailFields().isEmpty()) throw new HttpError(400, "parameters: model '" + s.name() + "' gives no details");
        List<Object> inputs = new ArrayList<>();
        for (int i = 0; i < Math.max(raw.size(), instances.size()); i++) {
            try {
                inputs.add(s.model().input(raw.isEmpty() ? value(instances.get(i), s.model().inputKind()) : raw.get(i)));
            } catch (IllegalArgumentException | HttpError e) {
                throw new HttpError(400, "instance " + i + ": " + e.getMessage());
            }
        }
        List<CompletableFuture<Map<String, Object>>> answers = new ArrayList<>();
        try {
            for (Object in : inputs) answers.add(s.batcher().submit(new Item(in, Map.copyOf(opts), details)));
        } catch (DynamicBatcher.Rejected e) {
            for (CompletableFuture<Map<String, Object>> a : answers) a.cancel(false);
            throw new HttpError(e.closed() ? 503 : 429, e.getMessage());
        }
        long limit = options.requestTimeout().toNanos();
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).orTimeout(limit, TimeUnit.NANOSECONDS).handle((done, failure) -> {
            if (failure != null) {
                Throwable f = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                if (f instanceof TimeoutException) {
                    for (CompletableFuture<Map<String, Object>> a : answers) a.cancel(false); // no work for an answer nobody waits for
                    throw new java.util.concurrent.CompletionException(new HttpError(504,
                            "no answer within the server's limit of " + options.requestTimeout().toMillis() + " ms"));
                }
                for (int i = 0; i < answers.size(); i++) {
                    Throwable c = answers.get(i).handle((v, t) -> t).join();
                    if (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) c = c.getCause();
                    if (c instanceof IllegalArgumentException) {
                        throw new java.util.concurrent.CompletionException(new HttpError(400, "instance " + i + ": " + c.getMessage()));
                    }
                    if (c != null) throw new IllegalStateException("prediction failed: " + c, c);
                }
                throw new IllegalStateException("prediction failed: " + f, f);
            }
            ArrayNode predictions = JSON.createArrayNode();
            for (CompletableFuture<Map<String, Object>> a : answers) predictions.add(JSON.valueToTree(a.join()));
            try {
                return json(200, JSON.createObjectNode().set("predictions", predictions));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Reads the request's parameters into {@code opts}; returns whether details were asked for. */
    private static boolean parameters(Map<String, JsonNode> given, Map<String, Integer> opts) throws HttpError {
        boolean details = false;
        for (Map.Entry<String, JsonNode> e : given.entrySet()) {
            JsonNode v = e.getValue();
            if (e.getKey().equals("details")) {
                if (!v.isBoolean()) throw new HttpError(400, "parameters: 'details' must be true or false, found " + v);
                details = v.booleanValue();
            } else if (v.isInt()) {
                opts.put(e.getKey(), v.intValue());
            } else {
                throw new HttpError(400, "parameters: '" + e.getKey() + "' must be a whole number, found " + v);
            }
        }
        return details;
    }

    /** A raw body's parameters, from the query string ({@code ?beam=5&details=true}). */
    private static Map<String, JsonNode> query(HttpExchange ex) throws HttpError {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        String q = ex.getRequestURI().getRawQuery();
        if (q == null || q.isEmpty()) return out;
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            try {
                out.put(k, JSON.readTree(v));
            } catch (JsonProcessingException e) {
                throw new HttpError(400, "parameters: '" + k + "' has the value '" + v + "', expected a number or true/false");
            }
        }
        return out;
    }

    /** An instance as the model's input kind takes it. */
    private static Object value(JsonNode n, InputKind kind) throws HttpError {
        return switch (kind) {
            case TEXT -> {
                if (!n.isTextual()) throw new HttpError(400, "expected a text (a JSON string), found " + n.getNodeType().name().toLowerCase(Locale.ROOT));
                if (n.asText().isBlank()) throw new HttpError(400, "the text is empty");
                yield n.asText();
            }
            case AUDIO -> {
                JsonNode b64 = n.get("b64");
                if (b64 == null || !b64.isTextual()) throw new HttpError(400, "expected audio as {\"b64\": \"<a WAV, FLAC, MP3 or Ogg Vorbis file, base64>\"}");
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

    private byte[] body(HttpExchange ex) throws HttpError, IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > options.maxBodyBytes()) throw tooLarge();
            } catch (NumberFormatException e) {
                throw new HttpError(400, "Content-Length is not a number: " + length);
            }
        }
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(options.maxBodyBytes() + 1);
        }
        if (bytes.length > options.maxBodyBytes()) throw tooLarge();
        return bytes;
    }

    private HttpError tooLarge() {
        return new HttpError(413, "the body is over the limit of " + options.maxBodyBytes() + " bytes");
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static Response json(int status, JsonNode body) throws JsonProcessingException {
        return new Response(status, JSON.writeValueAsBytes(body), "application/json");
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
        responders.shutdown();
        handlers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        responders.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(10));
    }
}

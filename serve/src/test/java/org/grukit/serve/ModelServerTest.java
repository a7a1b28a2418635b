package org.grukit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.grukit.core.Rng;
import org.grukit.core.task.TaskModel;
import org.grukit.nlp.forecast.Forecaster;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.nlp.summarize.Summarizer;
import org.grukit.nlp.task.TinyData;
import org.grukit.nlp.translate.Translator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KServe V1 routes over real HTTP on loopback, with a small trained model of every task: answers equal to one JVM's,
 * parameters and details, the API key, metrics, every error status, the time limit and a graceful close.
 */
class ModelServerTest {
    static SentimentClassifier model;
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void train() throws IOException {
        model = TinyModels.sentiment();
    }

    @AfterAll
    static void done() {
        model = null;
    }

    private static HttpResponse<String> call(ModelServer s, String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).timeout(Duration.ofSeconds(30));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody()) : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode predictions(ModelServer s, String model, Object request) throws Exception {
        HttpResponse<String> r = call(s, "POST", "/v1/models/" + model + ":predict", JSON.writeValueAsString(request));
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("predictions");
    }

    private static Map<String, ModelServer.Model> serve(String name, TaskModel<?, ?, ?> m) {
        return Map.of(name, ModelServer.Model.of(m));
    }

    @Test
    void describesAndPredictsAsOneJvmDoes() throws Exception {
        try (ModelServer s = ModelServer.start(serve("reviews", model), ModelServer.Options.defaults().withPort(0))) {
            HttpResponse<String> d = call(s, "GET", "/v1/models/reviews", null);
            assertEquals(200, d.statusCode(), d.body());
            assertEquals("sentiment-classifier", JSON.readTree(d.body()).get("type").asText());
            List<String> texts = List.of("great film", "dull plot", "a lovely cast");
            HttpResponse<String> p = call(s, "POST", "/v1/models/reviews:predict", JSON.writeValueAsString(Map.of("instances", texts)));
            assertEquals(200, p.statusCode(), p.body());
            JsonNode predictions = JSON.readTree(p.body()).get("predictions");
            List<SentimentClassifier.Prediction> expected = model.predict(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(expected.get(i).label(), predictions.get(i).get("label").asText());
                assertEquals(expected.get(i).probability(), predictions.get(i).get("probability").asDouble(), 1e-6);
            }
            assertEquals(200, call(s, "GET", "/healthz", null).statusCode());
            assertEquals(200, call(s, "GET", "/readyz", null).statusCode());
            assertEquals("reviews", JSON.readTree(call(s, "GET", "/v1/models", null).body()).get("models").get(0).get("name").asText());

            // Details: each token's attention weight, as the model's own details give them.
            JsonNode withDetails = predictions(s, "reviews", Map.of("instances", texts, "parameters", Map.of("details", true)));
            List<Map<String, Object>> details = model.details(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(details.get(i).get("tokens"), JSON.convertValue(withDetails.get(i).get("tokens"), List.class));
                @SuppressWarnings("unchecked")
                List<Double> expectedWeights = (List<Double>) details.get(i).get("attention");
                JsonNode weights = withDetails.get(i).get("attention");
                assertEquals(expectedWeights.size(), weights.size());
                for (int j = 0; j < weights.size(); j++) assertEquals(expectedWeights.get(j), weights.get(j).asDouble(), 1e-7);
                assertEquals(expected.get(i).label(), withDetails.get(i).get("label").asText());
            }
        }
    }

    @Test
    void translationTakesBeamAndNBestAndGivesItsAlignment() throws Exception {
        Translator t = TinyModels.translator();
        List<String> sources = TinyData.pairs(6, new Rng(7)).stream().map(p -> p.source()).toList();
        try (ModelServer s = ModelServer.start(serve("de-en", t), ModelServer.Options.defaults().withPort(0))) {
            JsonNode p = predictions(s, "de-en", Map.of("instances", sources, "parameters", Map.of("beam", 3, "n_best", 2, "details", true)));
            List<List<Translator.Translation>> expected = t.translate(sources, Translator.DEFAULT_DECODE.withBeam(3).withNBest(2));
            for (int i = 0; i < sources.size(); i++) {
                assertEquals(expected.get(i).get(0).text(), p.get(i).get("translation").asText());
                assertEquals(expected.get(i).size(), p.get(i).get("n_best").size());
                for (int k = 0; k < expected.get(i).size(); k++) {
                    assertEquals(expected.get(i).get(k).text(), p.get(i).get("n_best").get(k).asText());
                    assertEquals(expected.get(i).get(k).score(), p.get(i).get("n_best_scores").get(k).asDouble(), 1e-9);
                }
                Translator.Alignment a = t.attention(sources.get(i), Translator.DEFAULT_DECODE.withBeam(3));
                assertEquals(a.sourceTokens(), JSON.convertValue(p.get(i).get("source_tokens"), List.class));
                assertEquals(a.weights().length, p.get(i).get("alignment").size());
                for (int r = 0; r < a.weights().length; r++) {
                    for (int c = 0; c < a.weights()[r].length; c++) assertEquals(a.weights()[r][c], p.get(i).get("alignment").get(r).get(c).asDouble(), 1e-6);
                }
            }
            // Greedy, no n-best members when one hypothesis is asked for.
            JsonNode greedy = predictions(s, "de-en", Map.of("instances", sources.subList(0, 1), "parameters", Map.of("beam", 1)));
            assertEquals(t.translate(sources.subList(0, 1), 1).get(0), greedy.get(0).get("translation").asText());
            assertTrue(greedy.get(0).get("n_best") == null);
            Object[][] bad = {
                    {Map.of("beam", 2, "n_best", 3), "'n_best' (3) must not exceed 'beam' (2)"},
                    {Map.of("beam", 0), "'beam' must be in [1, 64], got 0"},
                    {Map.of("beam", "wide"), "'beam' must be a whole number"},
                    {Map.of("temperature", 1), "unknown option 'temperature'"}};
            for (Object[] c : bad) {
                HttpResponse<String> r = call(s, "POST", "/v1/models/de-en:predict", JSON.writeValueAsString(Map.of("instances", sources, "parameters", c[0])));
                assertEquals(400, r.statusCode(), r.body());
                assertTrue(r.body().contains((String) c[1]), r.body());
            }
            JsonNode d = JSON.readTree(call(s, "GET", "/v1/models/de-en", null).body());
            assertEquals("beam", d.get("parameters").get(0).get("name").asText());
            assertEquals(5, d.get("parameters").get(0).get("default").asInt());
        }
    }

    @Test
    void summarizationSpeechAndForecastingAsOneJvmDoesThem() throws Exception {
        Summarizer sum = TinyModels.summarizer();
        Transcriber speech = TinyModels.transcriber();
        Forecaster fc = TinyModels.forecaster();
        Map<String, ModelServer.Model> all = Map.of("email", ModelServer.Model.of(sum), "yesno", ModelServer.Model.of(speech), "monthly",
                ModelServer.Model.of(fc));
        try (ModelServer s = ModelServer.start(all, ModelServer.Options.defaults().withPort(0))) {
            List<String> emails = TinyData.emails(3, new Rng(9)).stream().map(d -> d.text()).toList();
            JsonNode p = predictions(s, "email", Map.of("instances", emails, "parameters", Map.of("beam", 2, "n_best", 2, "max_length", 8)));
            List<List<Summarizer.Summary>> expected = sum.summarize(emails, Summarizer.Decode.defaults().withBeam(2).withLengths(1, 8), 2);
            for (int i = 0; i < emails.size(); i++) {
                assertEquals(expected.get(i).get(0).text(), p.get(i).get("summary").asText());
                assertEquals(expected.get(i).get(1).text(), p.get(i).get("n_best").get(1).asText());
            }

            // Speech: base64 in JSON, and the WAV file itself as the body.
            byte[] wav = TinyModels.recording(5);
            String transcript = speech.predict(List.of(speech.input(wav))).get(0);
            JsonNode b64 = predictions(s, "yesno", Map.of("instances", List.of(Map.of("b64", java.util.Base64.getEncoder().encodeToString(wav)))));
            assertEquals(transcript, b64.get(0).get("transcript").asText());
            HttpResponse<String> raw = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/models/yesno:predict"))
                    .header("Content-Type", "audio/wav").POST(HttpRequest.BodyPublishers.ofByteArray(wav)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, raw.statusCode(), raw.body());
            assertEquals(transcript, JSON.readTree(raw.body()).get("predictions").get(0).get("transcript").asText());
            // Other formats, found by their bytes: a FLAC file in JSON and an Ogg Vorbis file as the body.
            for (String f : List.of("source.flac", "source.ogg")) {
                byte[] other;
                try (java.io.InputStream in = org.grukit.speech.AudioFiles.class.getResourceAsStream("formats/" + f)) {
                    other = in.readAllBytes();
                }
                String said = speech.predict(List.of(speech.input(other))).get(0);
                JsonNode asJson = predictions(s, "yesno", Map.of("instances", List.of(Map.of("b64", java.util.Base64.getEncoder().encodeToString(other)))));
                assertEquals(said, asJson.get(0).get("transcript").asText(), f);
                HttpResponse<String> asBody = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/models/yesno:predict"))
                        .header("Content-Type", f.endsWith(".ogg") ? "audio/ogg" : "audio/flac").POST(HttpRequest.BodyPublishers.ofByteArray(other)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, asBody.statusCode(), asBody.body());
                assertEquals(said, JSON.readTree(asBody.body()).get("predictions").get(0).get("transcript").asText(), f);
            }
            HttpResponse<String> broken = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/models/yesno:predict"))
                    .header("Content-Type", "audio/wav").POST(HttpRequest.BodyPublishers.ofString("not a recording")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, broken.statusCode(), broken.body());
            assertTrue(broken.body().contains("instance 0") && broken.body().contains("not a recording grukit reads"), broken.body());

            // Forecasting: a history with its timestamps, and the same values alone.
            List<String> months = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                months.add(java.time.LocalDate.of(2001, 1, 1).plusMonths(i).toString());
                values.add(50 + 5 * Math.sin(i * 0.7));
            }
            Forecaster.Forecast f = fc.predict(fc.input(Map.of("time", months, "value", values)));
            JsonNode withTime = predictions(s, "monthly", Map.of("instances", List.of(Map.of("time", months, "value", values))));
            assertEquals(f.point().length, withTime.get(0).get("forecast").size());
            for (int h = 0; h < f.point().length; h++) assertEquals(f.point()[h][0], withTime.get(0).get("forecast").get(h).get(0).asDouble(), 1e-6);
            assertEquals(2, withTime.get(0).get("quantile_forecasts").size());
            HttpResponse<String> valuesOnly = call(s, "POST", "/v1/models/monthly:predict", JSON.writeValueAsString(Map.of("instances",
                    List.of(Map.of("values", values)))));
            // This model reads no calendar features, so the values alone do (their steps are given the model's frequency).
            assertEquals(200, valuesOnly.statusCode(), valuesOnly.body());
            JsonNode v = JSON.readTree(valuesOnly.body()).get("predictions").get(0).get("forecast");
            for (int h = 0; h < f.point().length; h++) assertEquals(f.point()[h][0], v.get(h).get(0).asDouble(), 1e-6);
        }
    }

    @Test
    void anApiKeyGuardsTheModelsAndTheMetrics() throws Exception {
        try (ModelServer s = ModelServer.start(serve("reviews", model), ModelServer.Options.defaults().withPort(0).withApiKey("s3cret"))) {
            String body = JSON.writeValueAsString(Map.of("instances", List.of("great film")));
            HttpResponse<String> none = call(s, "POST", "/v1/models/reviews:predict", body);
            assertEquals(401, none.statusCode(), none.body());
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals(401, call(s, "POST", "/v1/models/reviews:predict", body, "Authorization", "Bearer wrong").statusCode());
            assertEquals(401, call(s, "GET", "/metrics", null).statusCode());
            assertEquals(200, call(s, "POST", "/v1/models/reviews:predict", body, "Authorization", "Bearer s3cret").statusCode());
            assertEquals(200, call(s, "GET", "/healthz", null).statusCode(), "health checks need no key");
            assertEquals(200, call(s, "GET", "/", null).statusCode(), "the page loads, and asks for the key");
        }
    }

    @Test
    void metricsCountRequestsBatchesAndQueuesInPrometheusFormat() throws Exception {
        try (ModelServer s = ModelServer.start(serve("reviews", model), ModelServer.Options.defaults().withPort(0))) {
            predictions(s, "reviews", Map.of("instances", List.of("great film", "dull plot", "fine")));
            call(s, "POST", "/v1/models/reviews:predict", "{not json");
            call(s, "GET", "/v1/models/unknown", null);
            HttpResponse<String> m = call(s, "GET", "/metrics", null);
            assertEquals(200, m.statusCode());
            assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), m.headers().toString());
            String text = m.body();
            for (String line : List.of("grukit_requests_total{code=\"200\",model=\"reviews\"} 1.0", "grukit_requests_total{code=\"400\",model=\"reviews\"} 1.0",
                    "grukit_request_errors_total{code=\"404\",model=\"-\"} 1.0", "grukit_batch_size_sum{model=\"reviews\"} 3.0",
                    "grukit_queue_depth{model=\"reviews\"} 0.0", "grukit_request_duration_seconds_count{model=\"reviews\"} 2")) {
                assertTrue(text.contains(line), "missing '" + line + "' in:\n" + text);
            }
            assertTrue(text.contains("jvm_memory_used_bytes{area=\"heap\"}"), "the JVM's own metrics");
        }
    }

    @Test
    void aRequestPastTheTimeLimitGets504AndNoWorkIsSpentOnIt() throws Exception {
        // Batches wait 3 s for company, the server answers within 200 ms: the request times out first.
        ModelServer.Options o = ModelServer.Options.defaults().withPort(0).withRequestTimeout(Duration.ofMillis(200))
                .withBatching(new DynamicBatcher.Config(64, Duration.ofSeconds(3), 256));
        try (ModelServer s = ModelServer.start(serve("reviews", model), o)) {
            HttpResponse<String> r = call(s, "POST", "/v1/models/reviews:predict", JSON.writeValueAsString(Map.of("instances", List.of("great film"))));
            assertEquals(504, r.statusCode(), r.body());
            assertTrue(r.body().contains("200 ms"), r.body());
            Thread.sleep(3500);
            assertEquals(0, s.batcher("reviews").inputs(), "the cancelled input was not predicted");
        }
    }

    @Test
    void closingAnswersTheRequestsInFlightThenRefuses() throws Exception {
        // A batch waits 600 ms; the server is closed 150 ms into it: the request still gets its answer.
        ModelServer.Options o = ModelServer.Options.defaults().withPort(0).withBatching(new DynamicBatcher.Config(64, Duration.ofMillis(600), 256));
        ModelServer s = ModelServer.start(serve("reviews", model), o);
        String body = JSON.writeValueAsString(Map.of("instances", List.of("great film")));
        CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + s.port() + "/v1/models/reviews:predict")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(150);
        s.close(Duration.ofSeconds(10));
        HttpResponse<String> r = inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(model.predict(List.of("great film")).get(0).label(), JSON.readTree(r.body()).get("predictions").get(0).get("label").asText());
        assertThrows(IOException.class, () -> call(s, "POST", "/v1/models/reviews:predict", body), "a closed server takes no connection");
    }

    @Test
    void everyBadRequestGetsItsStatusAndAMessage() throws Exception {
        try (ModelServer s = ModelServer.start(serve("reviews", model), ModelServer.Options.defaults().withPort(0).withMaxBodyBytes(1000))) {
            Object[][] cases = {
                    {"POST", "/v1/models/nope:predict", "{\"instances\":[\"x\"]}", 404, "no model named 'nope'"},
                    {"POST", "/v1/models/reviews:predict", "{not json", 400, "not JSON"},
                    {"POST", "/v1/models/reviews:predict", "{\"instances\":[]}", 400, "non-empty array"},
                    {"POST", "/v1/models/reviews:predict", "{\"instances\":[\"fine\", \"  \"]}", 400, "instance 1: the text is empty"},
                    {"POST", "/v1/models/reviews:predict", "{\"instances\":[42]}", 400, "expected a text"},
                    {"POST", "/v1/models/reviews:predict", "{\"instances\":[\"" + "a".repeat(2000) + "\"]}", 413, "over the limit"},
                    {"GET", "/v1/models/reviews:predict", null, 405, "use POST"},
                    {"GET", "/etc/passwd", null, 404, "no such route"}};
            for (Object[] c : cases) {
                HttpResponse<String> r = call(s, (String) c[0], (String) c[1], (String) c[2]);
                assertEquals(c[3], r.statusCode(), c[1] + ": " + r.body());
                assertTrue(JSON.readTree(r.body()).get("error").asText().contains((String) c[4]), c[1] + ": " + r.body());
            }
        }
    }

    /** A model that fails inside its prediction, as a bug would: the server's side of a 500. */
    static final class BrokenModel implements TaskModel<Object, String, String> {
        @Override
        public String type() {
            return "broken";
        }

        @Override
        public Class<String> inputType() {
            return String.class;
        }

        @Override
        public org.grukit.core.nn.Module module() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> predict(List<String> inputs) {
            throw new IllegalStateException("a bug in the model");
        }

        @Override
        public List<org.grukit.core.task.OutputField> outputFields() {
            return List.of(new org.grukit.core.task.OutputField("text", org.grukit.core.task.OutputField.Kind.STRING, ""));
        }

        @Override
        public Map<String, Object> outputValues(String prediction) {
            return Map.of("text", prediction);
        }

        @Override
        public Map<String, Double> metrics(Object data) {
            return Map.of();
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of();
        }

        @Override
        public void save(java.nio.file.Path dir) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void anInternalErrorIs500WithAnIdTheLogShows() throws Exception {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(ModelServer.class.getName());
        List<String> logged = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r.getMessage() + " " + r.getThrown());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(capture);
        try (ModelServer s = ModelServer.start(serve("broken", new BrokenModel()), ModelServer.Options.defaults().withPort(0))) {
            HttpResponse<String> r = call(s, "POST", "/v1/models/broken:predict", "{\"instances\": [\"x\"]}");
            assertEquals(500, r.statusCode(), r.body());
            String message = JSON.readTree(r.body()).get("error").asText();
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("internal error ([0-9a-f-]{36})").matcher(message);
            assertTrue(id.find(), message);
            assertTrue(logged.stream().anyMatch(l -> l.contains(id.group(1)) && l.contains("a bug in the model")), logged.toString());
            assertTrue(!message.contains("a bug in the model"), "the client sees the id, not the internals: " + message);
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void aFullQueueIsAnswered429WithRetryAfter() throws Exception {
        // Batches of one and a queue of one: while the model predicts the first instance, the second waits and the
        // third, submitted microseconds later, finds the queue full.
        ModelServer.Options o = ModelServer.Options.defaults().withPort(0).withBatching(new DynamicBatcher.Config(1, Duration.ZERO, 1));
        try (ModelServer s = ModelServer.start(serve("reviews", model), o)) {
            String many = JSON.writeValueAsString(Map.of("instances", java.util.Collections.nCopies(500, "a great film")));
            HttpResponse<String> r = call(s, "POST", "/v1/models/reviews:predict", many);
            assertEquals(429, r.statusCode(), r.body());
            assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
            assertTrue(s.batcher("reviews").rejected() >= 1);
        }
    }
}

package org.grukit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentTask;
import org.grukit.nlp.task.TinyData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The KServe V1 routes over real HTTP on loopback, with a real sentiment model: answers and every error status. */
class ModelServerTest {
    static SentimentClassifier model;
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void train() throws IOException {
        SentimentTask task = new SentimentTask();
        model = Tasks.train(task, task.defaults(200).withSize(8, 8).withEpochs(2), TinyData.reviews(200, 1), TinyData.reviews(40, 2),
                new Tasks.Run(null, false, null)).model();
    }

    @AfterAll
    static void done() {
        model = null;
    }

    private static HttpResponse<String> call(ModelServer s, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).timeout(Duration.ofSeconds(30));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody()) : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void describesAndPredictsAsOneJvmDoes() throws Exception {
        try (ModelServer s = ModelServer.start(Map.of("reviews", model), ModelServer.Options.defaults().withPort(0))) {
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
        }
    }

    @Test
    void everyBadRequestGetsItsStatusAndAMessage() throws Exception {
        try (ModelServer s = ModelServer.start(Map.of("reviews", model), ModelServer.Options.defaults().withPort(0).withMaxBodyBytes(1000))) {
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

    @Test
    void aFullQueueIsAnswered429WithRetryAfter() throws Exception {
        // Batches of one and a queue of one: while the model predicts the first instance, the second waits and the
        // third, submitted microseconds later, finds the queue full.
        ModelServer.Options o = ModelServer.Options.defaults().withPort(0).withBatching(new DynamicBatcher.Config(1, Duration.ZERO, 1));
        try (ModelServer s = ModelServer.start(Map.of("reviews", model), o)) {
            String many = JSON.writeValueAsString(Map.of("instances", java.util.Collections.nCopies(500, "a great film")));
            HttpResponse<String> r = call(s, "POST", "/v1/models/reviews:predict", many);
            assertEquals(429, r.statusCode(), r.body());
            assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
            assertTrue(s.batcher("reviews").rejected() >= 1);
        }
    }
}

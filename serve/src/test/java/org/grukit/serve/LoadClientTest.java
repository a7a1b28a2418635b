package org.grukit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.junit.jupiter.api.Test;

/**
 * The load generator against a real server: statuses counted apart for good and malformed requests, ordered
 * percentiles, and overload past the queue's limit answered 429, with no connection dropped.
 */
class LoadClientTest {
    private static List<LoadClient.Body> bodies(boolean withMalformed) {
        List<LoadClient.Body> out = new ArrayList<>();
        for (String t : List.of("a great film", "dull and slow", "a lovely cast", "not good")) {
            out.add(new LoadClient.Body(("{\"instances\": [\"" + t + "\"]}").getBytes(StandardCharsets.UTF_8), "application/json", false));
            if (withMalformed) out.add(new LoadClient.Body("{\"instances\": [".getBytes(StandardCharsets.UTF_8), "application/json", true));
        }
        return out;
    }

    @Test
    void countsGoodAndMalformedApartWithOrderedPercentiles() throws Exception {
        SentimentClassifier model = TinyModels.sentiment();
        try (ModelServer s = ModelServer.start(Map.of("reviews", ModelServer.Model.of(model)), ModelServer.Options.defaults().withPort(0))) {
            LoadClient client = new LoadClient(URI.create("http://127.0.0.1:" + s.port() + "/v1/models/reviews:predict"), null, bodies(true));
            LoadClient.Result r = client.run(4, Duration.ofMillis(200), Duration.ofSeconds(1));
            assertTrue(r.good().getOrDefault(200, 0L) > 10, r.toMap().toString());
            assertEquals(0, r.errors(), r.toMap().toString());
            assertTrue(r.malformed().getOrDefault(400, 0L) > 10, r.toMap().toString());
            assertEquals(0, r.malformedNot4xx(), r.toMap().toString());
            Map<String, Double> lat = r.latencyMillis();
            assertTrue(lat.get("p50") > 0 && lat.get("p50") <= lat.get("p90") && lat.get("p90") <= lat.get("p99") && lat.get("p99") <= lat.get("max"), lat.toString());
        }
    }

    @Test
    void moreConnectionsThanTheQueueHoldsGet429AndNoConnectionIsClosed() throws Exception {
        SentimentClassifier model = TinyModels.sentiment();
        // Batches of one, a queue of two, 32 connections: most requests find the queue full.
        ModelServer.Options o = ModelServer.Options.defaults().withPort(0).withBatching(new DynamicBatcher.Config(1, Duration.ZERO, 2));
        try (ModelServer s = ModelServer.start(Map.of("reviews", ModelServer.Model.of(model)), o)) {
            LoadClient client = new LoadClient(URI.create("http://127.0.0.1:" + s.port() + "/v1/models/reviews:predict"), null, bodies(false));
            LoadClient.Result r = client.run(32, Duration.ZERO, Duration.ofSeconds(1));
            assertTrue(r.good().getOrDefault(429, 0L) > 0, r.toMap().toString());
            assertTrue(r.good().getOrDefault(200, 0L) > 0, r.toMap().toString());
            assertEquals(Map.of(200, r.good().get(200), 429, r.good().get(429)), r.good(), "only answers and 429s: " + r.toMap());
            assertEquals(0, r.failures(), r.toMap().toString());
        }
    }

    @Test
    void percentilesAreNearestRank() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) v[i] = i + 1;
        assertEquals(50, LoadClient.percentile(v, 0.5));
        assertEquals(99, LoadClient.percentile(v, 0.99));
        assertEquals(7, LoadClient.percentile(new long[] {7}, 0.99));
    }
}

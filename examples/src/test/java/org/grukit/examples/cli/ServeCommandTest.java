package org.grukit.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentTask;
import org.grukit.nlp.task.TinyData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grukit serve} as a user runs it: a model folder on disk, a separate JVM, real HTTP, and SIGTERM while a request
 * is in flight (it is answered, then the process ends); bad options named in one line.
 */
class ServeCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static SentimentClassifier model;

    @BeforeAll
    static void train() throws Exception {
        SentimentTask task = new SentimentTask();
        model = Tasks.train(task, task.defaults(200).withSize(8, 8).withEpochs(1), TinyData.reviews(200, 1), TinyData.reviews(40, 2),
                new Tasks.Run(dir.resolve("reviews"), false, null)).model();
    }

    @Test
    void sigtermAnswersTheRequestInFlightThenStops() throws Exception {
        Path key = Files.writeString(dir.resolve("key.txt"), "k3y\n");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), GrukitCli.class.getName(), "serve", "--model",
                "reviews=" + dir.resolve("reviews"), "--port", "0", "--api-key-file", key.toString(), "--max-wait-ms", "1500"));
        // Output to a file: Process.destroy() sends SIGTERM and also closes the pipes, and the last line comes after it.
        Path outFile = dir.resolve("serve.out");
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("serve.err").toFile()).redirectOutput(outFile.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Files.readString(outFile).indexOf('\n') < 0) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "no output; stderr: " + Files.readString(dir.resolve("serve.err")));
                Thread.sleep(20);
            }
            JsonNode ready = JSON.readTree(Files.readAllLines(outFile).get(0));
            assertEquals("listening", ready.get("event").asText());
            assertEquals("sentiment-classifier", ready.get("models").get("reviews").asText());
            int port = ready.get("port").asInt();

            // The batch waits 1.5 s for company; SIGTERM arrives 300 ms in.
            HttpClient client = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/models/reviews:predict")).header("Authorization", "Bearer k3y")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [\"a great film\"]}")).build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            p.destroy(); // SIGTERM
            HttpResponse<String> r = inFlight.get(20, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(model.predict(List.of("a great film")).get(0).label(), JSON.readTree(r.body()).get("predictions").get(0).get("label").asText());
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the server stopped");
            List<String> lines = Files.readAllLines(outFile);
            JsonNode stopped = JSON.readTree(lines.get(lines.size() - 1));
            assertEquals("stopped", stopped.get("event").asText());
            assertEquals(1, stopped.get("inputs").get("reviews").asInt());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void badOptionsAreNamed() throws Exception {
        Object[][] cases = {
                {new String[] {"serve", "--model", "reviews"}, "--model takes NAME=DIR"},
                {new String[] {"serve", "--model", "a/b=" + dir.resolve("reviews")}, "a name is letters"},
                {new String[] {"serve", "--model", "r=" + dir.resolve("missing")}, "--model r="},
                {new String[] {"serve", "--model", "r=" + dir.resolve("reviews"), "--model-batching", "x=1,2,3"}, "no --model is called 'x'"},
                {new String[] {"serve", "--model", "r=" + dir.resolve("reviews"), "--max-batch-size", "0"}, "maxBatchSize must be >= 1"},
                {new String[] {"serve", "--model", "r=" + dir.resolve("reviews"), "--api-key-file", dir.resolve("none.txt").toString()}, "none.txt"}};
        for (Object[] c : cases) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream old = System.err;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = GrukitCli.run((String[]) c[0]); // as main runs it: the CLI's own error handling
            } finally {
                System.setErr(old);
            }
            String text = err.toString(StandardCharsets.UTF_8);
            assertTrue(code == 1 || code == 2, String.join(" ", (String[]) c[0]) + " exited " + code);
            assertTrue(text.contains((String) c[1]), String.join(" ", (String[]) c[0]) + ": " + text);
            assertTrue(!text.contains("\tat "), "no stack trace: " + text);
        }
    }
}

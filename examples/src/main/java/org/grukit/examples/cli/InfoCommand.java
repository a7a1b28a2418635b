package org.grukit.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.task.Task;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code grukit info DIR}: what a model folder holds and how it was made, for any task: its type, what the
 * model says of itself, and the provenance in its model.json, as one JSON line; a short summary on stderr.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "What a model folder holds and how it was made (type, settings, data digests, epochs), as a JSON line.")
final class InfoCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "DIR", description = "A model folder written by a grukit train command.")
    Path dir;

    @Override
    public Integer call() throws IOException {
        JsonNode descriptor = ModelBundle.readDescriptor(dir);
        String type = descriptor.get("type").asText();
        ObjectNode out = JSON.createObjectNode();
        out.put("model", dir.toString());
        out.put("type", type);
        out.put("formatVersion", descriptor.get("formatVersion").asInt());
        out.put("parameters", descriptor.path("weights").path("parameters").asLong());
        Task<?, ?, ?, ?, ?> task = Tasks.find(type).orElse(null); // a model no task on the class path knows: its descriptor only
        if (task != null) {
            TaskModel<?, ?, ?> model = task.load(dir);
            out.put("task", task.name());
            out.set("describe", JSON.valueToTree(model.describe()));
            out.set("outputs", JSON.valueToTree(model.outputFields())); // what each prediction holds, by name and kind
        }
        JsonNode prov = descriptor.path("provenance");
        out.set("provenance", prov);
        System.out.println(JSON.writeValueAsString(out));
        System.err.println(summary(out, prov));
        return 0;
    }

    /** A few lines a person reads: what, from which data, which epoch, on what. */
    private static String summary(ObjectNode out, JsonNode prov) {
        StringBuilder sb = new StringBuilder();
        sb.append(out.path("task").asText(out.get("type").asText())).append(" model, ")
                .append(out.get("parameters").asLong()).append(" parameters, grukit ")
                .append(prov.path("grukitVersion").asText("?"));
        if (prov.has("data")) {
            prov.get("data").fields().forEachRemaining(e -> sb.append(String.format("%n  %-5s %d examples, sha256 %s",
                    e.getKey(), e.getValue().path("examples").asInt(), e.getValue().path("sha256").asText().substring(0,
                            Math.min(12, e.getValue().path("sha256").asText().length())))));
        }
        if (prov.has("bestEpoch")) {
            sb.append(String.format("%n  best epoch %d of %d by %s; dev %s", prov.get("bestEpoch").asInt(),
                    prov.path("epochs").size(), prov.path("monitor").asText(), prov.path("devMetrics")));
        } else {
            sb.append(String.format("%n  no training record (saved without one)"));
        }
        if (prov.has("java")) {
            sb.append(String.format("%n  seed %s, Java %s, %s kernels, %s threads", prov.path("seed").asText(),
                    prov.path("java").asText(), prov.path("kernels").asText(), prov.path("threads").asText()));
        }
        return sb.toString();
    }
}

package org.grukit.nlp.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON lines: an object a line, with the named fields taken as the table's columns (a missing field is an empty
 * value, so the typed views treat it as malformed). A line that is not a JSON object fails or is skipped.
 */
public final class JsonLinesTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLinesTable() {}

    public static Table read(Path path, BadRows bad, String... fields) throws IOException {
        if (fields.length == 0) throw new IllegalArgumentException("name the fields to read");
        List<Row> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        try (TextFiles.Lines lines = TextFiles.lines(path, StandardCharsets.UTF_8)) {
            for (String line; (line = lines.next()) != null; ) {
                if (line.isBlank()) continue;
                Row row = new Row(List.of(), lines.origin());
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (com.fasterxml.jackson.core.JacksonException e) {
                    skipped = Table.skip(bad, row, "not JSON: " + e.getOriginalMessage(), problems, skipped);
                    continue;
                }
                if (node == null || !node.isObject()) {
                    skipped = Table.skip(bad, row, "expected a JSON object, found " + (node == null ? "nothing" : node.getNodeType()), problems, skipped);
                    continue;
                }
                List<String> values = new ArrayList<>(fields.length);
                for (String f : fields) {
                    JsonNode v = node.get(f);
                    values.add(v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
                }
                rows.add(new Row(values, lines.origin()));
            }
        }
        return new Table(path.getFileName().toString(), List.of(fields), rows);
    }
}

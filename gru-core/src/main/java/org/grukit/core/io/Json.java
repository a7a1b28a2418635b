package org.grukit.core.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The one JSON configuration grukit reads and writes its own files with (model.json, its preprocessing, run.json,
 * checkpoints' state): strict where a lenient reader would hide a damaged or hand-edited file (a fraction where an
 * integer belongs, a null for a number, trailing garbage are errors, not conversions), and tolerant of fields it does
 * not know, so that a newer grukit's additions do not stop an older one. The mapper is private: callers get
 * immutable readers and writers through the methods here.
 */
public final class Json {
    private Json() {}

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // A value of the wrong type is an error, not a conversion: "7" for an integer, -5 or "true" for a boolean,
            // a number for a string, an index for an enum.
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .build();

    /** A tree of {@code value}, as it would be written. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** An empty object to fill. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code value} pretty-printed, as grukit's files are written. */
    public static String pretty(Object value) throws IOException {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
    }

    /** {@code value} on one line, without white space. */
    public static String compact(Object value) throws IOException {
        return MAPPER.writeValueAsString(value);
    }

    /** Parses JSON text into a tree; the message of a failure says where in the text it went wrong. */
    public static JsonNode parse(byte[] bytes) throws JacksonException {
        try {
            return MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON from memory failed: " + e.getMessage(), e);
        }
    }

    /** Parses one line of JSON text into a tree. */
    public static JsonNode parse(String text) throws JacksonException {
        return MAPPER.readTree(text);
    }

    /** Binds a tree to {@code type}, strictly (see the class comment). */
    public static <T> T bind(JsonNode node, Class<T> type) throws JacksonException {
        return MAPPER.treeToValue(node, type);
    }

    /** Binds a tree to a generic type. */
    public static <T> T bind(JsonNode node, com.fasterxml.jackson.core.type.TypeReference<T> type) throws JacksonException {
        return MAPPER.treeToValue(node, MAPPER.getTypeFactory().constructType(type));
    }
}

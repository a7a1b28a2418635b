package org.grukit.core.task;

import java.util.List;

/**
 * One value a task's prediction holds, named and typed so that generic code can lay predictions out without
 * knowing the task: the columns a Spark stage adds to a table, the members of a served prediction.
 *
 * @param name        the column or member name ("label", "probability", "transcript")
 * @param kind        what the value is
 * @param description what it means, for a schema or a help text
 */
public record OutputField(String name, Kind kind, String description) implements java.io.Serializable {
    /** The kinds of value, each with the Java type {@link TaskModel#outputValues} gives it. */
    public enum Kind {
        /** A {@link String}. */
        STRING,
        /** A {@link Double}. */
        DOUBLE,
        /** An {@link Integer}. */
        INT,
        /** A {@code List<String>}. */
        STRING_LIST,
        /** A {@code List<Double>}. */
        DOUBLE_LIST,
        /** A {@code List<List<Double>>}: rows of equal length. */
        DOUBLE_MATRIX,
        /** A {@code List<List<List<Double>>>}: matrices of equal shape. */
        DOUBLE_CUBE;

        /** True when {@code value} is of this kind's Java type (a null never is). */
        public boolean holds(Object value) {
            return switch (this) {
                case STRING -> value instanceof String;
                case DOUBLE -> value instanceof Double;
                case INT -> value instanceof Integer;
                case STRING_LIST -> value instanceof List<?> l && l.stream().allMatch(String.class::isInstance);
                case DOUBLE_LIST -> value instanceof List<?> l && l.stream().allMatch(Double.class::isInstance);
                case DOUBLE_MATRIX -> value instanceof List<?> l && l.stream().allMatch(DOUBLE_LIST::holds);
                case DOUBLE_CUBE -> value instanceof List<?> l && l.stream().allMatch(DOUBLE_MATRIX::holds);
            };
        }
    }

    public OutputField {
        if (name == null || name.isBlank() || kind == null) throw new IllegalArgumentException("an output field needs a name and a kind");
        description = description == null ? "" : description;
    }

    /** {@code values} as a list of doubles (a float array, as the networks give them). */
    public static List<Double> doubles(float[] values) {
        Double[] out = new Double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (double) values[i];
        return List.of(out);
    }

    /** {@code values} as a list of doubles. */
    public static List<Double> doubles(double[] values) {
        Double[] out = new Double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return List.of(out);
    }
}

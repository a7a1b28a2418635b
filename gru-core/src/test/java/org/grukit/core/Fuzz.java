package org.grukit.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The fuzz suite's harness, shared by every reader's fuzz test: mutations of one valid input (truncation, random
 * bytes, characters of the format, extreme values for numbers, deleted and repeated spans), fed to a reader, which
 * must give a plausible result or a clear error (an IOException or IllegalArgumentException whose message names the
 * file); any other exception or error fails the test with the round that caused it. The fuzz tests run in a JVM of
 * 192 MB heap (surefire's fuzz-small-heap execution), so an allocation a header talked the reader into fails them
 * too; -Dgrukit.fuzz.rounds sets a longer run.
 */
public final class Fuzz {
    private Fuzz() {}

    /** Reads one mutated file. */
    @FunctionalInterface
    public interface Reader {
        Object read(Path file) throws Exception;
    }

    /** What a run found: counts for the closing note and the test's output. */
    public record Counts(String reader, int inputs, int results, int clearErrors) {
        @Override
        public String toString() {
            return String.format("%s fuzz: %d inputs, %d results, %d clear errors, 0 otherwise", reader, inputs, results, clearErrors);
        }
    }

    private static final String[] EXTREMES = {"99999999999", "-1", "0", "1e309", "NaN", "-2147483648", "2147483647", "1.5",
        "null", "\"x\"", "true", "[]", "{}", "-0", "1e-50", "18446744073709551616"};

    /** The number of rounds: {@code fallback} in the test command, -Dgrukit.fuzz.rounds in a longer run. */
    public static int rounds(int fallback) {
        return Integer.getInteger("grukit.fuzz.rounds", fallback);
    }

    /** Round {@code i}'s mutation of {@code good}; {@code alphabet} holds characters that mean something in the format. */
    public static byte[] mutate(byte[] good, Rng rng, int i, String alphabet) {
        byte[] b = good.clone();
        byte[] chars = alphabet.getBytes(StandardCharsets.UTF_8);
        int n = b.length;
        if (n == 0) return b;
        switch (i % 6) {
            case 0 -> b = Arrays.copyOf(b, rng.nextInt(n)); // truncated anywhere
            case 1 -> {
                for (int k = 0, m = 1 + rng.nextInt(4); k < m; k++) b[rng.nextInt(n)] = (byte) rng.nextInt(256);
            }
            case 2 -> {
                for (int k = 0, m = 1 + rng.nextInt(6); k < m; k++) b[rng.nextInt(n)] = chars[rng.nextInt(chars.length)];
            }
            case 3 -> b = replaceNumber(b, rng);
            case 4 -> { // a span deleted
                int from = rng.nextInt(n), to = Math.min(n, from + 1 + rng.nextInt(64));
                byte[] out = new byte[n - (to - from)];
                System.arraycopy(b, 0, out, 0, from);
                System.arraycopy(b, to, out, from, n - to);
                b = out;
            }
            default -> { // a span repeated
                int from = rng.nextInt(n), len = Math.min(n - from, 1 + rng.nextInt(64)), at = rng.nextInt(n + 1);
                byte[] out = new byte[n + len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, from, out, at, len);
                System.arraycopy(b, at, out, at + len, n - at);
                b = out;
            }
        }
        return b;
    }

    /** A run of digits (a size, a count, a dimension) replaced by an extreme value or another JSON type. */
    private static byte[] replaceNumber(byte[] b, Rng rng) {
        int start = rng.nextInt(b.length);
        int at = -1;
        for (int k = 0; k < b.length; k++) {
            int p = (start + k) % b.length;
            if (b[p] >= '0' && b[p] <= '9') {
                at = p;
                break;
            }
        }
        if (at < 0) return b;
        int from = at, to = at;
        while (from > 0 && (b[from - 1] >= '0' && b[from - 1] <= '9' || b[from - 1] == '.' || b[from - 1] == '-')) from--;
        while (to < b.length && (b[to] >= '0' && b[to] <= '9' || b[to] == '.')) to++;
        byte[] value = EXTREMES[rng.nextInt(EXTREMES.length)].getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length - (to - from) + value.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(value, 0, out, from, value.length);
        System.arraycopy(b, to, out, from + value.length, b.length - to);
        return out;
    }

    /** Makes round {@code i}'s input from the valid one. */
    @FunctionalInterface
    public interface Mutator {
        byte[] mutate(byte[] good, Rng rng, int i);
    }

    private static final String[] JSON_VALUES = {"null", "\"x\"", "-5", "1.5", "true", "[]", "{}", "99999999999", "\"\""};

    /**
     * A structural mutation of a JSON file: one member or element, anywhere in the tree, replaced by a value of another
     * type (null, a string, a negative or fractional number, a boolean, an empty array or object, a huge number).
     */
    public static byte[] mutateJson(byte[] good, Rng rng, int i) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode root = m.readTree(good);
            java.util.List<com.fasterxml.jackson.databind.JsonNode> containers = new java.util.ArrayList<>();
            java.util.ArrayDeque<com.fasterxml.jackson.databind.JsonNode> todo = new java.util.ArrayDeque<>(java.util.List.of(root));
            while (!todo.isEmpty()) {
                com.fasterxml.jackson.databind.JsonNode n = todo.pop();
                if (n.isContainerNode() && n.size() > 0) containers.add(n);
                n.elements().forEachRemaining(todo::push);
            }
            com.fasterxml.jackson.databind.JsonNode value = m.readTree(JSON_VALUES[rng.nextInt(JSON_VALUES.length)]);
            com.fasterxml.jackson.databind.JsonNode c = containers.get(rng.nextInt(containers.size()));
            if (c instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                java.util.List<String> names = new java.util.ArrayList<>();
                o.fieldNames().forEachRemaining(names::add);
                o.set(names.get(rng.nextInt(names.size())), value);
            } else {
                ((com.fasterxml.jackson.databind.node.ArrayNode) c).set(rng.nextInt(c.size()), value);
            }
            return m.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("the valid input is not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code rounds} mutations of {@code good} to {@code file} in turn and reads each with {@code reader}; a result
     * must pass {@code plausible}, an error must be clear (see the class comment).
     */
    public static Counts run(String name, Path file, byte[] good, String alphabet, int rounds, long seed, Reader reader,
                             Predicate<Object> plausible) throws IOException {
        return run(name, file, good, (g, rng, i) -> mutate(g, rng, i, alphabet), rounds, seed, reader, plausible);
    }

    /** {@link #run(String, Path, byte[], String, int, long, Reader, Predicate)} with another kind of mutation. */
    public static Counts run(String name, Path file, byte[] good, Mutator mutator, int rounds, long seed, Reader reader,
                             Predicate<Object> plausible) throws IOException {
        Rng rng = new Rng(seed);
        String fileName = file.getFileName().toString();
        int results = 0, errors = 0;
        for (int i = 0; i < rounds; i++) {
            byte[] input = mutator.mutate(good, rng, i);
            Files.write(file, input);
            Object result;
            try {
                result = reader.read(file);
            } catch (IOException | IllegalArgumentException | java.io.UncheckedIOException e) {
                if (Boolean.getBoolean("grukit.fuzz.verbose")) System.out.println(name + " round " + i + ": " + e.getMessage());
                if (e.getMessage() == null || !e.getMessage().contains(fileName)) {
                    throw new AssertionError(name + " round " + i + ": the error does not name " + fileName + ": " + e, e);
                }
                errors++;
                continue;
            } catch (Exception | Error e) {
                throw new AssertionError(name + " round " + i + " (seed " + seed + "): neither a result nor a clear error: " + e
                        + "\ninput: " + preview(input), e);
            }
            if (!plausible.test(result)) throw new AssertionError(name + " round " + i + ": implausible result " + result + "\ninput: " + preview(input));
            results++;
        }
        Counts c = new Counts(name, rounds, results, errors);
        System.out.println(c);
        return c;
    }

    private static String preview(byte[] input) {
        String s = new String(input, 0, Math.min(input.length, 600), StandardCharsets.ISO_8859_1);
        return s.replaceAll("[^\\x20-\\x7e\\n]", "?");
    }
}

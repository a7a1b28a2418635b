package org.grukit.core;

import java.util.Arrays;

/** Shape arithmetic and the error messages that name expected and actual shapes. */
public final class Shape {
    private Shape() {}

    public static int numel(int[] shape) {
        for (int d : shape) if (d == 0) return 0;
        long n = 1;
        for (int d : shape) {
            n *= d; // never overflows: n stays below 2^31 before each step, and d below 2^31
            if (n > Integer.MAX_VALUE - 8 || n < 0) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more values than an array holds");
            }
        }
        return (int) n;
    }

    public static void check(int[] shape) {
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("dimensions must be >= 0, got shape " + str(shape));
        }
        numel(shape);
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Normalises a possibly negative axis. */
    public static int axis(int d, int rank) {
        int a = d < 0 ? d + rank : d;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("dimension " + d + " out of range for a tensor of rank " + rank);
        }
        return a;
    }

    public static int flatIndex(int[] shape, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates, tensor of shape " + str(shape) + " needs " + shape.length);
        }
        int flat = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape "
                        + str(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** Product of dimensions [from, to). */
    public static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    /** Throws unless {@code t} has exactly {@code expected} shape; -1 in {@code expected} matches any size. */
    public static void expect(String what, Tensor t, int... expected) {
        int[] actual = t.shape();
        boolean ok = actual.length == expected.length;
        for (int i = 0; ok && i < expected.length; i++) ok = expected[i] < 0 || expected[i] == actual[i];
        if (!ok) {
            StringBuilder e = new StringBuilder("[");
            for (int i = 0; i < expected.length; i++) {
                if (i > 0) e.append(", ");
                e.append(expected[i] < 0 ? "*" : String.valueOf(expected[i]));
            }
            throw new IllegalArgumentException("expected " + what + " of shape " + e + "], got " + str(actual));
        }
    }
}

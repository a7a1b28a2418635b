package org.grukit.nlp.forecast;

/**
 * The Box-Cox power transform (Box and Cox 1964) applied to a series before it is modelled, and inverted on the
 * forecasts: w = log y for lambda 0, (y^lambda - 1) / lambda otherwise (lambda 0.5 is the square root's), except
 * that lambda 1 leaves the series as it is (the textbook's y - 1 would only move it). A log makes growing seasonal
 * swings (airline passengers) constant in size; a square root evens out the variance of counts (sunspots). As in
 * Hyndman and Athanasopoulos, "Forecasting: Principles and Practice", 3.1, forecasts are back-transformed without
 * bias adjustment, so a mean forecast of w becomes the median forecast of y.
 */
public record BoxCox(double lambda) {
    /** The identity (lambda 1). */
    public static final BoxCox NONE = new BoxCox(1);

    public BoxCox {
        // Negative powers are left out: their inverse has a pole a forecast could cross.
        if (!(lambda >= 0 && lambda <= 2)) throw new IllegalArgumentException("Box-Cox lambda must be in [0, 2], got " + lambda);
    }

    public boolean isIdentity() {
        return lambda == 1;
    }

    /** Whether every value is inside the transform's domain: y > 0 for lambda 0 (the log), y >= 0 otherwise (identity: any). */
    public boolean accepts(float[] y, int from, int to) {
        return firstOutside(y, from, to) < 0;
    }

    private int firstOutside(float[] y, int from, int to) {
        if (isIdentity()) return -1;
        for (int t = from; t < to; t++) if (lambda == 0 ? !(y[t] > 0) : !(y[t] >= 0)) return t;
        return -1;
    }

    /** The transformed copy of y; a value outside the domain is an error naming it and its row. */
    public float[] apply(float[] y, String column) {
        int bad = firstOutside(y, 0, y.length);
        if (bad >= 0) {
            throw new IllegalArgumentException("a Box-Cox transform with lambda " + lambda + " needs " + (lambda == 0 ? "positive" : "non-negative")
                    + " values, but column " + column + " has " + y[bad] + " at row " + (bad + 1));
        }
        float[] w = new float[y.length];
        for (int t = 0; t < y.length; t++) w[t] = apply(y[t]);
        return w;
    }

    public float apply(float y) {
        if (isIdentity()) return y;
        return (float) (lambda == 0 ? Math.log(y) : (Math.pow(y, lambda) - 1) / lambda);
    }

    /** The inverse; a transformed value below the domain's edge (possible for a forecast) maps to 0. */
    public float invert(float w) {
        if (isIdentity()) return w;
        if (lambda == 0) return (float) Math.exp(w);
        double base = lambda * (double) w + 1;
        return base <= 0 ? 0f : (float) Math.pow(base, 1 / lambda);
    }

    public float[] invert(float[] w) {
        float[] y = new float[w.length];
        for (int i = 0; i < w.length; i++) y[i] = invert(w[i]);
        return y;
    }
}

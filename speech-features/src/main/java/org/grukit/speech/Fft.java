package org.grukit.speech;

/**
 * The power spectrum of real frames by an in-place radix-2 complex FFT (sizes that are powers of two), in
 * double precision. A per-size instance holds the twiddle factors and bit-reversal table; it is not
 * thread-safe (each thread makes its own).
 */
public final class Fft {
    private final int n;
    private final double[] cos, sin, re, im;
    private final int[] rev;

    public Fft(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT size must be a power of two >= 2, got " + n);
        this.n = n;
        cos = new double[n / 2];
        sin = new double[n / 2];
        for (int i = 0; i < n / 2; i++) {
            cos[i] = Math.cos(-2 * Math.PI * i / n);
            sin[i] = Math.sin(-2 * Math.PI * i / n);
        }
        rev = new int[n];
        int bits = Integer.numberOfTrailingZeros(n);
        for (int i = 0; i < n; i++) rev[i] = Integer.reverse(i) >>> (32 - bits);
        re = new double[n];
        im = new double[n];
    }

    public int size() {
        return n;
    }

    /** out[k] = |X_k|^2 for k in [0, n/2] of the real frame x[off .. off + len) zero-padded to n. */
    public void powerSpectrum(double[] out, double[] x, int off, int len) {
        if (len > n) throw new IllegalArgumentException("frame of " + len + " samples is longer than the FFT size " + n);
        java.util.Arrays.fill(re, 0.0);
        java.util.Arrays.fill(im, 0.0);
        for (int i = 0; i < len; i++) re[rev[i]] = x[off + i];
        for (int size = 2; size <= n; size <<= 1) {
            int half = size >> 1, step = n / size;
            for (int start = 0; start < n; start += size) {
                for (int j = 0; j < half; j++) {
                    double wr = cos[j * step], wi = sin[j * step];
                    int a = start + j, b = a + half;
                    double tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
        for (int k = 0; k <= n / 2; k++) out[k] = re[k] * re[k] + im[k] * im[k];
    }
}

package org.grukit.speech;

/**
 * The power spectrum of real frames, in double precision: an in-place radix-2 complex FFT for sizes that are
 * powers of two, and Bluestein's chirp-z transform (a convolution done with a power-of-two FFT) for any
 * other size, so an n_fft of 400 costs O(n log n) too. An instance holds its tables and scratch and is not
 * thread-safe (each thread makes its own).
 */
public final class Fft {
    private final int n;
    private final double[] cos, sin, re, im;
    private final int[] rev;
    private final Fft inner; // Bluestein: the power-of-two FFT of the convolution
    private final double[] chirpRe, chirpIm, kernelRe, kernelIm;

    public Fft(int size) {
        if (size < 2) throw new IllegalArgumentException("FFT size must be >= 2, got " + size);
        if (Integer.bitCount(size) != 1) {
            // X_k = conj(w_k) sum_j (x_j conj(w_j)) w_{k-j}, w_j = e^{i pi j^2 / size}: a convolution of length m.
            int m = Integer.highestOneBit(2 * size - 1) << 1;
            n = size;
            inner = new Fft(m);
            cos = sin = re = im = null;
            rev = null;
            chirpRe = new double[size];
            chirpIm = new double[size];
            for (int j = 0; j < size; j++) {
                double a = Math.PI * ((long) j * j % (2L * size)) / size;
                chirpRe[j] = Math.cos(a);
                chirpIm[j] = Math.sin(a);
            }
            kernelRe = new double[m];
            kernelIm = new double[m];
            for (int j = 0; j < size; j++) {
                kernelRe[j] = chirpRe[j];
                kernelIm[j] = chirpIm[j];
                if (j > 0) {
                    kernelRe[m - j] = chirpRe[j];
                    kernelIm[m - j] = chirpIm[j];
                }
            }
            inner.transform(kernelRe, kernelIm);
            return;
        }
        inner = null;
        chirpRe = chirpIm = kernelRe = kernelIm = null;
        this.n = size;
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
        if (inner != null) {
            bluestein(out, x, off, len);
            return;
        }
        java.util.Arrays.fill(re, 0.0);
        java.util.Arrays.fill(im, 0.0);
        for (int i = 0; i < len; i++) re[i] = x[off + i];
        transform(re, im);
        for (int k = 0; k <= n / 2; k++) out[k] = re[k] * re[k] + im[k] * im[k];
    }

    /** In-place forward DFT of (re, im), n a power of two. */
    void transform(double[] re, double[] im) {
        for (int i = 0; i < n; i++) {
            int j = rev[i];
            if (j > i) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
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
    }

    private void bluestein(double[] out, double[] x, int off, int len) {
        int m = inner.n;
        double[] ar = inner.re, ai = inner.im; // the inner FFT's scratch, free between its calls
        java.util.Arrays.fill(ar, 0.0);
        java.util.Arrays.fill(ai, 0.0);
        for (int j = 0; j < len; j++) { // x_j conj(w_j)
            ar[j] = x[off + j] * chirpRe[j];
            ai[j] = -x[off + j] * chirpIm[j];
        }
        inner.transform(ar, ai);
        for (int k = 0; k < m; k++) { // pointwise product, then the inverse via conjugation
            double r = ar[k] * kernelRe[k] - ai[k] * kernelIm[k];
            double i = ar[k] * kernelIm[k] + ai[k] * kernelRe[k];
            ar[k] = r;
            ai[k] = -i;
        }
        inner.transform(ar, ai);
        for (int k = 0; k <= n / 2; k++) {
            double cr = ar[k] / m, ci = -ai[k] / m; // conv_k
            double xr = cr * chirpRe[k] + ci * chirpIm[k], xi = ci * chirpRe[k] - cr * chirpIm[k]; // times conj(w_k)
            out[k] = xr * xr + xi * xi;
        }
    }
}

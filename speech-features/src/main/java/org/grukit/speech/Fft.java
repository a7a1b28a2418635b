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
    private final int[] radices; // mixed radix: sizes made of 2, 3, 4 and 5
    private final double[] rootRe, rootIm, outRe, outIm, tRe, tIm;

    public Fft(int size) {
        if (size < 2) throw new IllegalArgumentException("FFT size must be >= 2, got " + size);
        int[] factors = Integer.bitCount(size) == 1 ? null : smallFactors(size);
        if (factors != null) {
            // Cooley-Tukey over small radices (n_fft = 400 = 4 4 5 5): about a quarter of Bluestein's work.
            n = size;
            radices = factors;
            rootRe = new double[size];
            rootIm = new double[size];
            for (int j = 0; j < size; j++) {
                rootRe[j] = Math.cos(-2 * Math.PI * j / size);
                rootIm[j] = Math.sin(-2 * Math.PI * j / size);
            }
            re = new double[size];
            im = new double[size];
            outRe = new double[size];
            outIm = new double[size];
            tRe = new double[5];
            tIm = new double[5];
            inner = null;
            cos = sin = null;
            rev = null;
            chirpRe = chirpIm = kernelRe = kernelIm = null;
            return;
        }
        radices = null;
        rootRe = rootIm = outRe = outIm = tRe = tIm = null;
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
        if (radices != null) {
            java.util.Arrays.fill(re, 0.0);
            java.util.Arrays.fill(im, 0.0);
            for (int i = 0; i < len; i++) re[i] = x[off + i];
            mixed(0, 1, n, 0, 0);
            for (int k = 0; k <= n / 2; k++) out[k] = outRe[k] * outRe[k] + outIm[k] * outIm[k];
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

    /** Radices 4, 2, 3, 5 whose product is n (4 first: fewest stages), or null if n has another factor. */
    private static int[] smallFactors(int n) {
        java.util.List<Integer> f = new java.util.ArrayList<>();
        int m = n;
        for (int p : new int[] {4, 2, 3, 5}) {
            while (m % p == 0) {
                f.add(p);
                m /= p;
            }
        }
        return m == 1 ? f.stream().mapToInt(Integer::intValue).toArray() : null;
    }

    /**
     * Decimation in time: the DFT of the length-{@code len} sequence re/im[off], re/im[off + stride], ... into
     * outRe/outIm[yOff .. yOff + len), as radix-p butterflies over p sub-DFTs of length len / p.
     */
    private void mixed(int off, int stride, int len, int yOff, int level) {
        if (len == 1) {
            outRe[yOff] = re[off];
            outIm[yOff] = im[off];
            return;
        }
        int p = radices[level], m = len / p;
        for (int r = 0; r < p; r++) mixed(off + r * stride, stride * p, m, yOff + r * m, level + 1);
        int step = n / len; // root index of W_len^1
        for (int k = 0; k < m; k++) {
            for (int r = 0; r < p; r++) { // t_r = Y_r[k] W_len^{r k}
                int w = (r * k * step) % n;
                double yr = outRe[yOff + r * m + k], yi = outIm[yOff + r * m + k];
                tRe[r] = yr * rootRe[w] - yi * rootIm[w];
                tIm[r] = yr * rootIm[w] + yi * rootRe[w];
            }
            for (int q = 0; q < p; q++) { // X[k + q m] = sum_r t_r W_p^{r q}
                double sr = 0, si = 0;
                for (int r = 0; r < p; r++) {
                    int w = (r * q % p) * (n / p);
                    sr += tRe[r] * rootRe[w] - tIm[r] * rootIm[w];
                    si += tRe[r] * rootIm[w] + tIm[r] * rootRe[w];
                }
                outRe[yOff + q * m + k] = sr;
                outIm[yOff + q * m + k] = si;
            }
        }
    }
}

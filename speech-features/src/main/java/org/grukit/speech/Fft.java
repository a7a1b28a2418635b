package org.grukit.speech;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The power spectrum of real frames, in double precision. A real frame of even size n is transformed as a
 * complex sequence of n / 2 points (even samples as real parts, odd as imaginary) and split into the
 * spectrum afterwards, which halves the work. The complex transform is a mixed-radix Stockham FFT with
 * hand-written radix 2, 3, 4 and 5 butterflies (n_fft = 400 is 200 = 4 2 5 5 complex points, 512 is 4 4 4 4),
 * and Bluestein's chirp-z transform (a convolution done with a power-of-two FFT) for sizes with any other
 * prime factor, so every size costs O(n log n). An instance holds its tables and scratch and is not
 * thread-safe (each thread makes its own).
 */
public final class Fft {
    private final int n;
    private final Complex half; // the n / 2-point transform of the real path, or null
    private final Complex full; // the n-point transform when n is odd, or null
    private final double[] splitRe, splitIm; // e^{-2 pi i k / n}, k in [0, n / 2]
    private final double[] zRe, zIm;

    public Fft(int size) {
        if (size < 2) throw new IllegalArgumentException("FFT size must be >= 2, got " + size);
        n = size;
        if (size % 2 == 0) {
            int h = size / 2;
            half = Complex.of(h);
            full = null;
            splitRe = new double[h + 1];
            splitIm = new double[h + 1];
            for (int k = 0; k <= h; k++) {
                splitRe[k] = Math.cos(-2 * Math.PI * k / size);
                splitIm[k] = Math.sin(-2 * Math.PI * k / size);
            }
            zRe = new double[h];
            zIm = new double[h];
        } else {
            half = null;
            full = Complex.of(size);
            splitRe = splitIm = null;
            zRe = new double[size];
            zIm = new double[size];
        }
    }

    public int size() {
        return n;
    }

    /** out[k] = |X_k|^2 for k in [0, n/2] of the real frame x[off .. off + len) zero-padded to n. */
    public void powerSpectrum(double[] out, double[] x, int off, int len) {
        if (len > n) throw new IllegalArgumentException("frame of " + len + " samples is longer than the FFT size " + n);
        if (full != null) {
            Arrays.fill(zRe, 0.0);
            Arrays.fill(zIm, 0.0);
            System.arraycopy(x, off, zRe, 0, len);
            full.transform(zRe, zIm);
            for (int k = 0; k <= n / 2; k++) out[k] = zRe[k] * zRe[k] + zIm[k] * zIm[k];
            return;
        }
        int h = n / 2;
        for (int j = 0; j < h; j++) {
            int e = 2 * j;
            zRe[j] = e < len ? x[off + e] : 0.0;
            zIm[j] = e + 1 < len ? x[off + e + 1] : 0.0;
        }
        half.transform(zRe, zIm);
        // With Z the transform of z_j = x_2j + i x_2j+1: E_k = (Z_k + conj Z_{h-k}) / 2 is the transform of the even
        // samples, O_k = (Z_k - conj Z_{h-k}) / 2i that of the odd ones, and X_k = E_k + e^{-2 pi i k / n} O_k.
        for (int k = 0; k <= h; k++) {
            int a = k == h ? 0 : k, b = k == 0 ? 0 : h - k;
            double ar = zRe[a], ai = zIm[a], br = zRe[b], bi = -zIm[b];
            double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
            double or = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
            double wr = splitRe[k], wi = splitIm[k];
            double xr = er + wr * or - wi * oi, xi = ei + wr * oi + wi * or;
            out[k] = xr * xr + xi * xi;
        }
    }

    /** A forward complex DFT of one size, in place on (re, im). */
    abstract static class Complex {
        final int n;

        Complex(int n) {
            this.n = n;
        }

        abstract void transform(double[] re, double[] im);

        static Complex of(int n) {
            if (n == 1) return new Complex(1) {
                @Override
                void transform(double[] re, double[] im) {}
            };
            int[] radices = smallFactors(n);
            return radices != null ? new Stockham(n, radices) : new Bluestein(n);
        }
    }

    /**
     * Radices 4, 2, 3, 5 whose product is n (4 first: fewest passes), or null if n has another prime factor.
     * A lone 2 comes after the 4s, so a power of two is 4 ... 4 2.
     */
    static int[] smallFactors(int n) {
        List<Integer> f = new ArrayList<>();
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
     * Stockham auto-sort, decimation in frequency: each pass of radix p reads p points a stride m apart, applies
     * the p-point butterfly, multiplies output t by the twiddle W_len^{j t}, and writes to the other buffer in an
     * order that leaves the result sorted at the end (no bit reversal).
     */
    static final class Stockham extends Complex {
        private static final double S3 = Math.sqrt(3) / 2;
        private static final double C51 = Math.cos(2 * Math.PI / 5), C52 = Math.cos(4 * Math.PI / 5);
        private static final double S51 = Math.sin(2 * Math.PI / 5), S52 = Math.sin(4 * Math.PI / 5);

        private final int[] radices;
        private final double[] rootRe, rootIm, bRe, bIm;

        Stockham(int n, int[] radices) {
            super(n);
            this.radices = radices;
            rootRe = new double[n];
            rootIm = new double[n];
            for (int j = 0; j < n; j++) {
                rootRe[j] = Math.cos(-2 * Math.PI * j / n);
                rootIm[j] = Math.sin(-2 * Math.PI * j / n);
            }
            bRe = new double[n];
            bIm = new double[n];
        }

        @Override
        void transform(double[] re, double[] im) {
            double[] xr = re, xi = im, yr = bRe, yi = bIm;
            int len = n, s = 1;
            for (int p : radices) {
                int m = len / p, step = n / len; // W_len^1 is root[step]
                switch (p) {
                    case 4 -> radix4(xr, xi, yr, yi, m, s, step);
                    case 2 -> radix2(xr, xi, yr, yi, m, s, step);
                    case 3 -> radix3(xr, xi, yr, yi, m, s, step);
                    default -> radix5(xr, xi, yr, yi, m, s, step);
                }
                double[] t = xr;
                xr = yr;
                yr = t;
                t = xi;
                xi = yi;
                yi = t;
                len = m;
                s *= p;
            }
            if (xr != re) {
                System.arraycopy(xr, 0, re, 0, n);
                System.arraycopy(xi, 0, im, 0, n);
            }
        }

        private void radix2(double[] xr, double[] xi, double[] yr, double[] yi, int m, int s, int step) {
            for (int j = 0; j < m; j++) {
                double w1r = rootRe[j * step], w1i = rootIm[j * step];
                for (int q = 0; q < s; q++) {
                    int i0 = q + s * j, i1 = i0 + s * m, o = q + s * 2 * j;
                    double dr = xr[i0] - xr[i1], di = xi[i0] - xi[i1];
                    yr[o] = xr[i0] + xr[i1];
                    yi[o] = xi[i0] + xi[i1];
                    yr[o + s] = dr * w1r - di * w1i;
                    yi[o + s] = dr * w1i + di * w1r;
                }
            }
        }

        private void radix4(double[] xr, double[] xi, double[] yr, double[] yi, int m, int s, int step) {
            for (int j = 0; j < m; j++) {
                int w = j * step;
                double w1r = rootRe[w], w1i = rootIm[w], w2r = rootRe[2 * w], w2i = rootIm[2 * w];
                double w3r = rootRe[3 * w], w3i = rootIm[3 * w];
                for (int q = 0; q < s; q++) {
                    int i0 = q + s * j, i1 = i0 + s * m, i2 = i1 + s * m, i3 = i2 + s * m, o = q + s * 4 * j;
                    double sr = xr[i0] + xr[i2], si = xi[i0] + xi[i2], dr = xr[i0] - xr[i2], di = xi[i0] - xi[i2];
                    double tr = xr[i1] + xr[i3], ti = xi[i1] + xi[i3], ur = xr[i1] - xr[i3], ui = xi[i1] - xi[i3];
                    // b0 = s + t, b2 = s - t, b1 = d - i u, b3 = d + i u (W_4 = -i)
                    double b1r = dr + ui, b1i = di - ur, b2r = sr - tr, b2i = si - ti, b3r = dr - ui, b3i = di + ur;
                    yr[o] = sr + tr;
                    yi[o] = si + ti;
                    yr[o + s] = b1r * w1r - b1i * w1i;
                    yi[o + s] = b1r * w1i + b1i * w1r;
                    yr[o + 2 * s] = b2r * w2r - b2i * w2i;
                    yi[o + 2 * s] = b2r * w2i + b2i * w2r;
                    yr[o + 3 * s] = b3r * w3r - b3i * w3i;
                    yi[o + 3 * s] = b3r * w3i + b3i * w3r;
                }
            }
        }

        private void radix3(double[] xr, double[] xi, double[] yr, double[] yi, int m, int s, int step) {
            for (int j = 0; j < m; j++) {
                int w = j * step;
                double w1r = rootRe[w], w1i = rootIm[w], w2r = rootRe[2 * w], w2i = rootIm[2 * w];
                for (int q = 0; q < s; q++) {
                    int i0 = q + s * j, i1 = i0 + s * m, i2 = i1 + s * m, o = q + s * 3 * j;
                    double tr = xr[i1] + xr[i2], ti = xi[i1] + xi[i2];
                    double cr = xr[i0] - 0.5 * tr, ci = xi[i0] - 0.5 * ti;
                    double dr = S3 * (xr[i1] - xr[i2]), di = S3 * (xi[i1] - xi[i2]);
                    // b1 = c - i d, b2 = c + i d (W_3 = -1/2 - i sqrt(3)/2)
                    double b1r = cr + di, b1i = ci - dr, b2r = cr - di, b2i = ci + dr;
                    yr[o] = xr[i0] + tr;
                    yi[o] = xi[i0] + ti;
                    yr[o + s] = b1r * w1r - b1i * w1i;
                    yi[o + s] = b1r * w1i + b1i * w1r;
                    yr[o + 2 * s] = b2r * w2r - b2i * w2i;
                    yi[o + 2 * s] = b2r * w2i + b2i * w2r;
                }
            }
        }

        private void radix5(double[] xr, double[] xi, double[] yr, double[] yi, int m, int s, int step) {
            for (int j = 0; j < m; j++) {
                int w = j * step;
                double w1r = rootRe[w], w1i = rootIm[w], w2r = rootRe[2 * w], w2i = rootIm[2 * w];
                double w3r = rootRe[3 * w], w3i = rootIm[3 * w], w4r = rootRe[4 * w], w4i = rootIm[4 * w];
                for (int q = 0; q < s; q++) {
                    int i0 = q + s * j, i1 = i0 + s * m, i2 = i1 + s * m, i3 = i2 + s * m, i4 = i3 + s * m;
                    int o = q + s * 5 * j;
                    double a0r = xr[i0], a0i = xi[i0];
                    double s1r = xr[i1] + xr[i4], s1i = xi[i1] + xi[i4], d1r = xr[i1] - xr[i4], d1i = xi[i1] - xi[i4];
                    double s2r = xr[i2] + xr[i3], s2i = xi[i2] + xi[i3], d2r = xr[i2] - xr[i3], d2i = xi[i2] - xi[i3];
                    // b1,4 = a0 + c1 s1 + c2 s2 -/+ i (s1 d1 + s2 d2); b2,3 = a0 + c2 s1 + c1 s2 -/+ i (s2 d1 - s1 d2)
                    double pr = a0r + C51 * s1r + C52 * s2r, pi = a0i + C51 * s1i + C52 * s2i;
                    double qr = S51 * d1r + S52 * d2r, qi = S51 * d1i + S52 * d2i;
                    double rr = a0r + C52 * s1r + C51 * s2r, ri = a0i + C52 * s1i + C51 * s2i;
                    double ur = S52 * d1r - S51 * d2r, ui = S52 * d1i - S51 * d2i;
                    double b1r = pr + qi, b1i = pi - qr, b4r = pr - qi, b4i = pi + qr;
                    double b2r = rr + ui, b2i = ri - ur, b3r = rr - ui, b3i = ri + ur;
                    yr[o] = a0r + s1r + s2r;
                    yi[o] = a0i + s1i + s2i;
                    yr[o + s] = b1r * w1r - b1i * w1i;
                    yi[o + s] = b1r * w1i + b1i * w1r;
                    yr[o + 2 * s] = b2r * w2r - b2i * w2i;
                    yi[o + 2 * s] = b2r * w2i + b2i * w2r;
                    yr[o + 3 * s] = b3r * w3r - b3i * w3i;
                    yi[o + 3 * s] = b3r * w3i + b3i * w3r;
                    yr[o + 4 * s] = b4r * w4r - b4i * w4i;
                    yi[o + 4 * s] = b4r * w4i + b4i * w4r;
                }
            }
        }
    }

    /** X_k = conj(w_k) sum_j (x_j conj(w_j)) w_{k-j}, w_j = e^{i pi j^2 / n}: a convolution of power-of-two length. */
    static final class Bluestein extends Complex {
        private final Stockham inner;
        private final double[] chirpRe, chirpIm, kernelRe, kernelIm, ar, ai;

        Bluestein(int n) {
            super(n);
            int m = Integer.highestOneBit(2 * n - 1) << 1;
            inner = new Stockham(m, smallFactors(m));
            chirpRe = new double[n];
            chirpIm = new double[n];
            for (int j = 0; j < n; j++) {
                double a = Math.PI * ((long) j * j % (2L * n)) / n; // j^2 mod 2n keeps the angle exact for large j
                chirpRe[j] = Math.cos(a);
                chirpIm[j] = Math.sin(a);
            }
            kernelRe = new double[m];
            kernelIm = new double[m];
            for (int j = 0; j < n; j++) {
                kernelRe[j] = chirpRe[j];
                kernelIm[j] = chirpIm[j];
                if (j > 0) {
                    kernelRe[m - j] = chirpRe[j];
                    kernelIm[m - j] = chirpIm[j];
                }
            }
            inner.transform(kernelRe, kernelIm);
            ar = new double[m];
            ai = new double[m];
        }

        @Override
        void transform(double[] re, double[] im) {
            int m = inner.n;
            Arrays.fill(ar, 0.0);
            Arrays.fill(ai, 0.0);
            for (int j = 0; j < n; j++) { // x_j conj(w_j)
                ar[j] = re[j] * chirpRe[j] + im[j] * chirpIm[j];
                ai[j] = im[j] * chirpRe[j] - re[j] * chirpIm[j];
            }
            inner.transform(ar, ai);
            for (int k = 0; k < m; k++) { // pointwise product, conjugated so the next forward FFT inverts
                double r = ar[k] * kernelRe[k] - ai[k] * kernelIm[k];
                double i = ar[k] * kernelIm[k] + ai[k] * kernelRe[k];
                ar[k] = r;
                ai[k] = -i;
            }
            inner.transform(ar, ai);
            for (int k = 0; k < n; k++) {
                double cr = ar[k] / m, ci = -ai[k] / m; // conv_k
                re[k] = cr * chirpRe[k] + ci * chirpIm[k]; // times conj(w_k)
                im[k] = ci * chirpRe[k] - cr * chirpIm[k];
            }
        }
    }
}

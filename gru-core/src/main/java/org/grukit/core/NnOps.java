package org.grukit.core;

import java.util.Arrays;
import java.util.OptionalInt;
import org.grukit.core.kernel.Reductions;

/**
 * Neural-network ops: embedding, dropout and layer normalization, each with its backward. Each op is documented
 * where users call it, on {@link Ops}.
 */
final class NnOps {
    private NnOps() {}

    static Tensor embedding(Tensor weight, int[] ids, int[] idsShape) {
        return embedding(weight, ids, idsShape, OptionalInt.empty());
    }

    static Tensor embedding(Tensor weight, int[] ids, int[] idsShape, int paddingIdx) {
        return embedding(weight, ids, idsShape, OptionalInt.of(paddingIdx));
    }

    static Tensor embedding(Tensor weight, int[] ids, int[] idsShape, OptionalInt paddingIdx) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("expected embedding weight of shape [V, D], got " + Shape.str(weight.shape()));
        }
        int vocab = weight.dim(0), dimD = weight.dim(1);
        final int padding = paddingIdx.isPresent() ? paddingRow(paddingIdx.getAsInt(), vocab) : -1;
        if (Shape.numel(idsShape) != ids.length) {
            throw new IllegalArgumentException("ids shape " + Shape.str(idsShape) + " needs " + Shape.numel(idsShape)
                    + " ids, got " + ids.length);
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IndexOutOfBoundsException("token id " + ids[i] + " at position " + i
                        + " is outside the embedding's vocabulary [0, " + vocab + ")");
            }
        }
        int[] shape = Arrays.copyOf(idsShape, idsShape.length + 1);
        shape[idsShape.length] = dimD;
        Tensor out = Tensor.zeros(shape);
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(weight.data, weight.offset + ids[i] * dimD, out.data, i * dimD, dimD);
        }
        if (!Autograd.needsGrad(weight)) return out;
        return Autograd.record("embedding", out, () -> {
            float[] gw = Autograd.grad(weight);
            int gwo = Autograd.gradOffset(weight);
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == padding) continue;
                int dst = gwo + ids[i] * dimD, src = out.gradOffset + i * dimD;
                for (int j = 0; j < dimD; j++) gw[dst + j] += out.grad[src + j];
            }
        }, weight);
    }

    static int paddingRow(int paddingIdx, int rows) {
        if (paddingIdx < -rows || paddingIdx >= rows) {
            throw new IllegalArgumentException("paddingIdx must be in [-" + rows + ", " + rows + ") for " + rows
                    + " embeddings, got " + paddingIdx);
        }
        return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
    }

    static Tensor dropout(Tensor a, float p, Rng rng) {
        if (p < 0f || p >= 1f) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        if (p == 0f) return a;
        int n = a.numel();
        float scale = 1f / (1f - p);
        // The mask as bits, one per element: the backward keeps it alive, and a float per element made it as large
        // as the activation itself (110 MB for a segment decoder's [53760, 512] at 720 hours). Same draws, same order.
        long[] keep = new long[(n + 63) >>> 6];
        Tensor out = Tensor.zeros(a.shape());
        for (int k = 0; k < n; k++) { // without branches: a coin flip's branch is mispredicted half the time
            long bit = rng.uniform() >= p ? 1L : 0L;
            keep[k >>> 6] |= bit << k;
            out.data[k] = a.data[a.offset + k] * (bit * scale);
        }
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("dropout", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int k = 0; k < n; k++) ga[gao + k] += out.grad[out.gradOffset + k] * ((keep[k >>> 6] >>> k & 1L) * scale);
        }, a);
    }

    static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int d = x.dim(-1), rows = x.numel() / Math.max(1, d);
        if (gamma != null) Shape.expect("layer norm weight", gamma, d);
        if (beta != null) Shape.expect("layer norm bias", beta, d);
        Tensor out = Tensor.zeros(x.shape());
        float[] xhat = new float[x.numel()];
        float[] invStd = new float[rows];
        for (int r = 0; r < rows; r++) {
            int o = x.offset + r * d;
            double mean = 0;
            for (int j = 0; j < d; j++) mean += x.data[o + j];
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                double c = x.data[o + j] - mean;
                var += c * c;
            }
            var /= d; // biased, as PyTorch
            float is = (float) (1.0 / Math.sqrt(var + eps));
            invStd[r] = is;
            for (int j = 0; j < d; j++) {
                float h = (float) ((x.data[o + j] - mean) * is);
                xhat[r * d + j] = h;
                float y = h;
                if (gamma != null) y *= gamma.data[gamma.offset + j];
                if (beta != null) y += beta.data[beta.offset + j];
                out.data[r * d + j] = y;
            }
        }
        if (!Autograd.needsGrad(x, gamma, beta)) return out;
        Tensor[] inputs = {x, gamma, beta};
        Autograd.record("layer_norm", inputs, new Tensor[] {out}, () -> {
            float[] gy = out.grad;
            int go = out.gradOffset;
            if (Autograd.wants(gamma)) {
                float[] gg = Autograd.grad(gamma);
                int ggo = Autograd.gradOffset(gamma);
                for (int r = 0; r < rows; r++) for (int j = 0; j < d; j++) gg[ggo + j] += gy[go + r * d + j] * xhat[r * d + j];
            }
            if (Autograd.wants(beta)) Reductions.sumRows(Autograd.grad(beta), Autograd.gradOffset(beta), gy, go, rows, d);
            if (Autograd.wants(x)) {
                float[] gx = Autograd.grad(x);
                int gxo = Autograd.gradOffset(x);
                for (int r = 0; r < rows; r++) {
                    double sumG = 0, sumGx = 0;
                    for (int j = 0; j < d; j++) {
                        float g = gy[go + r * d + j] * (gamma == null ? 1f : gamma.data[gamma.offset + j]);
                        sumG += g;
                        sumGx += g * xhat[r * d + j];
                    }
                    for (int j = 0; j < d; j++) {
                        float g = gy[go + r * d + j] * (gamma == null ? 1f : gamma.data[gamma.offset + j]);
                        gx[gxo + r * d + j] += (float) (invStd[r] * (g - sumG / d - xhat[r * d + j] * sumGx / d));
                    }
                }
            }
        });
        return out;
    }
}

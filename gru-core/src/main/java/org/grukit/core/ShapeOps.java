package org.grukit.core;

import java.util.Arrays;

/**
 * Shape operations (reshape, permute, transpose, concat, stack, narrow, select, index select), each with its
 * backward. Each op is documented where users call it, on {@link Ops}.
 */
final class ShapeOps {
    private ShapeOps() {}

    static Tensor reshape(Tensor a, int... shape) {
        int[] s = shape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one dimension can be -1, got " + Shape.str(shape));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || a.numel() % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Shape.str(a.shape()) + " to " + Shape.str(shape));
            }
            s[infer] = a.numel() / known;
        }
        if (Shape.numel(s) != a.numel()) {
            throw new IllegalArgumentException("cannot reshape " + Shape.str(a.shape()) + " (" + a.numel()
                    + " values) to " + Shape.str(shape));
        }
        Tensor out = new Tensor(a.data, a.offset, s, a.version);
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("reshape", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int k = 0; k < a.numel(); k++) ga[gao + k] += out.grad[out.gradOffset + k];
        }, a);
    }

    static Tensor permute(Tensor a, int... dims) {
        int rank = a.rank();
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute needs " + rank + " dimensions, got " + Arrays.toString(dims));
        }
        int[] in = a.shape();
        int[] outShape = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shape.axis(dims[i], rank);
            if (seen[d]) throw new IllegalArgumentException("repeated dimension in permute " + Arrays.toString(dims));
            seen[d] = true;
            outShape[i] = in[d];
        }
        int[] inStride = strides(in);
        int[] srcStride = new int[rank];
        for (int i = 0; i < rank; i++) srcStride[i] = inStride[Shape.axis(dims[i], rank)];
        // Rows: when the last dimension stays last, whole rows move with one copy each.
        int rowLen = Shape.axis(dims[rank - 1], rank) == rank - 1 ? in[rank - 1] : 1;
        int outerRank = rowLen > 1 ? rank - 1 : rank;
        int rows = a.numel() / Math.max(1, rowLen);
        int[] map = new int[rows]; // source offset of each output row
        int[] idx = new int[outerRank];
        int pos = 0;
        for (int k = 0; k < rows; k++) {
            map[k] = pos;
            for (int i = outerRank - 1; i >= 0; i--) {
                idx[i]++;
                pos += srcStride[i];
                if (idx[i] < outShape[i]) break;
                pos -= srcStride[i] * idx[i];
                idx[i] = 0;
            }
        }
        Tensor out = Tensor.zeros(outShape);
        for (int k = 0; k < rows; k++) System.arraycopy(a.data, a.offset + map[k], out.data, k * rowLen, rowLen);
        if (!Autograd.needsGrad(a)) return out;
        final int len = rowLen;
        return Autograd.record("permute", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int k = 0; k < rows; k++) {
                int src = out.gradOffset + k * len, dst = gao + map[k];
                for (int j = 0; j < len; j++) ga[dst + j] += out.grad[src + j];
            }
        }, a);
    }

    static Tensor transpose(Tensor a, int d0, int d1) {
        int rank = a.rank();
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = i;
        int x = Shape.axis(d0, rank), y = Shape.axis(d1, rank);
        dims[x] = y;
        dims[y] = x;
        return permute(a, dims);
    }

    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int st = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = st;
            st *= shape[i];
        }
        return s;
    }

    static Tensor concat(int dim, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat needs at least one tensor");
        int rank = parts[0].rank();
        int d = Shape.axis(dim, rank);
        int[] shape = parts[0].shape();
        int total = 0;
        for (Tensor p : parts) {
            int[] s = p.shape();
            boolean ok = s.length == rank;
            for (int i = 0; ok && i < rank; i++) ok = i == d || s[i] == shape[i];
            if (!ok) {
                throw new IllegalArgumentException("concat along dimension " + d + " expected shapes like "
                        + Shape.str(shape) + " (any size at " + d + "), got " + Shape.str(s));
            }
            total += s[d];
        }
        shape[d] = total;
        final int rowWidth = total * Shape.prod(shape, d + 1, rank);
        int outer = Shape.prod(shape, 0, d), inner = Shape.prod(shape, d + 1, rank);
        Tensor out = Tensor.zeros(shape);
        int at = 0;
        for (Tensor p : parts) {
            int w = p.dim(d) * inner;
            for (int o = 0; o < outer; o++) System.arraycopy(p.data, p.offset + o * w, out.data, o * rowWidth + at, w);
            at += w;
        }
        if (!Autograd.needsGrad(parts)) return out;
        return Autograd.record("concat", out, () -> {
            int from = 0;
            for (Tensor p : parts) {
                int w = p.dim(d) * inner;
                if (Autograd.wants(p)) {
                    float[] gp = Autograd.grad(p);
                    int gpo = Autograd.gradOffset(p);
                    for (int o = 0; o < outer; o++) {
                        int src = out.gradOffset + o * rowWidth + from;
                        for (int k = 0; k < w; k++) gp[gpo + o * w + k] += out.grad[src + k];
                    }
                }
                from += w;
            }
        }, parts);
    }

    static Tensor stack(int dim, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("stack needs at least one tensor");
        int rank = parts[0].rank() + 1;
        int d = Shape.axis(dim, rank);
        Tensor[] expanded = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape(), parts[0].shape())) {
                throw new IllegalArgumentException("stack expected every tensor of shape " + Shape.str(parts[0].shape())
                        + ", got " + Shape.str(parts[i].shape()) + " at position " + i);
            }
            int[] s = new int[rank];
            int[] ps = parts[i].shape();
            for (int j = 0, k = 0; j < rank; j++) s[j] = j == d ? 1 : ps[k++];
            expanded[i] = reshape(parts[i], s);
        }
        return concat(d, expanded);
    }

    static Tensor narrow(Tensor a, int dim, int start, int length) {
        int rank = a.rank();
        int d = Shape.axis(dim, rank);
        int size = a.dim(d);
        if (start < 0 || length < 0 || start + length > size) {
            throw new IllegalArgumentException("narrow [" + start + ", " + (start + length) + ") out of range for"
                    + " dimension " + d + " of size " + size);
        }
        int[] shape = a.shape();
        shape[d] = length;
        int outer = Shape.prod(shape, 0, d), inner = Shape.prod(shape, d + 1, rank);
        int w = length * inner, srcW = size * inner, skip = start * inner;
        Tensor out = Tensor.zeros(shape);
        for (int o = 0; o < outer; o++) System.arraycopy(a.data, a.offset + o * srcW + skip, out.data, o * w, w);
        if (!Autograd.needsGrad(a)) return out;
        return Autograd.record("narrow", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < w; k++) ga[gao + o * srcW + skip + k] += out.grad[out.gradOffset + o * w + k];
            }
        }, a);
    }

    static Tensor select(Tensor a, int dim, int index) {
        int d = Shape.axis(dim, a.rank());
        Tensor n = narrow(a, d, index, 1);
        int[] s = a.shape();
        int[] out = new int[s.length - 1];
        for (int i = 0, k = 0; i < s.length; i++) if (i != d) out[k++] = s[i];
        return reshape(n, out);
    }

    static Tensor indexSelect(Tensor a, int[] index) {
        if (a.rank() == 0) throw new IllegalArgumentException("indexSelect needs a tensor of rank >= 1");
        int n = a.dim(0), row = a.numel() / Math.max(1, n);
        int[] shape = a.shape();
        shape[0] = index.length;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= n) {
                throw new IndexOutOfBoundsException("index " + index[i] + " at position " + i + " is outside [0, " + n + ")");
            }
        }
        Tensor out = Tensor.zeros(shape);
        for (int i = 0; i < index.length; i++) System.arraycopy(a.data, a.offset + index[i] * row, out.data, i * row, row);
        if (!Autograd.needsGrad(a)) return out;
        int[] idx = index.clone();
        return Autograd.record("index_select", out, () -> {
            float[] ga = Autograd.grad(a);
            int gao = Autograd.gradOffset(a);
            for (int i = 0; i < idx.length; i++) {
                int dst = gao + idx[i] * row, src = out.gradOffset + i * row;
                for (int j = 0; j < row; j++) ga[dst + j] += out.grad[src + j];
            }
        }, a);
    }
}

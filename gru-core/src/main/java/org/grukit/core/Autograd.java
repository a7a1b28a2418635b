package org.grukit.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Reverse-mode automatic differentiation over the graph of {@link Node}s that ops record.
 *
 * <p>Ops call {@link #needsGrad} to decide whether to keep what backward needs, and {@link #record} to
 * attach their backward function. {@link #backward} visits nodes in reverse topological order, so each
 * node runs once with its outputs' gradients complete, then releases the graph (as PyTorch does without
 * {@code retain_graph}) so activations can be collected.
 */
public final class Autograd {
    private Autograd() {}

    /** True when grad mode is on and any input wants a gradient. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad) return true;
        }
        return false;
    }

    /**
     * Records an op whose outputs are {@code outputs}. Call only when {@link #needsGrad} was true for the
     * same inputs; null inputs (an absent bias) are allowed and skipped.
     */
    public static void record(String name, Tensor[] inputs, Tensor[] outputs, Node.Backward backward) {
        Node node = new Node(name, inputs, outputs, backward);
        for (Tensor out : outputs) {
            out.creator = node;
            out.requiresGrad = true;
        }
    }

    /** Single-output convenience for {@link #record(String, Tensor[], Tensor[], Node.Backward)}. */
    public static Tensor record(String name, Tensor output, Node.Backward backward, Tensor... inputs) {
        record(name, inputs, new Tensor[] {output}, backward);
        return output;
    }

    /** The gradient storage of {@code t} (allocated on first use), for backward functions to accumulate into. */
    public static float[] grad(Tensor t) {
        return t.gradArray();
    }

    /** The gradient offset matching {@link #grad(Tensor)}. */
    public static int gradOffset(Tensor t) {
        t.gradArray();
        return t.gradOffset;
    }

    /** True when backward should accumulate into {@code t}. */
    public static boolean wants(Tensor t) {
        return t != null && t.requiresGrad;
    }

    static void backward(Tensor root, Tensor seed) {
        if (!root.requiresGrad) {
            throw new IllegalStateException("backward() on a tensor that does not require grad: no input of the"
                    + " computation was marked requiresGrad, or it ran under GradMode.noGrad()");
        }
        if (seed.numel() != root.numel()) {
            throw new IllegalArgumentException("backward gradient has shape " + Shape.str(seed.shape())
                    + ", expected the output's shape " + Shape.str(root.shape()));
        }
        float[] g = root.gradArray();
        for (int i = 0; i < root.numel(); i++) g[root.gradOffset + i] += seed.data[seed.offset + i];
        if (root.creator == null) return;

        List<Node> order = topologicalOrder(root.creator);
        for (int i = order.size() - 1; i >= 0; i--) {
            Node node = order.get(i);
            if (node.backward == null) {
                throw new IllegalStateException("the graph through " + node.name + " was already released by an"
                        + " earlier backward(); recompute the forward pass (grukit, like PyTorch, frees it)");
            }
            node.backward.run();
        }
        // Release the graph: activations held by the closures and inputs become collectable, and
        // intermediate gradients are dropped (PyTorch keeps .grad only on leaves). The emptied nodes stay
        // as creators, so a later backward through them fails instead of treating them as leaves.
        for (Node node : order) {
            node.backward = null;
            node.inputs = new Tensor[0];
            for (Tensor out : node.outputs) out.grad = null;
            node.outputs = new Tensor[0];
        }
    }

    /** Nodes ordered so that every node comes before the nodes that consume its outputs. */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> order = new ArrayList<>();
        IdentityHashMap<Node, Boolean> visited = new IdentityHashMap<>();
        // Iterative post-order DFS: deep graphs (long unrolled decoders) must not overflow the stack.
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node node = (Node) frame[0];
            int next = (Integer) frame[1];
            if (next < node.inputs.length) {
                frame[1] = next + 1;
                Tensor in = node.inputs[next];
                if (in != null && in.creator != null && !visited.containsKey(in.creator)) {
                    visited.put(in.creator, Boolean.TRUE);
                    stack.push(new Object[] {in.creator, 0});
                }
            } else {
                stack.pop();
                order.add(node);
            }
        }
        return order;
    }
}

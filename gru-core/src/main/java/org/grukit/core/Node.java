package org.grukit.core;

/**
 * One recorded operation: its inputs, its outputs and the function that, given the outputs' gradients,
 * accumulates ({@code +=}) the inputs' gradients. An operation with several outputs (a GRU layer returns
 * its output sequence and its final state) is one node shared by all of them.
 */
public final class Node {
    /** The backward function of an op; reads its outputs' gradients (null when an output was unused). */
    @FunctionalInterface
    public interface Backward {
        void run();
    }

    final String name;
    Tensor[] inputs;
    Tensor[] outputs;
    Backward backward;

    Node(String name, Tensor[] inputs, Tensor[] outputs, Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.outputs = outputs;
        this.backward = backward;
    }

    public String name() {
        return name;
    }
}

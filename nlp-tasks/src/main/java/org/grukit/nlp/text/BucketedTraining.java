package org.grukit.nlp.text;

import java.util.ArrayList;
import java.util.List;
import org.grukit.core.Rng;
import org.grukit.core.nn.Module;
import org.grukit.core.task.Task;

/**
 * What the text tasks' training runs share: the object being trained and its network, each training example's ids
 * (in {@link #ids}, filled by the subclass), and batches bucketed by length ({@link TextPipeline#buckets}), so a batch
 * wastes little on padding. A task adds its loss, its dev metrics and the metric that picks the epoch.
 *
 * @param <M> the trained model, as the task contract returns it
 */
public abstract class BucketedTraining<M> implements Task.Training<M> {
    private final M result;
    private final Module model;
    private final int batchSize;
    /** Each training example's ids, in training order; what batches are bucketed by. */
    protected final List<int[]> ids = new ArrayList<>();

    protected BucketedTraining(M result, Module model, int batchSize) {
        this.result = result;
        this.model = model;
        this.batchSize = batchSize;
    }

    @Override
    public final M result() {
        return result;
    }

    @Override
    public final Module model() {
        return model;
    }

    @Override
    public final int trainSize() {
        return ids.size();
    }

    @Override
    public final List<int[]> trainBatches(Rng rng) {
        return TextPipeline.buckets(ids, batchSize, rng);
    }
}

package org.grukit.core.task;

import java.io.IOException;
import java.nio.file.Path;
import org.grukit.core.train.TrainingTask;

/**
 * A grukit task: what is its own in training and loading a model, and nothing that every task shares. The
 * shared parts (the trainer and its optimiser and schedule, checkpoints, the model folder, the result) are
 * {@link Tasks}'. Implementations register through {@code META-INF/services/org.grukit.core.task.Task}, so
 * generic code finds every task on the class path by name or by model type.
 *
 * @param <S> the task's settings, with its defaults in {@link #defaults(int)}
 * @param <D> its dataset
 * @param <I> one input to predict for
 * @param <O> one prediction
 * @param <M> its trained model
 */
public interface Task<S extends TaskSettings, D, I, O, M extends TaskModel<D, I, O>> {
    /** The task's name on the command line and in results ("sentiment"). */
    String name();

    /** The model type its models are saved as; {@link Tasks#load} finds the task by it. */
    String modelType();

    /** Number of examples in a dataset, for progress, throughput and size-dependent defaults. */
    int size(D data);

    /**
     * The settings a training set of {@code trainSize} examples gets when nobody says otherwise: the one place
     * the defaults live, for the Java API and the command line alike.
     */
    S defaults(int trainSize);

    /**
     * Everything a run needs that is this task's own: preprocessing fitted on {@code train} only, the model
     * built and initialised from the settings' seed, the loss of a batch and the dev metrics.
     */
    Training<M> prepare(S settings, D train, D dev) throws IOException;

    /** Loads a model folder this task saved. */
    M load(Path dir) throws IOException;

    /** A prepared run: the trainer's view of the task, and the model it trains. */
    interface Training<M> extends TrainingTask {
        /** The model being trained; after training, holding the best epoch's weights. */
        M result();

        /**
         * Once the dev part has chosen the number of epochs, a fresh run from the same start on the training and
         * dev parts together, trained for that many epochs with the last one kept (nothing is held out any more,
         * so its {@code evaluate} must rank each epoch above the one before, as by monitoring the epoch number);
         * null, the default, for none. Its model replaces this run's.
         */
        default Training<M> refit() {
            return null;
        }
    }
}

package org.grukit.core.io;

/**
 * A model that can be saved as a {@link ModelBundle}: its registered type name and its configuration (a
 * record Jackson can write), from which {@link ModelTypes} rebuilds it before loading the weights.
 */
public interface SavableModel {
    /** The logical type name registered with {@link ModelTypes}, e.g. {@code "gru"}. */
    String modelType();

    /** Everything needed to rebuild the model's structure (hyperparameters, vocabularies, feature pipeline). */
    Object modelConfig();
}

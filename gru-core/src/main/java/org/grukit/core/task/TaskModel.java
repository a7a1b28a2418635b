package org.grukit.core.task;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grukit.core.io.SavableModel;
import org.grukit.core.nn.Module;

/**
 * A trained model of some task, as code that does not know the task sees it (the CLI, Spark, the server):
 * predict a list of inputs, evaluate on a dataset, save, describe. Loaded models are read-only and serve
 * {@link #predict} from many threads at once.
 *
 * @param <D> the task's dataset (labelled texts, sentence pairs, utterances, a series and its split)
 * @param <I> one input to predict for (a text, an utterance's audio, a history)
 * @param <O> one prediction (a label with probabilities, a translation, a transcript, a forecast)
 */
public interface TaskModel<D, I, O> {
    /** The registered model type, as written in model.json ("sentiment-classifier"): the network's own. */
    default String type() {
        if (module() instanceof SavableModel m) return m.modelType();
        throw new IllegalStateException(module().getClass().getSimpleName() + " is not a saved model type; override type()");
    }

    /** The class of one input, so that generic code can convert requests and table columns to it. */
    Class<I> inputType();

    /** What an input is made of outside Java (a table column, a request): {@link InputKind#TEXT} unless the task says. */
    default InputKind inputKind() {
        return InputKind.TEXT;
    }

    /**
     * The input a value from a table or a request stands for, in the form {@link #inputKind()} describes (an input of
     * {@link #inputType()} itself is taken as it is). A value that is not one, or that cannot be read (a broken audio
     * file), is an {@link IllegalArgumentException} naming what was expected and what was found.
     */
    default I input(Object value) {
        if (value == null) throw new IllegalArgumentException("the input is null; expected " + inputKind().description());
        if (inputType().isInstance(value)) return inputType().cast(value);
        throw new IllegalArgumentException("expected " + inputKind().description() + ", found " + value.getClass().getSimpleName());
    }

    /** The network itself. */
    Module module();

    /** Predictions in input order; inputs are batched by the model (length-sorted where lengths differ). */
    List<O> predict(List<I> inputs);

    /**
     * The values one prediction holds, in order: the columns a Spark stage adds to a table and the members of a served
     * prediction, laid out without knowing the task.
     */
    List<OutputField> outputFields();

    /** One prediction's values by {@link #outputFields()} name, each of its field's kind (see {@link OutputField.Kind}). */
    Map<String, Object> outputValues(O prediction);

    /**
     * Values a prediction can also carry when asked, costlier than the prediction (a sentiment model's attention weight
     * per token): fields beside {@link #outputFields()}, none unless the task has some.
     */
    default List<OutputField> detailFields() {
        return List.of();
    }

    /** The {@link #detailFields()} values for each input, in input order, by field name. */
    default List<Map<String, Object>> details(List<I> inputs) {
        throw new UnsupportedOperationException(type() + " models give no details beside their predictions");
    }

    /** {@link #outputValues} in the order of {@link #outputFields()}, in a map the caller may add to. */
    default Map<String, Object> orderedValues(O prediction) {
        Map<String, Object> given = outputValues(prediction);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (OutputField f : outputFields()) out.put(f.name(), given.get(f.name()));
        return out;
    }

    /** The settings a request may give with a prediction (a beam size), none unless the task has some. */
    default List<PredictOption> predictOptions() {
        return List.of();
    }

    /**
     * Each input's prediction as {@link #outputValues} lays it out, made as {@code options} say (names from
     * {@link #predictOptions()}; omitted ones take their defaults), with the {@link #detailFields()} values beside
     * them when {@code withDetails}. With no options this is {@link #predict} then {@link #outputValues}; a task with
     * options may add values they ask for (the other hypotheses of an n-best list). Unknown options, values out of
     * bounds and details from a model that has none are {@link IllegalArgumentException}s.
     */
    default List<Map<String, Object>> predictValues(List<I> inputs, Map<String, Integer> options, boolean withDetails) {
        PredictOption.resolve(predictOptions(), options);
        if (withDetails && detailFields().isEmpty()) throw new IllegalArgumentException("this " + type() + " model gives no details");
        List<O> predictions = predict(inputs);
        List<Map<String, Object>> details = withDetails ? details(inputs) : null;
        List<Map<String, Object>> out = new java.util.ArrayList<>(predictions.size());
        for (int i = 0; i < predictions.size(); i++) {
            Map<String, Object> values = orderedValues(predictions.get(i));
            if (details != null) for (OutputField f : detailFields()) values.put(f.name(), details.get(i).get(f.name()));
            out.add(values);
        }
        return out;
    }

    /** The task's metrics on {@code data}, by name ("accuracy", "bleu", "wer"). */
    Map<String, Double> metrics(D data);

    /** What a person or a client needs to know of the model (labels, vocabulary sizes, sample rate...). */
    Map<String, Object> describe();

    /** Writes the whole model folder (model.json, weights and what preprocessing needs) into {@code dir}. */
    void save(Path dir) throws IOException;
}

package org.grukit.examples.adding;

import org.grukit.core.task.OutputField;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grukit.core.GradMode;
import org.grukit.core.Tensor;
import org.grukit.core.synthetic.AddingProblem;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.nn.Module;
import org.grukit.core.task.TaskModel;

/**
 * A trained adding-problem model through the task contract: a sequence of (value, marker) pairs in, the sum of
 * the two marked values out; MSE and the share within {@link AddingTask#TOLERANCE} as metrics.
 */
public final class AddingSolver implements TaskModel<AddingProblem.Data, float[][], Float> {
    private final AddingModel model;

    public AddingSolver(AddingModel model) {
        this.model = model;
        model.eval();
    }

    public AddingModel model() {
        return model;
    }

    @Override
    public List<OutputField> outputFields() {
        return List.of(new OutputField("sum", OutputField.Kind.DOUBLE, "the predicted sum of the two marked values"));
    }

    @Override
    public Map<String, Object> outputValues(Float sum) {
        return Map.of("sum", (double) sum);
    }

    @Override
    public Class<float[][]> inputType() {
        return float[][].class;
    }

    @Override
    public Module module() {
        return model;
    }

    /** The predicted sum of each sequence ([T][2]: value, marker), in order; sequences of one length share a batch. */
    @Override
    public List<Float> predict(List<float[][]> sequences) {
        List<Float> out = new ArrayList<>(sequences.size());
        try (GradMode g = GradMode.noGrad()) {
            for (float[][] s : sequences) {
                if (s.length == 0) throw new IllegalArgumentException("an adding-problem sequence needs at least one step");
                float[] x = new float[s.length * 2];
                for (int t = 0; t < s.length; t++) {
                    if (s[t].length != 2) {
                        throw new IllegalArgumentException("expected steps of (value, marker), got " + s[t].length + " numbers at step " + t);
                    }
                    x[2 * t] = s[t][0];
                    x[2 * t + 1] = s[t][1];
                }
                out.add(model.forward(Tensor.of(x, 1, s.length, 2)).item());
            }
        }
        return out;
    }

    @Override
    public Map<String, Double> metrics(AddingProblem.Data data) {
        double[] m;
        try (GradMode g = GradMode.noGrad()) {
            m = AddingTask.score(model, data, 256);
        }
        return Map.of("mse", m[0], "accuracy", m[1]);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type());
        m.put("hidden", model.config().hiddenSize());
        m.put("parameters", model.parameterCount());
        return m;
    }

    @Override
    public void save(Path dir) throws IOException {
        ModelBundle.save(dir, model, ModelBundle.Provenance.none());
    }

    public static AddingSolver load(Path dir) throws IOException {
        return new AddingSolver(ModelBundle.load(dir, AddingModel.class));
    }
}

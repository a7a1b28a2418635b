package org.grukit.examples.adding;

import java.util.List;
import org.grukit.core.Rng;
import org.grukit.core.io.ModelTypeProvider;
import org.grukit.core.io.ModelTypes;

/** The adding demo's model type, registered as a service like every task's. */
public final class AddingModelType implements ModelTypeProvider {
    @Override
    public List<ModelTypes.Type<?>> modelTypes() {
        return List.of(new ModelTypes.Type<>(AddingModel.TYPE, AddingModel.Config.class, c -> new AddingModel(c, new Rng(0))));
    }
}

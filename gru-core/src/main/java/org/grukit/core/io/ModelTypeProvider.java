package org.grukit.core.io;

import java.util.List;

/**
 * A module's model types, found through {@code META-INF/services/org.grukit.core.io.ModelTypeProvider}: a model
 * folder of any type on the class path then loads without any of its module's classes having been touched first.
 */
public interface ModelTypeProvider {
    /** The types this module defines. */
    List<ModelTypes.Type<?>> modelTypes();
}

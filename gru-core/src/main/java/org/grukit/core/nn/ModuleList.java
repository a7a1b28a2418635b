package org.grukit.core.nn;

import java.util.ArrayList;
import java.util.List;

/** An indexed list of sub-modules, as torch.nn.ModuleList: parameters named {@code 0.weight}, {@code 1.weight}, ... */
public final class ModuleList extends Module {
    private final List<Module> items = new ArrayList<>();

    /** Appends a module under the next index and returns it. */
    public <M extends Module> M add(M module) {
        registerModule(String.valueOf(items.size()), module);
        items.add(module);
        return module;
    }

    /** Registers a module under an explicit index (gaps allowed, as when only some layers have a part). */
    public <M extends Module> M put(int index, M module) {
        registerModule(String.valueOf(index), module);
        items.add(module);
        return module;
    }

    public int size() {
        return items.size();
    }
}

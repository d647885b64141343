package org.quasivm.vmm.registry;

import java.nio.file.Path;

import org.quasivm.vmm.config.InvalidDefinitionException;
import org.quasivm.vmm.config.VmDefinition;

/** One VM found in the home: its definition, or why it could not be read (a listing never fails as a whole). */
public record VmListing(String name, Path directory, VmDefinition definition, String problem) {

    public static VmListing of(String name, Path dir, VmDefinition definition) {
        return new VmListing(name, dir, definition, null);
    }

    public static VmListing broken(String name, Path dir, InvalidDefinitionException e) {
        return new VmListing(name, dir, null, String.join("; ", e.lines()));
    }

    public boolean valid() {
        return definition != null;
    }
}

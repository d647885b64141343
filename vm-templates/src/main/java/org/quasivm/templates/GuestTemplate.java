package org.quasivm.templates;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A guest profile: what a new VM of this kind starts with.
 *
 * @param id          stable identifier used in definitions ({@code guestOs}) and on the command line
 * @param name        human name
 * @param description one or two sentences for listings
 * @param newDisk     the hard disk {@code create --disk} makes when no size is given
 * @param defaults    a partial VM definition (the definition's own JSON schema) whose fields fill in whatever a
 *                    definition leaves out; vmm-core owns that schema and validates these defaults in its tests
 */
public record GuestTemplate(String id, String name, String description, NewDisk newDisk, ObjectNode defaults) {

    public GuestTemplate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(newDisk, "newDisk");
        Objects.requireNonNull(defaults, "defaults");
        defaults = defaults.deepCopy();
    }

    /** A copy callers may modify. */
    @Override
    public ObjectNode defaults() {
        return defaults.deepCopy();
    }

    public int memoryMiB() {
        return defaults.path("memoryMiB").asInt();
    }

    public List<String> bootOrder() {
        List<String> order = new ArrayList<>();
        defaults.path("bootOrder").forEach(n -> order.add(n.asText()));
        return List.copyOf(order);
    }

    /** The suggested new hard disk: size and image format. */
    public record NewDisk(long sizeMiB, String format) {
        public NewDisk {
            if (sizeMiB <= 0) {
                throw new IllegalArgumentException("newDisk.sizeMiB must be positive");
            }
            Objects.requireNonNull(format, "format");
        }
    }
}

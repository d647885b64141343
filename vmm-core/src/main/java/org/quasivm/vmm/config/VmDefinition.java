package org.quasivm.vmm.config;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A virtual machine's definition: the {@code <name>.qvm.json} file in its directory. Paths inside are relative to the
 * VM's directory unless absolute. Fields a file leaves out are filled from its template ({@code guestOs}) when it is
 * read; {@link DefinitionCodec} parses and validates, {@link DefinitionValidator} checks meaning.
 *
 * <p>Required fields are boxed so that "missing" is distinguishable from a value and can be reported by path.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schemaVersion", "name", "uuid", "guestOs", "description", "memoryMiB", "cpu", "firmware",
        "bootOrder", "storage", "display", "serial", "debug", "clock", "currentSnapshot"})
public record VmDefinition(Integer schemaVersion, String name, String uuid, String guestOs, String description,
                           Integer memoryMiB, CpuConfig cpu, Firmware firmware, List<BootDevice> bootOrder,
                           StorageConfig storage, DisplayConfig display, SerialConfig serial, DebugConfig debug,
                           ClockMode clock, String currentSnapshot) {

    /** The schema this build writes and the newest it reads. */
    public static final int SCHEMA_VERSION = 1;

    public VmDefinition {
        bootOrder = bootOrder == null ? null : List.copyOf(bootOrder);
    }

    public VmDefinition withName(String newName) {
        return new VmDefinition(schemaVersion, newName, uuid, guestOs, description, memoryMiB, cpu, firmware,
                bootOrder, storage, display, serial, debug, clock, currentSnapshot);
    }

    public VmDefinition withUuid(String newUuid) {
        return new VmDefinition(schemaVersion, name, newUuid, guestOs, description, memoryMiB, cpu, firmware,
                bootOrder, storage, display, serial, debug, clock, currentSnapshot);
    }

    public VmDefinition withStorage(StorageConfig newStorage) {
        return new VmDefinition(schemaVersion, name, uuid, guestOs, description, memoryMiB, cpu, firmware,
                bootOrder, newStorage, display, serial, debug, clock, currentSnapshot);
    }

    public VmDefinition withCurrentSnapshot(String snapshotId) {
        return new VmDefinition(schemaVersion, name, uuid, guestOs, description, memoryMiB, cpu, firmware,
                bootOrder, storage, display, serial, debug, clock, snapshotId);
    }

    /** Which CPU executor runs the guest. */
    public record CpuConfig(ExecutorChoice executor) { }

    /** VGA adapter memory. */
    public record DisplayConfig(Integer vgaMemoryMiB) { }

    /** COM1 and COM2. */
    public record SerialConfig(SerialPort com1, SerialPort com2) { }

    /** Where firmware debug output (ports 402h/E9h) and POST codes (port 80h) go: the VM log when enabled. */
    public record DebugConfig(Boolean firmwareLog, Boolean postCodes) { }
}

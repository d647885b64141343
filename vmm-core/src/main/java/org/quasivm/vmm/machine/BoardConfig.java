package org.quasivm.vmm.machine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.clock.VirtualClock;
import org.quasivm.vmm.devices.uart.NullSerialBackend;
import org.quasivm.vmm.devices.uart.SerialBackend;

/**
 * Everything needed to build a {@link PcBoard}: the CLI turns a VM definition into one of these.
 *
 * @param ramBytes              guest RAM (multiple of 1 MiB)
 * @param firmware              what runs first
 * @param clockMode             realtime or deterministic
 * @param instructionsPerSecond deterministic mode's guest instruction rate
 * @param rtcStartEpochSeconds  the RTC's time at power-on; null = the host's time now (realtime) or
 *                              2024-01-01T00:00:00Z (deterministic, so runs repeat)
 * @param cmosFile              where the CMOS persists between runs (null: not persisted)
 * @param com1                  COM1's host end
 * @param com2                  COM2's host end
 * @param noGraphic             no display: SeaBIOS prints to COM1 (fw_cfg NOGRAPHIC)
 * @param bootOrder             up to three legacy boot device classes for the CMOS
 * @param firmwareLog           lines from the debug console ports 402h/E9h
 * @param postCodes             every POST code written to port 80h
 * @param uuid                  SMBIOS system UUID (16 bytes) or null
 * @param plugs                 devices the board does not build itself (VGA...)
 * @param resetOnTripleFault    a CPU shutdown resets the machine (as a PC does); false powers it off instead
 */
public record BoardConfig(long ramBytes, BootFirmware firmware, ClockMode clockMode, long instructionsPerSecond,
                          Long rtcStartEpochSeconds, Path cmosFile, SerialBackend com1, SerialBackend com2,
                          boolean noGraphic, List<BootDeviceOrder> bootOrder, Consumer<String> firmwareLog,
                          IntConsumer postCodes, byte[] uuid, List<BoardPlug> plugs, boolean resetOnTripleFault) {

    /** 2024-01-01T00:00:00Z: the deterministic RTC's default start. */
    public static final long DETERMINISTIC_EPOCH = 1_704_067_200L;

    public BoardConfig {
        Objects.requireNonNull(firmware, "firmware");
        Objects.requireNonNull(clockMode, "clockMode");
        Objects.requireNonNull(com1, "com1");
        Objects.requireNonNull(com2, "com2");
        Objects.requireNonNull(firmwareLog, "firmwareLog");
        Objects.requireNonNull(postCodes, "postCodes");
        bootOrder = List.copyOf(bootOrder);
        plugs = List.copyOf(plugs);
        if (bootOrder.size() > 3) {
            throw new IllegalArgumentException("the CMOS holds at most three boot devices");
        }
        if (uuid != null && uuid.length != 16) {
            throw new IllegalArgumentException("a UUID is 16 bytes");
        }
        uuid = uuid == null ? null : uuid.clone();
    }

    public static Builder builder(long ramBytes, BootFirmware firmware) {
        return new Builder(ramBytes, firmware);
    }

    /** Defaults: realtime clock, nothing on the serial ports, disk-CD-floppy boot order, logs dropped. */
    public static final class Builder {
        private final long ramBytes;
        private final BootFirmware firmware;
        private ClockMode clockMode = ClockMode.REALTIME;
        private long instructionsPerSecond = VirtualClock.DEFAULT_INSTRUCTIONS_PER_SECOND;
        private Long rtcStart;
        private Path cmosFile;
        private SerialBackend com1 = new NullSerialBackend();
        private SerialBackend com2 = new NullSerialBackend();
        private boolean noGraphic;
        private List<BootDeviceOrder> bootOrder = List.of(BootDeviceOrder.DISK, BootDeviceOrder.CDROM,
                BootDeviceOrder.FLOPPY);
        private Consumer<String> firmwareLog = line -> { };
        private IntConsumer postCodes = code -> { };
        private byte[] uuid;
        private final List<BoardPlug> plugs = new ArrayList<>();
        private boolean resetOnTripleFault = true;

        private Builder(long ramBytes, BootFirmware firmware) {
            this.ramBytes = ramBytes;
            this.firmware = firmware;
        }

        public Builder clock(ClockMode mode) {
            this.clockMode = mode;
            return this;
        }

        public Builder instructionsPerSecond(long ips) {
            this.instructionsPerSecond = ips;
            return this;
        }

        public Builder rtcStart(Long epochSeconds) {
            this.rtcStart = epochSeconds;
            return this;
        }

        public Builder cmosFile(Path file) {
            this.cmosFile = file;
            return this;
        }

        public Builder com1(SerialBackend backend) {
            this.com1 = backend;
            return this;
        }

        public Builder com2(SerialBackend backend) {
            this.com2 = backend;
            return this;
        }

        public Builder noGraphic(boolean value) {
            this.noGraphic = value;
            return this;
        }

        public Builder bootOrder(List<BootDeviceOrder> order) {
            this.bootOrder = order;
            return this;
        }

        public Builder firmwareLog(Consumer<String> sink) {
            this.firmwareLog = sink;
            return this;
        }

        public Builder postCodes(IntConsumer sink) {
            this.postCodes = sink;
            return this;
        }

        public Builder uuid(byte[] value) {
            this.uuid = value;
            return this;
        }

        public Builder plug(BoardPlug plug) {
            this.plugs.add(plug);
            return this;
        }

        public Builder resetOnTripleFault(boolean value) {
            this.resetOnTripleFault = value;
            return this;
        }

        public BoardConfig build() {
            return new BoardConfig(ramBytes, firmware, clockMode, instructionsPerSecond, rtcStart, cmosFile, com1,
                    com2, noGraphic, bootOrder, firmwareLog, postCodes, uuid, plugs, resetOnTripleFault);
        }
    }
}

package org.quasivm.exec.calibration;

import java.nio.ByteBuffer;
import java.util.List;

import org.quasivm.exec.InterruptSource;
import org.quasivm.exec.Platform;
import org.quasivm.exec.PortIo;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.exec.memory.PhysicalMemory;

/**
 * Feeds the calibration guest chunk sizes and counts the instructions of completed chunks. Chunks grow until each
 * takes about {@link #TARGET_CHUNK_NANOS}, so slow executors still report often and fast ones rarely exit. The first
 * quarter of the time is warm-up (the JIT compiling the software executor) and is not counted.
 */
final class CalibrationMachine implements PhysicalMemory, PortIo, InterruptSource {

    static final long TARGET_CHUNK_NANOS = 5_000_000;
    static final int FIRST_CHUNK = 1_000;
    static final int MAX_CHUNK = 1 << 24;

    private final List<MemoryRegion> regions;
    private final long durationNanos;
    private long started;
    private long chunkStarted;
    private int chunk = FIRST_CHUNK;
    private int issued;
    private boolean finished;
    private long windowStart;
    private long windowEnd;
    private long windowInstructions;

    CalibrationMachine(long durationNanos) {
        this.durationNanos = durationNanos;
        ByteBuffer rom = GuestMemory.allocate(CalibrationGuest.ROM_SIZE);
        rom.put(0, CalibrationGuest.rom());
        regions = List.of(
                new MemoryRegion("ram-low", 0, GuestMemory.allocate(0xA_0000), false),
                new MemoryRegion("calibration-rom-alias", 0xF_0000, rom, true),
                new MemoryRegion("calibration-rom", 0x1_0000_0000L - CalibrationGuest.ROM_SIZE, rom, true));
    }

    Platform platform() {
        return new Platform(this, this, this, System::nanoTime);
    }

    boolean finished() {
        return finished;
    }

    long countedInstructions() {
        return windowInstructions;
    }

    long countedNanos() {
        return windowEnd - windowStart;
    }

    @Override
    public int in(int port, int size) {
        if (port != CalibrationGuest.PORT) {
            return -1;
        }
        long now = System.nanoTime();
        if (started == 0) {
            started = now;
        }
        if (now - started >= durationNanos && windowInstructions > 0) {
            finished = true;
            issued = 0;
            return 0;
        }
        chunkStarted = now;
        issued = chunk;
        return chunk;
    }

    @Override
    public void out(int port, int size, int value) {
        if (port != CalibrationGuest.PORT || issued == 0) {
            return;
        }
        long now = System.nanoTime();
        long instructions = (long) issued * CalibrationGuest.INSTRUCTIONS_PER_ITERATION
                + CalibrationGuest.INSTRUCTIONS_PER_CHUNK;
        if (now - started >= durationNanos / 4) {
            if (windowStart == 0) {
                windowStart = chunkStarted;
            }
            windowInstructions += instructions;
            windowEnd = now;
        }
        if (now - chunkStarted < TARGET_CHUNK_NANOS && chunk < MAX_CHUNK) {
            chunk *= 2;
        }
        issued = 0;
    }

    @Override
    public List<MemoryRegion> regions() {
        return regions;
    }

    @Override
    public long read(long address, int size) {
        return -1L;
    }

    @Override
    public void write(long address, int size, long value) {
    }

    @Override
    public boolean hasInterrupt() {
        return false;
    }

    @Override
    public int acknowledge() {
        throw new IllegalStateException("the calibration machine raises no interrupts");
    }
}

package org.quasivm.vmm.devices.vga;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.clock.VirtualClock;

/**
 * A VGA adapter with the Bochs VBE extensions, as QEMU's standard VGA ({@code -vga std}) presents it: the IBM VGA's
 * registers and 256 KiB of planar memory, plus the DISPI interface and a linear framebuffer over the whole video
 * memory.
 *
 * <p>The board maps its parts (it owns the addresses; the parts see offsets):
 * <ul>
 *   <li>{@link #ioPorts()}: 48 ports, offset 0 at I/O port 3B0h (3B0h-3DFh);</li>
 *   <li>{@link #dispiPorts()}: 3 ports, offset 0 at I/O port 1CEh (index), 1 at 1CFh (data), 2 unused;</li>
 *   <li>{@link #legacyWindow()}: the 128 KiB MMIO window at A0000h;</li>
 *   <li>{@link #framebuffer()}: video memory, a direct buffer the CPU reads and writes at full speed once mapped
 *       as a {@link MemoryRegion} (the PCI function's BAR 0) — see {@link #framebufferRegion(long)}.</li>
 * </ul>
 * VM thread only; {@link VgaRenderer} reads it from the same thread.
 */
public final class Vga {

    public static final int IO_PORTS_LENGTH = 0x30;
    /** 1CEh-1D0h: 1D0h is included so that a 16-bit access to the data port at 1CFh reaches the device whole. */
    public static final int DISPI_PORTS_LENGTH = 3;
    public static final int LEGACY_WINDOW_SIZE = LegacyWindow.SIZE;
    public static final int DEFAULT_MEMORY_MIB = 16;

    static final int MISC_COLOR_IO = 0x01;
    static final int MISC_RAM_ENABLE = 0x02;

    private final ByteBuffer vram;
    private final Sequencer sequencer;
    private final CrtController crtc;
    private final GraphicsController graphics;
    private final AttributeController attribute;
    private final Dac dac;
    private final BochsDispi dispi;
    private final PlanarMemory planes;
    private final DisplayTiming timing;
    private final LegacyWindow window;
    private final VgaPorts ports;
    private final BusDevice dispiPorts;
    private int miscOutput;
    private int featureControl;
    private int videoEnable;

    /** A VGA at power-on with {@code memoryMiB} of video memory (a power of two, 1-256; QEMU's default is 16). */
    public Vga(int memoryMiB, VirtualClock clock) {
        this(VgaState.initial(memoryMiB), clock);
    }

    private Vga(VgaState state, VirtualClock clock) {
        Objects.requireNonNull(clock, "clock");
        vram = GuestMemory.allocate(state.vram().length);
        vram.put(0, state.vram());
        writeMiscOutput(state.miscOutput());
        writeFeatureControl(state.featureControl());
        writeVideoEnable(state.videoEnable());
        sequencer = new Sequencer(state.sequencer());
        crtc = new CrtController(state.crtc());
        graphics = new GraphicsController(state.graphics());
        attribute = new AttributeController(state.attribute());
        dac = new Dac(state.dac());
        dispi = new BochsDispi(state.dispi(), vram, sequencer, graphics, dac);
        planes = new PlanarMemory(vram, sequencer, graphics, state.latch());
        timing = new DisplayTiming(clock, crtc, sequencer, this, state.retracesSeen(), state.blanksSeen());
        window = new LegacyWindow(this, vram, planes, dispi, graphics);
        ports = new VgaPorts(this);
        dispiPorts = new DispiPorts(dispi);
    }

    /**
     * Returns the registers to their power-on values (the machine's reset line): the DISPI interface off, the
     * display blank until the VGA BIOS sets a mode. Video memory keeps its contents, as on hardware.
     */
    public void reset() {
        writeMiscOutput(0);
        writeFeatureControl(0);
        writeVideoEnable(0);
        sequencer.load(SequencerState.initial());
        crtc.load(CrtcState.initial());
        graphics.load(GraphicsState.initial());
        attribute.load(AttributeState.initial());
        dac.load(DacState.initial());
        dispi.load(DispiState.initial());
        planes.setLatch(0);
    }

    /** A VGA in {@code state} (validated: a snapshot is untrusted). */
    public static Vga fromState(VgaState state, VirtualClock clock) {
        return new Vga(Objects.requireNonNull(state, "state"), clock);
    }

    public VgaState state() {
        byte[] memory = new byte[vram.capacity()];
        vram.get(0, memory);
        return new VgaState(miscOutput, featureControl, videoEnable, sequencer.state(), crtc.state(),
                graphics.state(), attribute.state(), dac.state(), dispi.state(), planes.latch(),
                timing.retracesSeen(), timing.blanksSeen(), memory);
    }

    /** The 48 ports 3B0h-3DFh (offset 0 is 3B0h). */
    public BusDevice ioPorts() {
        return ports;
    }

    /** The Bochs DISPI index (offset 0, port 1CEh) and data (offset 1, port 1CFh) ports, 16 bits wide. */
    public BusDevice dispiPorts() {
        return dispiPorts;
    }

    /** The 128 KiB legacy memory window (offset 0 is A0000h). */
    public BusDevice legacyWindow() {
        return window;
    }

    /** Video memory: the linear framebuffer's bytes. The guest writes them directly once they are mapped. */
    public ByteBuffer framebuffer() {
        return vram;
    }

    /** The framebuffer as a guest-physical region at {@code start} (where the PCI BAR 0 points). */
    public MemoryRegion framebufferRegion(long start) {
        return new MemoryRegion("vga-lfb", start, vram, false);
    }

    public int memorySize() {
        return vram.capacity();
    }

    // ---- the units, for the port decoder, the window and the renderer

    Sequencer sequencer() {
        return sequencer;
    }

    CrtController crtc() {
        return crtc;
    }

    GraphicsController graphics() {
        return graphics;
    }

    AttributeController attribute() {
        return attribute;
    }

    Dac dac() {
        return dac;
    }

    BochsDispi dispi() {
        return dispi;
    }

    DisplayTiming timing() {
        return timing;
    }

    int miscOutput() {
        return miscOutput;
    }

    void writeMiscOutput(int value) {
        miscOutput = value & 0xEF;
    }

    /** CRTC and input status 1 at 3Dxh (colour) rather than 3Bxh (monochrome). */
    boolean colorIo() {
        return (miscOutput & MISC_COLOR_IO) != 0;
    }

    /** The misc output's RAM enable: the CPU reaches video memory through the legacy window. */
    boolean memoryEnabled() {
        return (miscOutput & MISC_RAM_ENABLE) != 0;
    }

    int featureControl() {
        return featureControl;
    }

    void writeFeatureControl(int value) {
        featureControl = value & 0x0B;
    }

    int videoEnable() {
        return videoEnable;
    }

    void writeVideoEnable(int value) {
        videoEnable = value & 0x01;
    }
}

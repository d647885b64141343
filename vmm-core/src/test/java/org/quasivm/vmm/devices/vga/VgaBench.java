package org.quasivm.vmm.devices.vga;

import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.IoBus;
import org.quasivm.vmm.bus.MmioBus;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.clock.VirtualClock;

/**
 * A VGA wired as the PC board wires it (ports 3B0h-3DFh and 1CEh-1D0h on an I/O bus, the window at A0000h on an
 * MMIO bus) with a guest clock the test moves by hand. Tests talk to it only through ports and memory, as a guest.
 */
final class VgaBench {

    static final long NANOS_PER_MS = 1_000_000L;

    final IoBus io = new IoBus();
    final MmioBus mmio = new MmioBus();
    final Vga vga;
    final VgaRenderer renderer;
    private long hostNanos = 1_000_000_000L;
    final VirtualClock clock = new VirtualClock(ClockMode.REALTIME, VirtualClock.DEFAULT_INSTRUCTIONS_PER_SECOND,
            () -> hostNanos);

    VgaBench() {
        this(Vga.DEFAULT_MEMORY_MIB);
    }

    VgaBench(int memoryMiB) {
        vga = new Vga(memoryMiB, clock);
        wire();
        renderer = new VgaRenderer(vga);
    }

    /** A bench around a VGA restored from {@code state}. */
    VgaBench(VgaState state) {
        vga = Vga.fromState(state, clock);
        wire();
        renderer = new VgaRenderer(vga);
    }

    private void wire() {
        io.map("vga", 0x3B0, Vga.IO_PORTS_LENGTH, vga.ioPorts(), AccessWidth.BYTE);
        io.map("vga-dispi", 0x1CE, Vga.DISPI_PORTS_LENGTH, vga.dispiPorts(), AccessWidth.ANY);
        mmio.map("vga-window", 0xA0000, Vga.LEGACY_WINDOW_SIZE, vga.legacyWindow(), AccessWidth.ANY);
    }

    void advanceNanos(long nanos) {
        hostNanos += nanos;
    }

    void out(int port, int value) {
        io.out(port, 1, value);
    }

    void outw(int port, int value) {
        io.out(port, 2, value);
    }

    int in(int port) {
        return io.in(port, 1);
    }

    int inw(int port) {
        return io.in(port, 2);
    }

    void poke(long address, int value) {
        mmio.write(address, 1, value);
    }

    int peek(long address) {
        return (int) mmio.read(address, 1);
    }

    void seq(int index, int value) {
        outw(0x3C4, value << 8 | index);
    }

    void gc(int index, int value) {
        outw(0x3CE, value << 8 | index);
    }

    void crtc(int index, int value) {
        outw(0x3D4, value << 8 | index);
    }

    int crtcRead(int index) {
        out(0x3D4, index);
        return in(0x3D5);
    }

    /** Input status 1, which also resets the attribute flip-flop: at 3DAh or, with monochrome I/O, 3BAh. */
    int inputStatus1() {
        return in((in(0x3CC) & 1) != 0 ? 0x3DA : 0x3BA);
    }

    /** Writes an attribute register the way SeaBIOS does (flip-flop reset, index without PAS, data, old index). */
    void attr(int index, int value) {
        inputStatus1();
        int old = in(0x3C0);
        out(0x3C0, index);
        out(0x3C0, value);
        out(0x3C0, old);
    }

    /** Enables video (palette address source set), as the BIOS does after a mode set. */
    void enableVideo() {
        inputStatus1();
        out(0x3C0, 0x20);
    }

    void dac(int index, int red, int green, int blue) {
        out(0x3C8, index);
        out(0x3C9, red);
        out(0x3C9, green);
        out(0x3C9, blue);
    }

    void dispi(int index, int value) {
        outw(0x1CE, index);
        outw(0x1CF, value);
    }

    int dispiRead(int index) {
        outw(0x1CE, index);
        return inw(0x1CF);
    }

    private boolean biosSetUp;

    /** What the VGA BIOS does once at initialisation: colour I/O with RAM enabled, then extended memory. */
    void biosSetup() {
        if (biosSetUp) {
            return;
        }
        out(0x3C2, 0xC3);
        seq(0x04, 0x02);
        biosSetUp = true;
    }

    /** The register sequence of a VGA BIOS mode set (SeaBIOS's stdvga_set_mode order), without clearing memory. */
    void setMode(VgaModeTable mode) {
        biosSetup();
        for (int i = 0; i < mode.attribute().length; i++) {
            attr(i, mode.attribute()[i]);
        }
        attr(0x14, 0x00);
        seq(0x00, 0x03);
        for (int i = 0; i < 4; i++) {
            seq(i + 1, mode.sequencer()[i]);
        }
        for (int i = 0; i < mode.graphics().length; i++) {
            gc(i, mode.graphics()[i]);
        }
        int crtcPort = (mode.misc() & 1) != 0 ? 0x3D4 : 0x3B4;
        outw(crtcPort, 0x0011); // unprotect CR0-CR7
        for (int i = 0; i < mode.crtc().length; i++) {
            outw(crtcPort, mode.crtc()[i] << 8 | i);
        }
        out(0x3C2, mode.misc());
        enableVideo();
    }

    /** The font-loading sequence: plane 2 alone, sequential addressing, A0000h window. */
    void beginFontAccess() {
        seq(0x00, 0x01);
        seq(0x02, 0x04);
        seq(0x04, 0x07);
        seq(0x00, 0x03);
        gc(0x04, 0x02);
        gc(0x05, 0x00);
        gc(0x06, 0x04);
    }

    void endFontAccess() {
        seq(0x00, 0x01);
        seq(0x02, 0x03);
        seq(0x04, 0x03);
        seq(0x00, 0x03);
        gc(0x06, 0x0E);
        gc(0x04, 0x00);
        gc(0x05, 0x10);
    }
}

package org.quasivm.vmm.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IoBus;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.bus.MmioBus;
import org.quasivm.vmm.clock.VirtualClock;
import org.quasivm.vmm.devices.pci.BoardPciAddressSpace;
import org.quasivm.vmm.devices.pci.PciBus;
import org.quasivm.vmm.devices.pci.PciFunction;
import org.quasivm.vmm.machine.BoardWiring;
import org.quasivm.vmm.memory.PcMemoryMap;

/**
 * A board for plug tests: a real I/O bus, memory map and PCI bus, and a {@link RecordingIrqLine} per ISA IRQ, so a
 * test drives a plugged-in device through its ports exactly as a guest would and watches its interrupt lines.
 */
public final class TestBoardWiring implements BoardWiring {

    public final TestClock clock = new TestClock();
    public final IoBus io = new IoBus();
    public final MmioBus mmio = new MmioBus();
    public final PcMemoryMap memory;
    public final PciBus pci;
    public final int[] cmos = new int[128];
    private final Map<Integer, RecordingIrqLine> irqs = new HashMap<>();
    private final List<Runnable> resets = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    public TestBoardWiring(long ramBytes) {
        byte[] bios = new byte[0x1_0000];
        this.memory = new PcMemoryMap(ramBytes, bios, mmio);
        this.pci = new PciBus(new BoardPciAddressSpace(io, memory));
    }

    public TestBoardWiring() {
        this(32L << 20);
    }

    @Override
    public VirtualClock clock() {
        return clock.clock;
    }

    @Override
    public PcMemoryMap memory() {
        return memory;
    }

    @Override
    public void mapIo(String name, int base, int length, BusDevice device, AccessWidth width) {
        io.map(name, base, length, device, width);
    }

    @Override
    public void mapMmio(String name, long base, long length, BusDevice device) {
        mmio.map(name, base, length, device, AccessWidth.ANY);
    }

    @Override
    public void addPciFunction(int device, int function, PciFunction pciFunction) {
        pci.add(device, function, pciFunction);
    }

    @Override
    public IrqLine isaIrq(int irq) {
        return irqs.computeIfAbsent(irq, n -> new RecordingIrqLine());
    }

    /** The recording line of ISA IRQ {@code n} (created on first use). */
    public RecordingIrqLine irq(int n) {
        return (RecordingIrqLine) isaIrq(n);
    }

    @Override
    public void onReset(Runnable action) {
        resets.add(action);
    }

    @Override
    public void onClose(AutoCloseable resource) {
        closeables.add(resource);
    }

    @Override
    public int cmosByte(int register) {
        return cmos[register & 0x7F];
    }

    @Override
    public void setCmosByte(int register, int value) {
        cmos[register & 0x7F] = value & 0xFF;
    }

    public void reset() {
        pci.reset();
        resets.forEach(Runnable::run);
    }

    /** Closes what the plugs registered, newest first, as the board does. */
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        closeables.clear();
    }

    public int in(int port, int size) {
        return io.in(port, size);
    }

    public int inb(int port) {
        return io.in(port, 1) & 0xFF;
    }

    public void out(int port, int size, int value) {
        io.out(port, size, value);
    }

    public void outb(int port, int value) {
        io.out(port, 1, value);
    }
}

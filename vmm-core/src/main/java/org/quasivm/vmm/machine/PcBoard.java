package org.quasivm.vmm.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.quasivm.exec.Executor;
import org.quasivm.exec.Platform;
import org.quasivm.exec.state.CpuState;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IoBus;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.bus.MmioBus;
import org.quasivm.vmm.bus.WiredOrIrq;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.clock.VirtualClock;
import org.quasivm.vmm.devices.acpi.Piix4Pm;
import org.quasivm.vmm.devices.chipset.A20Gate;
import org.quasivm.vmm.devices.chipset.ResetControlRegister;
import org.quasivm.vmm.devices.chipset.SystemControlPortA;
import org.quasivm.vmm.devices.chipset.SystemControlPortB;
import org.quasivm.vmm.devices.debug.DebugConsole;
import org.quasivm.vmm.devices.debug.PostCodePort;
import org.quasivm.vmm.devices.fwcfg.FwCfg;
import org.quasivm.vmm.devices.fwcfg.FwCfgDma;
import org.quasivm.vmm.devices.pci.BoardPciAddressSpace;
import org.quasivm.vmm.devices.pci.I440fxHostBridge;
import org.quasivm.vmm.devices.pci.PciBus;
import org.quasivm.vmm.devices.pci.PciConfigMechanism1;
import org.quasivm.vmm.devices.pci.PciFunction;
import org.quasivm.vmm.devices.pci.Piix3IsaBridge;
import org.quasivm.vmm.devices.pic.Pic8259Pair;
import org.quasivm.vmm.devices.pit.Pit8254;
import org.quasivm.vmm.devices.ps2.I8042;
import org.quasivm.vmm.devices.rtc.CmosFile;
import org.quasivm.vmm.devices.rtc.CmosImage;
import org.quasivm.vmm.devices.rtc.Rtc146818;
import org.quasivm.vmm.devices.uart.Uart16550;
import org.quasivm.vmm.memory.PcMemoryMap;

/**
 * An i440FX/PIIX3 PC, QEMU-compatible so that SeaBIOS and Linux find what they expect. The board owns every
 * address and IRQ number; devices only see offsets and lines.
 * <pre>
 *   I/O 20h/A0h 8259A pair (4D0h ELCR)   40h 8254 PIT        60h/64h i8042 (IRQ 1, 12)    61h port B
 *       70h MC146818 RTC (IRQ 8)          80h POST codes      92h port A (fast A20/reset)  B2h APM
 *       3F8h COM1 (IRQ 4)  2F8h COM2 (IRQ 3)   402h, E9h debug console   510h fw_cfg (514h DMA)
 *       CF8h/CFCh PCI configuration (CF9h reset control)   AFE0h GPE0   PMBA (B000h by SeaBIOS) PM I/O
 *   PCI 00.0 i440FX   01.0 PIIX3 ISA bridge   01.3 PIIX4 PM (SCI = IRQ 9)   plugs (VGA at 02.0...)
 * </pre>
 * Built from a {@link BoardConfig}; the {@link Machine} attaches an executor and runs it. VM thread only, except
 * {@link #input()}.
 */
public final class PcBoard implements AutoCloseable {

    public static final int PIC_MASTER_PORT = 0x20;
    public static final int PIC_SLAVE_PORT = 0xA0;
    public static final int ELCR_PORT = 0x4D0;
    public static final int PIT_PORT = 0x40;
    public static final int KBC_DATA_PORT = 0x60;
    public static final int PORT_B = 0x61;
    public static final int KBC_COMMAND_PORT = 0x64;
    public static final int RTC_PORT = 0x70;
    public static final int POST_PORT = 0x80;
    public static final int PORT_A = 0x92;
    public static final int APM_PORT = 0xB2;
    public static final int COM1_PORT = 0x3F8;
    public static final int COM2_PORT = 0x2F8;
    public static final int DEBUG_CONSOLE_PORT = 0x402;
    public static final int BOCHS_DEBUG_PORT = 0xE9;
    public static final int FW_CFG_PORT = 0x510;
    public static final int FW_CFG_DMA_PORT = 0x514;
    public static final int PCI_ADDRESS_PORT = 0xCF8;
    public static final int PCI_DATA_PORT = 0xCFC;

    public static final int IRQ_PIT = 0;
    public static final int IRQ_KEYBOARD = 1;
    public static final int IRQ_COM2 = 3;
    public static final int IRQ_COM1 = 4;
    public static final int IRQ_RTC = 8;
    public static final int IRQ_SCI = 9;
    public static final int IRQ_MOUSE = 12;

    /** Where firmware-less boots route PIRQA-D, as SeaBIOS does (its pci_irqs table). */
    static final int[] PIRQ_IRQS = {10, 10, 11, 11};

    private final BoardConfig config;
    private final VirtualClock clock;
    private final IoBus io = new IoBus();
    private final MmioBus mmio = new MmioBus();
    private final PcMemoryMap memory;
    private final Pic8259Pair pic = new Pic8259Pair();
    private final WiredOrIrq[] isaLines = new WiredOrIrq[16];
    private final A20Gate a20;
    private final Pit8254 pit;
    private final SystemControlPortA portA;
    private final SystemControlPortB portB;
    private final ResetControlRegister resetControl;
    private final Rtc146818 rtc;
    private final I8042 kbc;
    private final Uart16550 com1;
    private final Uart16550 com2;
    private final PciBus pci;
    private final I440fxHostBridge hostBridge;
    private final Piix3IsaBridge isaBridge;
    private final Piix4Pm pm;
    private final FwCfg fwCfg;
    private final PostCodePort postCodes;
    private final DebugConsole debugConsole;
    private final HostInput input = new HostInput();
    private final List<Runnable> resetHooks = new ArrayList<>();
    private final List<AutoCloseable> closeHooks = new ArrayList<>();
    private final Platform platform;
    private final long cmosOffsetSeconds;

    private Executor executor;
    private boolean resetRequested;
    private boolean powerOffRequested;

    public PcBoard(BoardConfig config) throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = new VirtualClock(config.clockMode(), config.instructionsPerSecond(), System::nanoTime);
        this.memory = new PcMemoryMap(config.ramBytes(), firmwareRom(config.firmware(), config.uuid(),
                Math.min(config.ramBytes(), PcMemoryMap.MAX_RAM_BELOW_4G)), mmio);
        memory.onMapChanged(() -> {
            if (executor != null) {
                executor.memoryMapChanged();
            }
        });
        memory.onCodeWritten((address, length) -> {
            if (executor != null) {
                executor.invalidateCode(address, length);
            }
        });
        for (int irq = 0; irq < 16; irq++) {
            if (irq != 2) {
                isaLines[irq] = new WiredOrIrq(pic.line(irq));
            }
        }
        this.a20 = new A20Gate(enabled -> {
            if (executor != null) {
                executor.setA20(enabled);
            }
        });
        this.pit = new Pit8254(clock, isaIrq(IRQ_PIT));
        this.portA = new SystemControlPortA(a20, this::requestReset);
        this.portB = new SystemControlPortB(pit, clock);
        this.resetControl = new ResetControlRegister(this::requestReset);

        Optional<CmosImage> saved = loadCmos(config.cmosFile());
        this.cmosOffsetSeconds = saved.map(CmosImage::offsetSeconds).orElse(0L);
        this.rtc = new Rtc146818(clock, isaIrq(IRQ_RTC), rtcStart(config, cmosOffsetSeconds));
        saved.ifPresent(image -> image.applyRamTo(rtc));
        CmosSetup.fill(rtc, memory, 1, config.bootOrder());

        this.kbc = new I8042(isaIrq(IRQ_KEYBOARD), isaIrq(IRQ_MOUSE), a20, this::requestReset);
        this.com1 = new Uart16550(clock, isaIrq(IRQ_COM1), config.com1());
        this.com2 = new Uart16550(clock, isaIrq(IRQ_COM2), config.com2());
        this.postCodes = new PostCodePort(config.postCodes());
        this.debugConsole = new DebugConsole(config.firmwareLog());

        this.pci = new PciBus(new BoardPciAddressSpace(io, memory));
        this.hostBridge = new I440fxHostBridge(memory);
        IrqLine[] pirqTargets = new IrqLine[16];
        for (int irq = 0; irq < 16; irq++) {
            if (isaLines[irq] != null) {
                pirqTargets[irq] = isaLines[irq].newSource();
            }
        }
        this.isaBridge = new Piix3IsaBridge(pirqTargets);
        this.pm = new Piix4Pm(clock, isaIrq(IRQ_SCI), this::requestPowerOff,
                Piix4Pm.COM1_DECODE | Piix4Pm.COM2_DECODE, false);
        pci.add(0, 0, hostBridge);
        pci.add(1, 0, isaBridge);
        pci.add(PM_DEVICE, PM_FUNCTION, pm);
        pci.setInterruptRouter(isaBridge);
        PciConfigMechanism1 configPorts = new PciConfigMechanism1(pci, resetControl);

        this.fwCfg = new FwCfg(new FwCfgDma() {
            @Override
            public void read(long address, byte[] target, int offset, int length) {
                memory.readBytes(address, target, offset, length);
            }

            @Override
            public void write(long address, byte[] source, int offset, int length) {
                memory.writeBytes(address, source, offset, length);
            }
        });
        fwCfg.setRamSize(config.ramBytes());
        fwCfg.setCpuCount(1);
        fwCfg.setNoGraphic(config.noGraphic());
        if (config.uuid() != null) {
            fwCfg.setUuid(config.uuid());
        }
        fwCfg.addFile("etc/e820", E820Map.forFirmware(memory).toBytes());

        io.map("pic-master", PIC_MASTER_PORT, 2, pic.master(), AccessWidth.BYTE);
        io.map("pic-slave", PIC_SLAVE_PORT, 2, pic.slave(), AccessWidth.BYTE);
        io.map("elcr", ELCR_PORT, 2, pic.elcr(), AccessWidth.BYTE);
        io.map("pit", PIT_PORT, 4, pit, AccessWidth.BYTE);
        io.map("kbc-data", KBC_DATA_PORT, 1, kbc.dataPort(), AccessWidth.BYTE);
        io.map("port-b", PORT_B, 1, portB, AccessWidth.BYTE);
        io.map("kbc-command", KBC_COMMAND_PORT, 1, kbc.commandPort(), AccessWidth.BYTE);
        io.map("rtc", RTC_PORT, 2, rtc, AccessWidth.BYTE);
        io.map("post", POST_PORT, 1, postCodes, AccessWidth.BYTE);
        io.map("port-a", PORT_A, 1, portA, AccessWidth.BYTE);
        io.map("apm", APM_PORT, 2, pm.apmPorts(), AccessWidth.BYTE);
        io.map("com1", COM1_PORT, 8, com1, AccessWidth.BYTE);
        io.map("com2", COM2_PORT, 8, com2, AccessWidth.BYTE);
        io.map("debug-console", DEBUG_CONSOLE_PORT, 1, debugConsole, AccessWidth.BYTE);
        io.map("bochs-debug", BOCHS_DEBUG_PORT, 1, debugConsole, AccessWidth.BYTE);
        io.map("fw_cfg", FW_CFG_PORT, 2, fwCfg.ioPorts(), AccessWidth.ANY);
        io.map("fw_cfg-dma", FW_CFG_DMA_PORT, 8, fwCfg.dmaPorts(), AccessWidth.ANY);
        io.map("pci-address", PCI_ADDRESS_PORT, 4, configPorts.addressPort(), AccessWidth.ANY);
        io.map("pci-data", PCI_DATA_PORT, 4, configPorts.dataPort(), AccessWidth.ANY);
        io.map("gpe0", Piix4Pm.GPE0_PORT, 4, pm.gpeBlock(), AccessWidth.ANY);

        BoardWiring wiring = new Wiring();
        for (BoardPlug plug : config.plugs()) {
            plug.plugInto(wiring);
        }
        fwCfg.seal();
        this.platform = new Platform(memory, io, pic, clock::timeStampCounter);
    }

    static final int DIRECT_BOOT_ACPI = 0xE000;
    // PIIX4 PM configuration registers a BIOS programs (82371AB datasheet: PMBA 40h, PMREGMISC 80h bit 0)
    private static final int PM_DEVICE = 1;
    private static final int PM_FUNCTION = 3;
    private static final int PM_BASE_ADDRESS = 0x40;
    private static final int PM_REGISTER_MISC = 0x80;
    private static final int PM_IO_SPACE_ENABLE = 0x01;
    static final int DIRECT_BOOT_SMBIOS_ENTRY = 0xF000;
    static final int DIRECT_BOOT_SMBIOS_TABLE = 0xF020;

    private static byte[] firmwareRom(BootFirmware firmware, byte[] uuid, long pciHoleStart) {
        if (firmware instanceof BootFirmware.Rom rom) {
            return rom.image();
        }
        // no BIOS: the reset vector area holds HLT, so a CPU reset that is not followed by a reload stops cleanly;
        // the ACPI and SMBIOS tables a BIOS would have built sit in the F segment, where kernels look for them
        byte[] blank = new byte[0x1_0000];
        Arrays.fill(blank, (byte) 0xF4);
        Arrays.fill(blank, DIRECT_BOOT_ACPI, DIRECT_BOOT_ACPI + AcpiTables.SIZE, (byte) 0);
        AcpiTables.install(blank, 0xF_0000L, DIRECT_BOOT_ACPI, pciHoleStart);
        Arrays.fill(blank, DIRECT_BOOT_SMBIOS_ENTRY, 0xFF00, (byte) 0);
        SmbiosTables.install(blank, 0xF_0000L, DIRECT_BOOT_SMBIOS_ENTRY, DIRECT_BOOT_SMBIOS_TABLE, uuid);
        return blank;
    }

    private static Optional<CmosImage> loadCmos(Path file) throws IOException {
        return file == null ? Optional.empty() : CmosFile.load(file);
    }

    private static long rtcStart(BoardConfig config, long savedOffset) {
        if (config.rtcStartEpochSeconds() != null) {
            return config.rtcStartEpochSeconds();
        }
        if (config.clockMode() == ClockMode.DETERMINISTIC) {
            return BoardConfig.DETERMINISTIC_EPOCH;
        }
        return Instant.now().getEpochSecond() + savedOffset;
    }

    private IrqLine isaIrq(int irq) {
        if (irq < 0 || irq > 15 || isaLines[irq] == null) {
            throw new IllegalArgumentException("no ISA interrupt line " + irq);
        }
        return isaLines[irq].newSource();
    }

    private final class Wiring implements BoardWiring {
        @Override
        public VirtualClock clock() {
            return clock;
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
            if (!memory.isFreeOfRegions(base, length)) {
                throw new IllegalStateException("MMIO window " + name + " overlaps memory");
            }
            mmio.map(name, base, length, device, AccessWidth.ANY);
        }

        @Override
        public void addPciFunction(int device, int function, PciFunction pciFunction) {
            pci.add(device, function, pciFunction);
        }

        @Override
        public IrqLine isaIrq(int irq) {
            return PcBoard.this.isaIrq(irq);
        }

        @Override
        public void onReset(Runnable action) {
            resetHooks.add(Objects.requireNonNull(action, "action"));
        }

        @Override
        public void onClose(AutoCloseable resource) {
            closeHooks.add(Objects.requireNonNull(resource, "resource"));
        }

        @Override
        public int cmosByte(int register) {
            return rtc.cmosByte(register);
        }

        @Override
        public void setCmosByte(int register, int value) {
            rtc.setCmosByte(register, value);
            CmosSetup.updateChecksum(rtc);
        }
    }

    // ---- the executor

    /** What the executor runs against. */
    public Platform platform() {
        return platform;
    }

    /** Connects the CPU: A20, memory map changes and code invalidation now reach it. */
    void attach(Executor cpu) {
        this.executor = Objects.requireNonNull(cpu, "cpu");
        clock.attachInstructionCounter(() -> {
            long n = cpu.instructionsRetired();
            return n < 0 ? 0 : n;
        });
        a20.resync();
        cpu.memoryMapChanged();
    }

    /**
     * After a CPU reset: loads the kernel again for a direct Linux boot and returns the state the CPU must start
     * in, or empty when the CPU starts at its reset vector (a BIOS).
     */
    Optional<CpuState> bootState(CpuState resetState) {
        if (config.firmware() instanceof BootFirmware.Linux linux) {
            LinuxBootLoader.load(linux, memory);
            routePciInterruptsLikeFirmware();
            enablePowerManagementLikeFirmware();
            return Optional.of(LinuxBootLoader.entryState(resetState, linux.kernel()));
        }
        return Optional.empty();
    }

    /**
     * Without a BIOS nobody routes PCI interrupts: do what SeaBIOS's PIIX setup does (PIRQA-D to IRQ 10, 10, 11,
     * 11, level triggered, and each function's interrupt line) so the kernel finds working INTx lines.
     */
    private void routePciInterruptsLikeFirmware() {
        int elcr = 0;
        for (int p = 0; p < 4; p++) {
            pci.writeConfig(1, 0, 0x60 + p, 1, PIRQ_IRQS[p]);
            elcr |= 1 << PIRQ_IRQS[p];
        }
        io.out(ELCR_PORT, 1, elcr & 0xFF);
        io.out(ELCR_PORT + 1, 1, elcr >> 8);
        for (int dev = 0; dev < PciBus.DEVICES; dev++) {
            for (int fn = 0; fn < PciBus.FUNCTIONS; fn++) {
                PciFunction f = pci.function(dev, fn);
                if (f != null && f.identity().interruptPin() != 0) {
                    int pin = f.identity().interruptPin();
                    int line = f == pm ? IRQ_SCI : PIRQ_IRQS[(pin - 1 + dev - 1) & 3];
                    f.writeConfig(PciFunction.INTERRUPT_LINE, 1, line);
                }
            }
        }
    }

    /**
     * Without a BIOS nobody places the PIIX4 power-management block: put it where SeaBIOS does (I/O 600h, enabled),
     * which is where the direct-boot FADT ({@link AcpiTables}) says it is.
     */
    private void enablePowerManagementLikeFirmware() {
        pci.writeConfig(PM_DEVICE, PM_FUNCTION, PM_BASE_ADDRESS, 4, AcpiTables.PM_IO_BASE | 1);
        pci.writeConfig(PM_DEVICE, PM_FUNCTION, PM_REGISTER_MISC, 1, PM_IO_SPACE_ENABLE);
    }

    // ---- signals from the hardware

    private void requestReset() {
        resetRequested = true;
        if (executor != null) {
            executor.requestExit();
        }
    }

    private void requestPowerOff() {
        powerOffRequested = true;
        if (executor != null) {
            executor.requestExit();
        }
    }

    /** Whether a device asked for a reset since the last call (and clears the request). */
    boolean takeResetRequest() {
        boolean r = resetRequested;
        resetRequested = false;
        return r;
    }

    boolean takePowerOffRequest() {
        boolean r = powerOffRequested;
        powerOffRequested = false;
        return r;
    }

    /**
     * System reset (RESET#): every device to its power-on state except what survives a reset on a PC — RAM, the
     * RTC's time and CMOS, the last POST code. The CPU is the machine's business.
     */
    void resetDevices() {
        pci.reset();          // BARs unmapped, PAM back to ROM, PIRQ routes and PM registers cleared
        pic.reset();
        pit.reset();
        portB.restore(0);
        portA.restore(0);
        resetControl.restore(0);
        rtc.resetPin();
        kbc.reset();
        com1.reset();
        com2.reset();
        fwCfg.reset();
        for (Runnable hook : resetHooks) {
            hook.run();
        }
        a20.resync();
    }

    /** Host → guest traffic between run slices: serial input, keyboard and mouse events. */
    void deliverHostInput() {
        com1.pollBackend();
        com2.pollBackend();
        input.deliver(kbc.keyboard(), kbc.mouse());
    }

    /** End of a run slice: push buffered serial output to the host. */
    void flushOutput() {
        config.com1().flush();
        config.com2().flush();
    }

    /** Starts the serial backends' host I/O; {@code wake} is called from host threads when input arrives. */
    void startHostIo(Runnable wake) {
        input.onEvent(wake);
        config.com1().start(wake);
        config.com2().start(wake);
    }

    // ---- access for the machine, the CLI and tests

    public BoardConfig config() {
        return config;
    }

    public VirtualClock clock() {
        return clock;
    }

    public IoBus io() {
        return io;
    }

    public MmioBus mmio() {
        return mmio;
    }

    public PcMemoryMap memory() {
        return memory;
    }

    public Pic8259Pair pic() {
        return pic;
    }

    public Pit8254 pit() {
        return pit;
    }

    public Rtc146818 rtc() {
        return rtc;
    }

    public I8042 keyboardController() {
        return kbc;
    }

    public Uart16550 com1() {
        return com1;
    }

    public Uart16550 com2() {
        return com2;
    }

    public PciBus pci() {
        return pci;
    }

    public Piix4Pm powerManagement() {
        return pm;
    }

    public FwCfg fwCfg() {
        return fwCfg;
    }

    public PostCodePort postCodes() {
        return postCodes;
    }

    public A20Gate a20() {
        return a20;
    }

    /** Keyboard and mouse input; safe from any thread. */
    public HostInput input() {
        return input;
    }

    /** Saves the CMOS (if the configuration names a file) and closes the serial backends. */
    @Override
    public void close() {
        debugConsole.flush();
        flushOutput();
        RuntimeException failure = null;
        if (config.cmosFile() != null) {
            long offset = config.clockMode() == ClockMode.REALTIME && config.rtcStartEpochSeconds() == null
                    ? CmosImage.of(rtc, Instant.now().getEpochSecond()).offsetSeconds()
                    : cmosOffsetSeconds; // deterministic runs do not move the persisted clock offset
            try {
                CmosFile.save(config.cmosFile(), new CmosImage(CmosImage.of(rtc, 0).bytes(), offset));
            } catch (IOException e) {
                failure = new UncheckedIOException(config.cmosFile() + ": cannot save CMOS: " + e.getMessage(), e);
            }
        }
        for (var backend : List.of(config.com1(), config.com2())) {
            try {
                backend.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        for (int i = closeHooks.size() - 1; i >= 0; i--) {
            try {
                closeHooks.get(i).close();
            } catch (Exception e) {
                failure = failure == null ? new IllegalStateException("cannot close a device's resource: "
                        + e.getMessage(), e) : failure;
            }
        }
        closeHooks.clear();
        if (failure != null) {
            throw failure;
        }
    }
}

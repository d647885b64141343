package org.quasivm.vmm.devices.acpi;

import java.util.Objects;

import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.clock.ClockTimer;
import org.quasivm.vmm.clock.VirtualClock;
import org.quasivm.vmm.devices.chipset.PowerOffLine;
import org.quasivm.vmm.devices.pci.PciFunction;
import org.quasivm.vmm.devices.pci.PciIdentity;

/**
 * The PIIX4 power management function at 00:01.3, 8086:7113 — what SeaBIOS looks for before it builds ACPI tables.
 * PMBA (40h) places 64 bytes of PM I/O (enabled by PMREGMISC bit 0): PM1 status/enable/control with SCI_EN and
 * SLP_TYP/SLP_EN (type 0 and 2, S5 and S4, power off; S3 is not supported and ignored), the 3.579545 MHz 24-bit PM
 * timer with its overflow event, and the SCI on ISA IRQ 9. The APM ports B2h/B3h switch ACPI mode (F1h/F0h, the
 * values in SeaBIOS's FADT) without SMM. GPE0 sits at AFE0h as on QEMU. DEVACTB reports SMM as already set up,
 * because this board has none. SMBus (90h) is not implemented.
 */
public final class Piix4Pm extends PciFunction {

    public static final PciIdentity IDENTITY = new PciIdentity(0x8086, 0x7113, 0x03, 0x06_80_00,
            PciIdentity.QEMU_SUBSYSTEM_VENDOR, PciIdentity.QEMU_SUBSYSTEM, 1);

    public static final int IO_SIZE = 64;
    public static final int GPE0_PORT = 0xAFE0;
    public static final long TIMER_HZ = 3_579_545L;
    /** Config 67h bits the DSDT reads as "COM1 / COM2 present". */
    public static final int COM1_DECODE = 0x08;
    public static final int COM2_DECODE = 0x90;

    static final int PMBA = 0x40;
    static final int DEVACTB = 0x58;
    static final int PMREGMISC = 0x80;
    static final int PMIOSE = 0x01;
    static final int APMC_EN = 1 << 25;

    static final int PM1_STATUS = 0x00;
    static final int PM1_ENABLE = 0x02;
    static final int PM1_CONTROL = 0x04;
    static final int PM_TIMER = 0x08;

    static final int TMROF = 0x0001;
    static final int GBL = 0x0020;
    static final int PWRBTN = 0x0100;
    static final int RTC = 0x0400;
    static final int WAK = 0x8000;
    static final int STATUS_BITS = TMROF | 0x0010 | GBL | PWRBTN | RTC | 0x0800 | WAK;
    static final int SCI_SOURCES = TMROF | GBL | PWRBTN | RTC;
    static final int SCI_EN = 0x0001;
    static final int SLP_EN = 0x2000;
    static final int ACPI_ENABLE = 0xF1;
    static final int ACPI_DISABLE = 0xF0;
    private static final long NANOS = 1_000_000_000L;
    private static final int TIMER_OVERFLOW_SHIFT = 23;

    private final VirtualClock clock;
    private final IrqLine sci;
    private final PowerOffLine powerOff;
    private final ClockTimer overflowTimer;
    private final BusDevice pmIo = new PmIo();

    private int pm1Status;
    private int pm1Enable;
    private int pm1Control;
    private long timerEpoch;
    private int gpeStatus;
    private int gpeEnable;
    private int apmControl;
    private int apmStatus;
    private final byte[] scratch = new byte[IO_SIZE];
    private int mappedBase = -1;
    private boolean sciLevel;
    private final int comPortBits;
    private final boolean lptPresent;

    /**
     * @param sci          ISA IRQ 9
     * @param powerOff     what SLP_EN with S5 does
     * @param comPortBits  PIIX4 "COM decode enable" bits for the DSDT's _STA: 08h COM1, 90h COM2
     * @param lptPresent   whether a parallel port is at 378h (DSDT's LPT _STA)
     */
    public Piix4Pm(VirtualClock clock, IrqLine sci, PowerOffLine powerOff, int comPortBits, boolean lptPresent) {
        super("piix4-pm", IDENTITY);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sci = Objects.requireNonNull(sci, "sci");
        this.powerOff = Objects.requireNonNull(powerOff, "powerOff");
        this.overflowTimer = clock.newTimer("pm-timer-overflow", d -> timerOverflowed());
        this.comPortBits = comPortBits & 0x98;
        this.lptPresent = lptPresent;
        setWritable(PMBA, 2, 0xFF);
        setWritable(0x44, 20, 0xFF);     // device activity/resource registers
        setWritable(0x5C, 4, 0xFF);
        setWritable(0x60, 16, 0xFF);
        setWritable(PMREGMISC, 1, 0x01);
        setWritable(0x90, 2, 0xFF);      // SMBus base (stored; no SMBus controller here)
        setWritable(0xD2, 1, 0x0F);
    }

    @Override
    protected void resetDevice() {
        putConfig(PMBA, 4, 0x0000_0001);   // I/O space indicator
        putConfig(0x90, 4, 0x0000_0001);
        putConfig(DEVACTB, 4, APMC_EN);    // "SMM already initialised": SeaBIOS then skips its SMM setup
        putConfig(0x5F, 1, 0x10 | (lptPresent ? 0x80 : 0));
        putConfig(0x63, 1, 0x60);
        putConfig(0x67, 1, comPortBits);
        load(Piix4PmState.initial());
        remapIo();
    }

    private void load(Piix4PmState s) {
        pm1Status = s.pm1Status() & STATUS_BITS & ~TMROF;
        pm1Enable = s.pm1Enable();
        pm1Control = s.pm1Control() & ~SLP_EN;
        timerEpoch = s.timerEpoch();
        gpeStatus = s.gpeStatus();
        gpeEnable = s.gpeEnable();
        apmControl = s.apmControl();
        apmStatus = s.apmStatus();
        System.arraycopy(s.scratch(), 0, scratch, 0, IO_SIZE);
        sciLevel = false;
        sci.setLevel(false);
        updateSci();
    }

    public Piix4PmState state() {
        return new Piix4PmState(pm1Status, pm1Enable, pm1Control, timerEpoch, gpeStatus, gpeEnable, apmControl,
                apmStatus, scratch);
    }

    /** After the PCI config bytes were restored: the I/O registers, the PM I/O window and the SCI. */
    public void restore(Piix4PmState s) {
        load(s);
        remapIo();
    }

    @Override
    protected void configWritten(int offset, int size) {
        if ((offset < PMBA + 4 && offset + size > PMBA) || (offset <= PMREGMISC && offset + size > PMREGMISC)) {
            remapIo();
        }
    }

    private void remapIo() {
        int base = (configDword(PMBA) & 0xFFC0);
        boolean on = (configByte(PMREGMISC) & PMIOSE) != 0 && base != 0;
        int wanted = on ? base : -1;
        if (wanted == mappedBase) {
            return;
        }
        if (mappedBase >= 0) {
            addressSpace().unmapIo(mappedBase, pmIo);
            mappedBase = -1;
        }
        if (wanted >= 0 && addressSpace().mapIo("piix4-pm-io", wanted, IO_SIZE, pmIo, AccessWidth.ANY)) {
            mappedBase = wanted;
        }
    }

    /** Where the PM I/O registers decode now, or -1. */
    public int ioBase() {
        return mappedBase;
    }

    // ---- host side

    /** The power button was pressed: with ACPI on, the guest sees PWRBTN_STS and shuts down in an orderly way. */
    public void pressPowerButton() {
        pm1Status |= PWRBTN;
        updateSci();
    }

    public boolean acpiEnabled() {
        return (pm1Control & SCI_EN) != 0;
    }

    // ---- the timer

    private long ticks() {
        long now = clock.nanos();
        return (now / NANOS) * TIMER_HZ + (now % NANOS) * TIMER_HZ / NANOS;
    }

    private int timerValue() {
        return (int) (ticks() & 0xFF_FFFF);
    }

    private boolean timerOverflowPending() {
        return (ticks() >>> TIMER_OVERFLOW_SHIFT) != timerEpoch;
    }

    private int status() {
        return pm1Status | (timerOverflowPending() ? TMROF : 0);
    }

    private void timerOverflowed() {
        updateSci();
    }

    private void armOverflowTimer() {
        if ((pm1Enable & TMROF) != 0 && !timerOverflowPending()) {
            long next = (timerEpoch + 1) << TIMER_OVERFLOW_SHIFT;
            overflowTimer.schedule((next / TIMER_HZ) * NANOS + ((next % TIMER_HZ) * NANOS + TIMER_HZ - 1) / TIMER_HZ);
        } else {
            overflowTimer.cancel();
        }
    }

    private void updateSci() {
        boolean level = (status() & pm1Enable & SCI_SOURCES) != 0 || (gpeStatus & gpeEnable) != 0;
        if (level != sciLevel) {
            sciLevel = level;
            sci.setLevel(level);
        }
        armOverflowTimer();
    }

    // ---- PM I/O

    private final class PmIo implements BusDevice {
        @Override
        public int read(int offset, int size) {
            int v = 0;
            for (int i = 0; i < size && offset + i < IO_SIZE; i++) {
                v |= readByte(offset + i) << (8 * i);
            }
            return v;
        }

        @Override
        public void write(int offset, int size, int value) {
            if (offset == PM_TIMER) {
                return; // read-only
            }
            if (offset == PM1_STATUS && size >= 2) {
                writeStatus(value & 0xFFFF);
                if (size == 4) {
                    writeEnable(value >>> 16);
                }
                return;
            }
            if (offset == PM1_ENABLE && size >= 2) {
                writeEnable(value & 0xFFFF);
                return;
            }
            if (offset == PM1_CONTROL && size >= 2) {
                writeControl(value & 0xFFFF);
                return;
            }
            for (int i = 0; i < size && offset + i < IO_SIZE; i++) {
                writeByte(offset + i, (value >>> (8 * i)) & 0xFF);
            }
        }
    }

    private int readByte(int offset) {
        return switch (offset) {
            case PM1_STATUS -> status() & 0xFF;
            case PM1_STATUS + 1 -> status() >> 8;
            case PM1_ENABLE -> pm1Enable & 0xFF;
            case PM1_ENABLE + 1 -> pm1Enable >> 8;
            case PM1_CONTROL -> pm1Control & 0xFF;
            case PM1_CONTROL + 1 -> pm1Control >> 8;
            case PM_TIMER, PM_TIMER + 1, PM_TIMER + 2, PM_TIMER + 3 ->
                    (timerValue() >>> (8 * (offset - PM_TIMER))) & 0xFF;
            default -> scratch[offset] & 0xFF;
        };
    }

    private void writeByte(int offset, int value) {
        switch (offset) {
            case PM1_STATUS -> writeStatus(value);
            case PM1_STATUS + 1 -> writeStatus(value << 8);
            case PM1_ENABLE -> writeEnable((pm1Enable & 0xFF00) | value);
            case PM1_ENABLE + 1 -> writeEnable((pm1Enable & 0x00FF) | value << 8);
            case PM1_CONTROL -> writeControl((pm1Control & 0xFF00) | value);
            case PM1_CONTROL + 1 -> writeControl((pm1Control & 0x00FF) | value << 8);
            case PM_TIMER, PM_TIMER + 1, PM_TIMER + 2, PM_TIMER + 3 -> { }
            default -> scratch[offset] = (byte) value;
        }
    }

    private void writeStatus(int value) {
        if ((value & TMROF) != 0) {
            timerEpoch = ticks() >>> TIMER_OVERFLOW_SHIFT;
        }
        pm1Status &= ~(value & STATUS_BITS);
        updateSci();
    }

    private void writeEnable(int value) {
        pm1Enable = value & SCI_SOURCES;
        updateSci();
    }

    private void writeControl(int value) {
        pm1Control = value & ~SLP_EN;
        if ((value & SLP_EN) != 0) {
            int type = (value >> 10) & 7;
            if (type == 0 || type == 2) {
                powerOff.requestPowerOff(); // S5 soft off (and S4, which needs no memory image here)
            }
        }
    }

    // ---- APM control/status (B2h/B3h) and GPE0 (AFE0h)

    /** Ports B2h (offset 0) and B3h (offset 1). */
    public BusDevice apmPorts() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return offset == 0 ? apmControl : apmStatus;
            }

            @Override
            public void write(int offset, int size, int value) {
                if (offset == 0) {
                    apmControl = value & 0xFF;
                    if (apmControl == ACPI_ENABLE) {
                        pm1Control |= SCI_EN;
                    } else if (apmControl == ACPI_DISABLE) {
                        pm1Control &= ~SCI_EN;
                    }
                } else {
                    apmStatus = value & 0xFF;
                }
            }
        };
    }

    /** GPE0_BLK (4 bytes at AFE0h): status (write one to clear) then enable. */
    public BusDevice gpeBlock() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                int v = 0;
                for (int i = 0; i < size && offset + i < 4; i++) {
                    int at = offset + i;
                    int reg = at < 2 ? gpeStatus : gpeEnable;
                    v |= ((reg >>> (8 * (at & 1))) & 0xFF) << (8 * i);
                }
                return v;
            }

            @Override
            public void write(int offset, int size, int value) {
                for (int i = 0; i < size && offset + i < 4; i++) {
                    int at = offset + i;
                    int b = (value >>> (8 * i)) & 0xFF;
                    int shift = 8 * (at & 1);
                    if (at < 2) {
                        gpeStatus &= ~(b << shift);
                    } else {
                        gpeEnable = (gpeEnable & ~(0xFF << shift)) | b << shift;
                    }
                }
                updateSci();
            }
        };
    }
}

package org.quasivm.vmm.devices.rtc;

import java.util.Objects;

import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.clock.ClockTimer;
import org.quasivm.vmm.clock.VirtualClock;

/**
 * The Motorola MC146818 real-time clock and its 128 bytes of CMOS RAM (offset 0 = index port 70h, with the NMI
 * mask in bit 7; offset 1 = data port 71h).
 *
 * <p>The clock is guest time plus an offset: the seconds shown are {@code epochAtOrigin + (now - originNanos) / 1 s},
 * formatted on read in BCD or binary and 12 or 24 hours as register B says. Setting the time (SET bit, or writing a
 * time register while running) moves the offset. Update-ended, alarm and periodic flags are computed on demand when
 * their interrupts are off, and by clock timers when on, so an idle RTC costs nothing. Daylight saving (DSE) is
 * stored but not applied; the square-wave output is not modelled.
 */
public final class Rtc146818 implements BusDevice {

    public static final int SECONDS = 0x00;
    public static final int SECONDS_ALARM = 0x01;
    public static final int MINUTES = 0x02;
    public static final int MINUTES_ALARM = 0x03;
    public static final int HOURS = 0x04;
    public static final int HOURS_ALARM = 0x05;
    public static final int DAY_OF_WEEK = 0x06;
    public static final int DAY_OF_MONTH = 0x07;
    public static final int MONTH = 0x08;
    public static final int YEAR = 0x09;
    public static final int REG_A = 0x0A;
    public static final int REG_B = 0x0B;
    public static final int REG_C = 0x0C;
    public static final int REG_D = 0x0D;
    public static final int CENTURY = 0x32;

    static final int REG_A_UIP = 0x80;
    static final int REG_A_DIVIDER = 0x70;
    static final int REG_A_RATE = 0x0F;
    static final int REG_B_SET = 0x80;
    static final int REG_B_PIE = 0x40;
    static final int REG_B_AIE = 0x20;
    static final int REG_B_UIE = 0x10;
    static final int REG_B_BINARY = 0x04;
    static final int REG_B_24H = 0x02;
    static final int REG_C_IRQF = 0x80;
    static final int REG_C_PF = 0x40;
    static final int REG_C_AF = 0x20;
    static final int REG_C_UF = 0x10;
    static final int REG_D_VRT = 0x80;
    static final int NMI_MASK = 0x80;
    static final long SECOND = 1_000_000_000L;
    /** UIP rises this long before each update (datasheet: 244 µs). */
    static final long UIP_WINDOW_NS = 244_000;
    private static final long OSCILLATOR_HZ = 32_768;
    private static final int[] TIME_REGISTERS = {SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR,
        CENTURY};

    private final VirtualClock clock;
    private final IrqLine irq;
    private final ClockTimer secondTimer;
    private final ClockTimer periodicTimer;
    private final byte[] cmos = new byte[RtcState.SIZE];
    private int index;
    private boolean nmiMasked;
    private boolean running;
    private long epochAtOrigin;
    private long originNanos;
    private long flagsCheckedAt;

    /**
     * A powered-on RTC showing {@code startEpochSeconds} now (the board passes host wall time in realtime mode, a
     * fixed instant in deterministic mode), registers A-D at their usual firmware defaults (26h, 02h, 00h, 80h).
     */
    public Rtc146818(VirtualClock clock, IrqLine irq8, long startEpochSeconds) {
        this(clock, irq8);
        long now = clock.nanos();
        cmos[REG_A] = 0x26;
        cmos[REG_B] = REG_B_24H;
        cmos[REG_D] = (byte) REG_D_VRT;
        running = true;
        epochAtOrigin = startEpochSeconds;
        originNanos = now;
        flagsCheckedAt = now;
        rearm(now);
    }

    private Rtc146818(VirtualClock clock, IrqLine irq8) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.irq = Objects.requireNonNull(irq8, "irq8");
        this.secondTimer = clock.newTimer("rtc-update", this::secondElapsed);
        this.periodicTimer = clock.newTimer("rtc-periodic", this::periodElapsed);
    }

    /** Rebuilds the RTC from a snapshot (validated by {@link RtcState}); a pending IRQF raises IRQ 8 again. */
    public static Rtc146818 fromState(RtcState state, VirtualClock clock, IrqLine irq8) {
        Rtc146818 rtc = new Rtc146818(clock, irq8);
        byte[] bytes = state.cmos();
        System.arraycopy(bytes, 0, rtc.cmos, 0, RtcState.SIZE);
        rtc.cmos[REG_D] = (byte) REG_D_VRT;
        rtc.index = state.index();
        rtc.nmiMasked = state.nmiMasked();
        rtc.running = state.running();
        rtc.epochAtOrigin = state.epochAtOrigin();
        rtc.originNanos = state.originNanos();
        rtc.flagsCheckedAt = state.flagsCheckedAt();
        rtc.irq.setLevel((rtc.cmos[REG_C] & REG_C_IRQF) != 0);
        rtc.rearm();
        return rtc;
    }

    public RtcState state() {
        byte[] copy = cmos.clone();
        if (running) {
            long seconds = currentSeconds(clock.nanos());
            for (int reg : TIME_REGISTERS) {
                copy[reg] = (byte) timeRegister(reg, seconds);
            }
        }
        return new RtcState(copy, index, nmiMasked, running, epochAtOrigin, originNanos, flagsCheckedAt);
    }

    /**
     * The chip's RESET pin (system reset): interrupt enables and the square wave in register B and all flags in
     * register C are cleared; time, format and CMOS RAM are kept.
     */
    public void resetPin() {
        cmos[REG_B] &= (byte) ~(REG_B_PIE | REG_B_AIE | REG_B_UIE | 0x08);
        cmos[REG_C] = 0;
        flagsCheckedAt = clock.nanos();
        irq.setLevel(false);
        rearm();
    }

    // ---- host side

    /**
     * A CMOS byte as the firmware would read it (the board fills memory sizes, boot order...), without a read's
     * side effects: register C is shown, not cleared.
     */
    public int cmosByte(int reg) {
        Objects.checkIndex(reg, RtcState.SIZE);
        return reg == REG_C ? cmos[REG_C] & 0xFF : readRegister(reg);
    }

    /** Sets a CMOS RAM byte from the host (not the clock or control registers 00h-0Dh). */
    public void setCmosByte(int reg, int value) {
        if (reg < 0x0E || reg >= RtcState.SIZE) {
            throw new IllegalArgumentException("CMOS RAM byte out of range: " + reg);
        }
        cmos[reg] = (byte) value;
    }

    /** The RTC's own wall time now, in seconds since 1970 (what the guest would read). */
    public long currentSeconds() {
        return running ? currentSeconds(clock.nanos()) : secondsFromRegisters();
    }

    public boolean nmiMasked() {
        return nmiMasked;
    }

    // ---- guest side

    @Override
    public int read(int offset, int size) {
        if (offset != 1) {
            return 0xFF; // the index register is write-only
        }
        return readRegister(index);
    }

    @Override
    public void write(int offset, int size, int value) {
        value &= 0xFF;
        if (offset == 0) {
            index = value & 0x7F;
            nmiMasked = (value & NMI_MASK) != 0;
        } else if (offset == 1) {
            writeRegister(index, value);
        }
    }

    private int readRegister(int reg) {
        long now = clock.nanos();
        switch (reg) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY:
                return running ? timeRegister(reg, currentSeconds(now)) : cmos[reg] & 0xFF;
            case REG_A:
                return (cmos[REG_A] & 0x7F) | (updateImminent(now) ? REG_A_UIP : 0);
            case REG_C:
                return readAndClearFlags(now);
            case REG_D:
                return REG_D_VRT;
            default:
                return cmos[reg] & 0xFF;
        }
    }

    private void writeRegister(int reg, int value) {
        long now = clock.nanos();
        switch (reg) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> writeTime(reg, value, now);
            case REG_A -> {
                boolean wasRunning = running;
                cmos[REG_A] = (byte) (value & 0x7F);
                updateRunning(wasRunning, now, true);
            }
            case REG_B -> {
                boolean wasRunning = running;
                if ((value & REG_B_SET) != 0) {
                    value &= ~REG_B_UIE; // entering SET mode disables update interrupts
                }
                cmos[REG_B] = (byte) value;
                updateRunning(wasRunning, now, false);
                updateIrq();
            }
            case REG_C, REG_D -> { } // read-only
            default -> cmos[reg] = (byte) value;
        }
    }

    private void writeTime(int reg, int value, long now) {
        if (!running) {
            cmos[reg] = (byte) value; // held: taken over when the clock starts again
            return;
        }
        // running: the next update counts on from the written value, sub-second phase kept
        long seconds = currentSeconds(now);
        for (int r : TIME_REGISTERS) {
            cmos[r] = (byte) timeRegister(r, seconds);
        }
        cmos[reg] = (byte) value;
        epochAtOrigin += secondsFromRegisters() - seconds;
        rearm(now);
    }

    private boolean dividerRunning() {
        return (cmos[REG_A] & REG_A_DIVIDER) <= 0x20; // 110/111 hold the divider in reset
    }

    private void updateRunning(boolean wasRunning, long now, boolean dividerChange) {
        running = dividerRunning() && (cmos[REG_B] & REG_B_SET) == 0;
        if (wasRunning && !running) {
            long seconds = currentSeconds(now);
            for (int r : TIME_REGISTERS) {
                cmos[r] = (byte) timeRegister(r, seconds);
            }
        } else if (!wasRunning && running) {
            epochAtOrigin = secondsFromRegisters();
            // leaving divider reset, the first update comes half a second later; leaving SET, a second later
            originNanos = dividerChange ? now - SECOND / 2 : now;
        }
        rearm(now);
    }

    // ---- time arithmetic

    private long secondIndex(long now) {
        return Math.floorDiv(now - originNanos, SECOND);
    }

    private long currentSeconds(long now) {
        return epochAtOrigin + secondIndex(now);
    }

    private long nextUpdate(long now) {
        return originNanos + (secondIndex(now) + 1) * SECOND;
    }

    private boolean updateImminent(long now) {
        return running && nextUpdate(now) - now <= UIP_WINDOW_NS;
    }

    private boolean binary() {
        return (cmos[REG_B] & REG_B_BINARY) != 0;
    }

    private int encode(int value) {
        return binary() ? value : (value / 10) << 4 | value % 10;
    }

    private int decode(int raw) {
        raw &= 0xFF;
        return binary() ? raw : ((raw >> 4) & 0xF) * 10 + (raw & 0xF);
    }

    /** The register {@code reg} showing time {@code seconds}, in the current format. */
    private int timeRegister(int reg, long seconds) {
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) (seconds - days * 86_400L);
        switch (reg) {
            case SECONDS:
                return encode(secondOfDay % 60);
            case MINUTES:
                return encode(secondOfDay / 60 % 60);
            case HOURS: {
                int h = secondOfDay / 3600;
                if ((cmos[REG_B] & REG_B_24H) != 0) {
                    return encode(h);
                }
                int h12 = h % 12 == 0 ? 12 : h % 12;
                return encode(h12) | (h >= 12 ? 0x80 : 0);
            }
            case DAY_OF_WEEK:
                return encode(CivilTime.dayOfWeek(days));
            default:
                break;
        }
        long civil = CivilTime.civilFromDays(days);
        long year = civil >> 9;
        return switch (reg) {
            case DAY_OF_MONTH -> encode((int) (civil & 0x1F));
            case MONTH -> encode((int) ((civil >> 5) & 0xF));
            case YEAR -> encode((int) Math.floorMod(year, 100L));
            default -> encode((int) Math.floorMod(year / 100, 100L)); // century
        };
    }

    /** Seconds since 1970 shown by the held registers; out-of-range fields are clamped, never trusted. */
    private long secondsFromRegisters() {
        int sec = Math.min(decode(cmos[SECONDS]), 59);
        int min = Math.min(decode(cmos[MINUTES]), 59);
        int rawHour = cmos[HOURS] & 0xFF;
        int hour;
        if ((cmos[REG_B] & REG_B_24H) != 0) {
            hour = Math.min(decode(rawHour), 23);
        } else {
            int h12 = Math.min(Math.max(decode(rawHour & 0x7F), 1), 12) % 12;
            hour = h12 + ((rawHour & 0x80) != 0 ? 12 : 0);
        }
        int month = Math.min(Math.max(decode(cmos[MONTH]), 1), 12);
        long year = Math.min(decode(cmos[CENTURY]), 99) * 100L + Math.min(decode(cmos[YEAR]), 99);
        int day = Math.min(Math.max(decode(cmos[DAY_OF_MONTH]), 1), CivilTime.daysInMonth(year, month));
        return CivilTime.daysFromCivil(year, month, day) * 86_400L + hour * 3600L + min * 60L + sec;
    }

    private boolean alarmMatches(long seconds) {
        return alarmField(SECONDS_ALARM, SECONDS, seconds) && alarmField(MINUTES_ALARM, MINUTES, seconds)
                && alarmField(HOURS_ALARM, HOURS, seconds);
    }

    private boolean alarmField(int alarmReg, int timeReg, long seconds) {
        int alarm = cmos[alarmReg] & 0xFF;
        return (alarm & 0xC0) == 0xC0 || alarm == timeRegister(timeReg, seconds);
    }

    private int periodTicks() {
        int rate = cmos[REG_A] & REG_A_RATE;
        if (rate == 0) {
            return 0;
        }
        if (rate <= 2) {
            rate += 7; // rates 1 and 2 repeat 8 and 9 on a 32.768 kHz time base
        }
        return 1 << (rate - 1);
    }

    private static long oscillatorTicks(long nanos) {
        return (nanos / SECOND) * OSCILLATOR_HZ + (nanos % SECOND) * OSCILLATOR_HZ / SECOND;
    }

    private static long nanosForTicks(long ticks) {
        long rem = ticks % OSCILLATOR_HZ;
        return (ticks / OSCILLATOR_HZ) * SECOND + (rem * SECOND + OSCILLATOR_HZ - 1) / OSCILLATOR_HZ;
    }

    // ---- flags and interrupts

    private int readAndClearFlags(long now) {
        int flags = cmos[REG_C] & 0x70;
        if (running && secondIndex(now) > secondIndex(flagsCheckedAt)) {
            flags |= REG_C_UF;
            if (alarmMatches(currentSeconds(now))) {
                flags |= REG_C_AF;
            }
        }
        int period = periodTicks();
        if (period != 0 && dividerRunning()
                && oscillatorTicks(now) / period > oscillatorTicks(flagsCheckedAt) / period) {
            flags |= REG_C_PF;
        }
        int value = flags | (irqFlag(flags) ? REG_C_IRQF : 0) | (cmos[REG_C] & REG_C_IRQF);
        cmos[REG_C] = 0;
        flagsCheckedAt = now;
        irq.setLevel(false);
        return value;
    }

    private boolean irqFlag(int flags) {
        int enables = cmos[REG_B] & (REG_B_PIE | REG_B_AIE | REG_B_UIE);
        return (flags & enables) != 0; // PF/AF/UF sit at the same bit positions as PIE/AIE/UIE
    }

    private void updateIrq() {
        int flags = cmos[REG_C] & 0x70;
        if (irqFlag(flags)) {
            cmos[REG_C] |= (byte) REG_C_IRQF;
        }
        irq.setLevel((cmos[REG_C] & REG_C_IRQF) != 0);
    }

    private void rearm() {
        rearm(clock.nanos());
    }

    /**
     * Arms the update and periodic timers for their next instants after {@code now}: the moment of the register
     * write that changed them, not a later clock reading (in realtime mode the host clock moves on in between, and
     * an update or period falling in that gap would be skipped).
     */
    private void rearm(long now) {
        int enables = cmos[REG_B];
        if (running && (enables & (REG_B_UIE | REG_B_AIE)) != 0) {
            secondTimer.schedule(nextUpdate(now));
        } else {
            secondTimer.cancel();
        }
        int period = periodTicks();
        if (period != 0 && dividerRunning() && (enables & REG_B_PIE) != 0) {
            periodicTimer.schedule(nanosForTicks((oscillatorTicks(now) / period + 1) * period));
        } else {
            periodicTimer.cancel();
        }
    }

    // A timer can fire late (realtime clock: devices run between executor slices). If the guest read register C
    // at or after the deadline, that read already reported this update or period on demand: not again.
    private void secondElapsed(long deadline) {
        if (!running) {
            return;
        }
        if (secondIndex(flagsCheckedAt) >= secondIndex(deadline)) {
            rearm();
            return;
        }
        int flags = REG_C_UF;
        if (alarmMatches(currentSeconds(deadline))) {
            flags |= REG_C_AF;
        }
        cmos[REG_C] |= (byte) flags;
        updateIrq();
        rearm();
    }

    private void periodElapsed(long deadline) {
        int period = periodTicks();
        if (period != 0 && oscillatorTicks(flagsCheckedAt) / period >= oscillatorTicks(deadline) / period) {
            rearm();
            return;
        }
        cmos[REG_C] |= (byte) REG_C_PF;
        updateIrq();
        rearm();
    }
}

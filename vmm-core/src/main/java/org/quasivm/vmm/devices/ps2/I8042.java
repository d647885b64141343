package org.quasivm.vmm.devices.ps2;

import java.util.Objects;

import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.devices.chipset.A20Gate;
import org.quasivm.vmm.devices.chipset.ResetLine;

/**
 * The Intel 8042 keyboard controller: data port (offset 0, port 60h) and status/command port (offset 4, port 64h)
 * — map {@link #dataPort()} and {@link #commandPort()} separately, since 61h-63h belong to others. Keyboard on the
 * first port (IRQ 1), mouse on the auxiliary port (IRQ 12), set 2 to set 1 translation, the controller commands
 * BIOSes and Linux use, and the output port's system reset and A20 lines.
 */
public final class I8042 {

    static final int STATUS_OBF = 0x01;
    static final int STATUS_SYS = 0x04;
    static final int STATUS_CMD = 0x08;
    static final int STATUS_NOT_INHIBITED = 0x10;
    static final int STATUS_AUX_OBF = 0x20;

    static final int CCB_KBD_INT = 0x01;
    static final int CCB_AUX_INT = 0x02;
    static final int CCB_SYS = 0x04;
    static final int CCB_KBD_DISABLED = 0x10;
    static final int CCB_AUX_DISABLED = 0x20;
    static final int CCB_TRANSLATE = 0x40;

    static final int OUT_RESET = 0x01;
    static final int OUT_A20 = 0x02;
    static final int OUT_KBD_OBF = 0x10;
    static final int OUT_AUX_OBF = 0x20;

    private final IrqLine kbdIrq;
    private final IrqLine auxIrq;
    private final A20Gate a20;
    private final ResetLine reset;
    private final Ps2Keyboard keyboard;
    private final Ps2Mouse mouse;
    private final Ps2Queue replies = new Ps2Queue(16);

    private int commandByte;
    private int outputPort;
    private int outputBuffer;
    private boolean outputFull;
    private boolean outputFromAux;
    private boolean lastWasCommand;
    private int awaiting;
    private boolean breakPrefix;

    public I8042(IrqLine kbdIrq, IrqLine auxIrq, A20Gate a20, ResetLine reset) {
        this(I8042State.initial(), Ps2KeyboardState.initial(), Ps2MouseState.initial(), kbdIrq, auxIrq, a20,
                reset);
    }

    private I8042(I8042State s, Ps2KeyboardState k, Ps2MouseState m, IrqLine kbdIrq, IrqLine auxIrq, A20Gate a20,
                  ResetLine reset) {
        this.kbdIrq = Objects.requireNonNull(kbdIrq, "kbdIrq");
        this.auxIrq = Objects.requireNonNull(auxIrq, "auxIrq");
        this.a20 = Objects.requireNonNull(a20, "a20");
        this.reset = Objects.requireNonNull(reset, "reset");
        this.keyboard = Ps2Keyboard.fromState(k, this::refill);
        this.mouse = Ps2Mouse.fromState(m, this::refill);
        load(s);
    }

    /** Rebuilds controller and devices from a snapshot; a full output buffer raises its IRQ again. */
    public static I8042 fromState(I8042State state, Ps2KeyboardState keyboard, Ps2MouseState mouse,
                                  IrqLine kbdIrq, IrqLine auxIrq, A20Gate a20, ResetLine reset) {
        return new I8042(state, keyboard, mouse, kbdIrq, auxIrq, a20, reset);
    }

    public I8042State state() {
        return new I8042State(commandByte, outputPort, outputBuffer, outputFull, outputFromAux, lastWasCommand,
                awaiting, replies.toArray(), breakPrefix);
    }

    public void reset() {
        keyboard.reset();
        mouse.reset();
        load(I8042State.initial());
    }

    private void load(I8042State s) {
        commandByte = s.commandByte();
        outputPort = s.outputPort();
        outputBuffer = s.outputBuffer();
        outputFull = s.outputFull();
        outputFromAux = s.outputFromAux();
        lastWasCommand = s.lastWasCommand();
        awaiting = s.awaiting();
        replies.load(s.replies());
        breakPrefix = s.breakPrefix();
        a20.setKeyboardController((outputPort & OUT_A20) != 0);
        updateIrqs();
        refill();
    }

    public Ps2Keyboard keyboard() {
        return keyboard;
    }

    public Ps2Mouse mouse() {
        return mouse;
    }

    /** Port 60h. */
    public BusDevice dataPort() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return readData();
            }

            @Override
            public void write(int offset, int size, int value) {
                writeData(value & 0xFF);
            }
        };
    }

    /** Port 64h. */
    public BusDevice commandPort() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return status();
            }

            @Override
            public void write(int offset, int size, int value) {
                writeCommand(value & 0xFF);
            }
        };
    }

    private int status() {
        int s = STATUS_NOT_INHIBITED;
        if (outputFull) {
            s |= STATUS_OBF;
            if (outputFromAux) {
                s |= STATUS_AUX_OBF;
            }
        }
        if ((commandByte & CCB_SYS) != 0) {
            s |= STATUS_SYS;
        }
        if (lastWasCommand) {
            s |= STATUS_CMD;
        }
        return s;
    }

    private int readData() {
        int value = outputBuffer; // with nothing new, the last byte reads again
        outputFull = false;
        updateIrqs();
        refill();
        return value;
    }

    private void writeData(int value) {
        lastWasCommand = false;
        int command = awaiting;
        awaiting = 0;
        switch (command) {
            case 0x60 -> {
                commandByte = value;
                updateIrqs();
                refill();
            }
            case 0xD1 -> writeOutputPort(value);
            case 0xD2 -> deliverFromController(value, false);
            case 0xD3 -> deliverFromController(value, true);
            case 0xD4 -> mouse.receive(value);
            default -> {
                if (command >= 0x61 && command <= 0x7F) {
                    return; // controller RAM bytes other than the command byte are not kept
                }
                commandByte &= ~CCB_KBD_DISABLED; // talking to the keyboard enables its interface
                keyboard.receive(value);
            }
        }
    }

    private void writeCommand(int command) {
        lastWasCommand = true;
        awaiting = 0;
        switch (command) {
            case 0x20 -> reply(commandByte);
            case 0xA7 -> commandByte |= CCB_AUX_DISABLED;
            case 0xA8 -> {
                commandByte &= ~CCB_AUX_DISABLED;
                refill();
            }
            case 0xA9, 0xAB -> reply(0x00); // interface tests pass
            case 0xAA -> reply(0x55);        // controller self test passes
            case 0xAD -> commandByte |= CCB_KBD_DISABLED;
            case 0xAE -> {
                commandByte &= ~CCB_KBD_DISABLED;
                refill();
            }
            case 0xC0 -> reply(0x80);        // input port: keyboard not locked
            case 0xD0 -> reply(outputPort | (outputFull ? (outputFromAux ? OUT_AUX_OBF : OUT_KBD_OBF) : 0));
            case 0x60, 0xD1, 0xD2, 0xD3, 0xD4 -> awaiting = command;
            case 0xDD -> writeOutputPort(outputPort & ~OUT_A20);
            case 0xDF -> writeOutputPort(outputPort | OUT_A20);
            case 0xE0 -> reply(0x00);        // test inputs
            default -> {
                if (command >= 0x21 && command <= 0x3F) {
                    reply(0x00);             // controller RAM reads
                } else if (command >= 0x61 && command <= 0x7F) {
                    awaiting = command;
                } else if (command >= 0xF0) {
                    if ((command & OUT_RESET) == 0) {
                        reset.requestReset(); // pulsing output line 0 (FEh) resets the CPU
                    }
                }
                // anything else: no such command on this controller, ignored
            }
        }
        updateIrqs();
    }

    private void writeOutputPort(int value) {
        outputPort = value & 0xFF;
        a20.setKeyboardController((outputPort & OUT_A20) != 0);
        if ((outputPort & OUT_RESET) == 0) {
            outputPort |= OUT_RESET;
            reset.requestReset();
        }
    }

    private void reply(int value) {
        replies.add(value);
        refill();
    }

    private void deliverFromController(int value, boolean aux) {
        if (!outputFull) {
            outputBuffer = value;
            outputFull = true;
            outputFromAux = aux;
            updateIrqs();
        }
    }

    /** Moves the next waiting byte (controller replies first, then keyboard, then mouse) into the output buffer. */
    private void refill() {
        while (!outputFull) {
            if (!replies.isEmpty()) {
                outputBuffer = replies.take();
                outputFull = true;
                outputFromAux = false;
            } else if ((commandByte & CCB_KBD_DISABLED) == 0 && keyboard.hasOutput()) {
                int b = keyboard.takeOutput();
                if ((commandByte & CCB_TRANSLATE) != 0) {
                    if (b == 0xF0) {
                        breakPrefix = true;
                        continue; // the break prefix is folded into the next code
                    }
                    b = ScanCodeTranslation.toSet1(b) | (breakPrefix ? 0x80 : 0);
                    breakPrefix = false;
                }
                outputBuffer = b;
                outputFull = true;
                outputFromAux = false;
            } else if ((commandByte & CCB_AUX_DISABLED) == 0 && mouse.hasOutput()) {
                outputBuffer = mouse.takeOutput();
                outputFull = true;
                outputFromAux = true;
            } else {
                break;
            }
        }
        updateIrqs();
    }

    /**
     * IRQ1 follows a full output buffer only while the keyboard interface is enabled: a controller reply to a
     * command given with the interface off (self-test, interface test) raises nothing, as on QEMU's i8042. Otherwise
     * the edge would stay latched in a masked 8259 and arrive, with a stale byte, when the guest unmasks IRQ1.
     */
    private void updateIrqs() {
        kbdIrq.setLevel(outputFull && !outputFromAux && (commandByte & CCB_KBD_INT) != 0
                && (commandByte & CCB_KBD_DISABLED) == 0);
        auxIrq.setLevel(outputFull && outputFromAux && (commandByte & CCB_AUX_INT) != 0);
    }
}

package org.quasivm.vmm.devices.ide;

import java.util.Objects;

import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.memory.PcMemoryMap;

/**
 * One IDE channel: the command block (8 ports at 1F0h/170h), the control block (3F6h/376h), up to two devices that
 * both latch every task file write while only the selected one answers, the channel's interrupt line (INTRQ gated by
 * nIEN, cleared by a status read) and its bus-master DMA engine.
 *
 * <p>A position without a device reads as zero everywhere, as QEMU's does, which is how Linux and SeaBIOS tell it
 * is empty. VM thread only.
 */
public final class IdeChannel implements IdeBus {

    private final IdeDevice[] devices = new IdeDevice[2];
    private final IrqLine irq;
    private final BusMasterDma busMaster;
    private final BusDevice commandBlock = new CommandBlock();
    private final BusDevice controlBlock = new ControlBlock();

    private int selected;
    private int control;
    private boolean interruptPending;

    public IdeChannel(IrqLine irq, PcMemoryMap memory) {
        this.irq = Objects.requireNonNull(irq, "irq");
        this.busMaster = new BusMasterDma(this, memory);
    }

    /** Puts {@code device} at position 0 (master) or 1 (slave); null leaves the position empty. */
    public void attach(int position, IdeDevice device) {
        Objects.checkIndex(position, 2);
        devices[position] = device;
        if (device != null) {
            device.connect(this);
            device.powerOn();
        }
    }

    public IdeDevice device(int position) {
        return devices[Objects.checkIndex(position, 2)];
    }

    public BusDevice commandBlock() {
        return commandBlock;
    }

    public BusDevice controlBlock() {
        return controlBlock;
    }

    /** The channel's eight bus-master registers (half of the PIIX3's BAR4 window). */
    public BusDevice busMasterRegisters() {
        return busMaster;
    }

    /** Hardware reset (RESET#): devices to their power-on state, the bus master idle, the line low. */
    public void reset() {
        selected = 0;
        control = 0;
        busMaster.reset();
        for (IdeDevice d : devices) {
            if (d != null) {
                d.powerOn();
            }
        }
        setInterrupt(false);
    }

    IdeDevice selectedDevice() {
        return devices[selected];
    }

    // ---- IdeBus: what the selected device signals

    @Override
    public void raiseInterrupt() {
        busMaster.interruptRaised();
        setInterrupt(true);
    }

    @Override
    public void dmaRequest() {
        busMaster.run();
    }

    private void setInterrupt(boolean pending) {
        interruptPending = pending;
        irq.setLevel(pending && (control & Ata.CONTROL_NIEN) == 0);
    }

    /** Bytes the channel's bus master has moved since power-on: how a test sees that a guest used DMA. */
    public long dmaBytes() {
        return busMaster.bytesMoved();
    }

    public boolean interruptPending() {
        return interruptPending;
    }

    // ---- the command block

    private final class CommandBlock implements BusDevice {
        @Override
        public int read(int offset, int size) {
            if (offset == Ata.DATA) {
                IdeDevice d = devices[selected];
                return d == null ? 0 : d.readData(size);
            }
            int value = 0;
            for (int i = 0; i < size && offset + i < Ata.COMMAND_BLOCK_PORTS; i++) {
                value |= readRegister(offset + i) << (8 * i);
            }
            return value;
        }

        @Override
        public void write(int offset, int size, int value) {
            if (offset == Ata.DATA) {
                IdeDevice d = devices[selected];
                if (d != null) {
                    d.writeData(size, value);
                }
                return;
            }
            for (int i = 0; i < size && offset + i < Ata.COMMAND_BLOCK_PORTS; i++) {
                writeRegister(offset + i, (value >>> (8 * i)) & 0xFF);
            }
        }
    }

    private int readRegister(int offset) {
        IdeDevice d = devices[selected];
        if (d == null) {
            return 0;
        }
        if (offset == Ata.STATUS_COMMAND) {
            setInterrupt(false);
        }
        return d.readRegister(offset, (control & Ata.CONTROL_HOB) != 0) & 0xFF;
    }

    private void writeRegister(int offset, int value) {
        control &= ~Ata.CONTROL_HOB; // any command block write clears HOB
        if (offset == Ata.STATUS_COMMAND) {
            command(value);
            return;
        }
        if (offset == Ata.DEVICE) {
            selected = (value & Ata.DEVICE_DEV) != 0 ? 1 : 0;
        }
        for (IdeDevice d : devices) {
            if (d != null) {
                d.writeRegister(offset, value);
            }
        }
    }

    private void command(int command) {
        IdeDevice d = devices[selected];
        if (d == null || (control & Ata.CONTROL_SRST) != 0 || !d.acceptsCommand(command)) {
            return;
        }
        if (command == Ata.EXECUTE_DEVICE_DIAGNOSTIC) {
            // both devices run their diagnostics; the result interrupts from device 0's side, as on the cable
            for (IdeDevice each : devices) {
                if (each != null) {
                    each.softReset();
                }
            }
            selected = 0;
            raiseInterrupt();
            return;
        }
        setInterrupt(false);
        d.execute(command);
    }

    // ---- the control block

    private final class ControlBlock implements BusDevice {
        @Override
        public int read(int offset, int size) {
            // alternate status: the status register without clearing the interrupt
            IdeDevice d = devices[selected];
            int status = d == null ? 0 : d.status & 0xFF;
            return size == 1 ? status : status * 0x0101_0101 & (size == 2 ? 0xFFFF : -1);
        }

        @Override
        public void write(int offset, int size, int value) {
            deviceControl(value & 0xFF);
        }
    }

    private void deviceControl(int value) {
        boolean wasReset = (control & Ata.CONTROL_SRST) != 0;
        boolean reset = (value & Ata.CONTROL_SRST) != 0;
        control = value;
        if (reset && !wasReset) {
            for (IdeDevice d : devices) {
                if (d != null) {
                    d.resetAsserted();
                }
            }
            setInterrupt(false);
        } else if (!reset && wasReset) {
            for (IdeDevice d : devices) {
                if (d != null) {
                    d.softReset();
                }
            }
            selected = 0;
        }
        setInterrupt(interruptPending);
    }
}

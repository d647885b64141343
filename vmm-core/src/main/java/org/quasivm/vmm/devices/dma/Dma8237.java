package org.quasivm.vmm.devices.dma;

import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.memory.PcMemoryMap;

/**
 * One Intel 8237A DMA controller: four channels with base and current address and count (16-bit registers written
 * low byte then high through the byte pointer flip-flop), mode, mask, request and status registers. The PC has two:
 * the first moves bytes (channels 0-3, ports 00h-0Fh), the second 16-bit words (channels 4-7, ports C0h-DFh with
 * every other port used; its channel 0 is the cascade from the first).
 *
 * <p>Transfers are done on demand by the requesting device, in whole blocks, from the VM thread; an 8-bit channel's
 * address wraps inside its 64 KiB page and a 16-bit channel's inside its 128 KiB page, as on the PC, whose page
 * registers ({@link DmaPageRegisters}) supply the upper address bits. Every register access is bounded by its
 * offset; nothing the guest writes can make a transfer leave the 16 MiB ISA address space.
 */
public final class Dma8237 {

    static final int MODE_TRANSFER_MASK = 0x0C;
    static final int MODE_VERIFY = 0x00;
    static final int MODE_WRITE = 0x04;       // device to memory
    static final int MODE_READ = 0x08;        // memory to device
    static final int MODE_AUTOINIT = 0x10;
    static final int MODE_DECREMENT = 0x20;
    static final int MODE_CASCADE = 0xC0;
    static final int COMMAND_DISABLE = 0x04;

    private final boolean wordMode;
    private final PcMemoryMap memory;
    private final DmaPageRegisters pages;
    private final int firstChannel;
    private final Channel[] channels = new Channel[4];
    private final BusDevice registers = new Registers();

    private boolean flipFlop;
    private int command;
    private int status;
    private int mask;
    private int temporary;

    Dma8237(boolean wordMode, int firstChannel, PcMemoryMap memory, DmaPageRegisters pages) {
        this.wordMode = wordMode;
        this.firstChannel = firstChannel;
        this.memory = memory;
        this.pages = pages;
        for (int i = 0; i < 4; i++) {
            channels[i] = new Channel(i);
        }
        reset();
    }

    /** Master clear (and power-on): every channel masked, registers cleared. */
    void reset() {
        flipFlop = false;
        command = 0;
        status = 0;
        mask = 0x0F;
        temporary = 0;
        for (Channel c : channels) {
            c.clear();
        }
    }

    BusDevice registers() {
        return registers;
    }

    DmaChannel channel(int index) {
        return channels[index];
    }

    // ---- registers: offsets 0..15 in units of the controller's port spacing

    private final class Registers implements BusDevice {
        @Override
        public int read(int offset, int size) {
            int reg = wordMode ? offset >> 1 : offset;
            if (wordMode && (offset & 1) != 0) {
                return 0xFF;   // the odd ports of the second controller decode nothing
            }
            return readRegister(reg & 0x0F);
        }

        @Override
        public void write(int offset, int size, int value) {
            if (wordMode && (offset & 1) != 0) {
                return;
            }
            writeRegister((wordMode ? offset >> 1 : offset) & 0x0F, value & 0xFF);
        }
    }

    private int readRegister(int reg) {
        if (reg < 8) {
            Channel c = channels[reg >> 1];
            int value = (reg & 1) == 0 ? c.currentAddress : c.currentCount;
            int b = flipFlop ? value >>> 8 : value;
            flipFlop = !flipFlop;
            return b & 0xFF;
        }
        return switch (reg) {
            case 8 -> {
                int s = status;
                status &= 0xF0;     // reading status clears the terminal count bits
                yield s;
            }
            case 13 -> temporary;
            case 15 -> mask | 0xF0;
            default -> 0xFF;
        };
    }

    private void writeRegister(int reg, int value) {
        if (reg < 8) {
            Channel c = channels[reg >> 1];
            boolean high = flipFlop;
            flipFlop = !flipFlop;
            if ((reg & 1) == 0) {
                c.baseAddress = high ? (c.baseAddress & 0xFF) | value << 8 : (c.baseAddress & 0xFF00) | value;
                c.currentAddress = c.baseAddress;
            } else {
                c.baseCount = high ? (c.baseCount & 0xFF) | value << 8 : (c.baseCount & 0xFF00) | value;
                c.currentCount = c.baseCount;
            }
            return;
        }
        switch (reg) {
            case 8 -> command = value;
            case 9 -> {                                   // software request
                int bit = 1 << (value & 3);
                status = (value & 4) != 0 ? status | bit << 4 : status & ~(bit << 4);
            }
            case 10 -> setMask((value & 4) != 0 ? mask | 1 << (value & 3) : mask & ~(1 << (value & 3)));
            case 11 -> channels[value & 3].mode = value;
            case 12 -> flipFlop = false;
            case 13 -> reset();
            case 14 -> setMask(0);
            case 15 -> setMask(value & 0x0F);
            default -> { }
        }
    }

    private void setMask(int newMask) {
        int unmasked = mask & ~newMask;
        mask = newMask;
        for (int i = 0; i < 4; i++) {
            if ((unmasked & (1 << i)) != 0) {
                channels[i].serveIfRequested();
            }
        }
    }

    // ---- channels

    private final class Channel implements DmaChannel {
        private final int index;
        int baseAddress;
        int baseCount;
        int currentAddress;
        int currentCount;
        int mode;
        private boolean terminal;
        private Requester requester;

        Channel(int index) {
            this.index = index;
        }

        void clear() {
            baseAddress = baseCount = currentAddress = currentCount = 0;
            mode = 0;
            terminal = false;
        }

        @Override
        public void request(boolean asserted, Requester who) {
            requester = asserted ? who : null;
            int bit = 1 << (index + 4);
            status = asserted ? status | bit : status & ~bit;
            serveIfRequested();
        }

        void serveIfRequested() {
            Requester r = requester;
            if (r != null && ready()) {
                r.serve(this);
            }
        }

        @Override
        public boolean ready() {
            return (mask & (1 << index)) == 0 && (command & COMMAND_DISABLE) == 0
                    && (mode & MODE_CASCADE) != MODE_CASCADE;
        }

        @Override
        public int toMemory(byte[] source, int offset, int length) {
            return transfer(source, offset, length, MODE_WRITE);
        }

        @Override
        public int fromMemory(byte[] target, int offset, int length) {
            return transfer(target, offset, length, MODE_READ);
        }

        @Override
        public boolean terminalCount() {
            return terminal;
        }

        /** Moves up to {@code length} bytes in the direction the device wants, if the mode agrees. */
        private int transfer(byte[] data, int offset, int length, int direction) {
            terminal = false;
            if (!ready() || length <= 0) {
                return 0;
            }
            int type = mode & MODE_TRANSFER_MASK;
            if (type != direction && type != MODE_VERIFY) {
                return 0;
            }
            int unit = wordMode ? 2 : 1;
            boolean decrement = (mode & MODE_DECREMENT) != 0;
            int done = 0;
            while (length - done >= unit) {
                // a run that stays inside the page, within the count, in one direction: one bulk copy
                int units = (length - done) / unit;
                int n = decrement ? 1 : Math.min(units, Math.min(currentCount + 1, 0x1_0000 - currentAddress));
                long address = physicalAddress();
                if (type == MODE_WRITE) {
                    memory.writeBytes(address, data, offset + done, n * unit);
                } else if (type == MODE_READ) {
                    memory.readBytes(address, data, offset + done, n * unit);
                }
                done += n * unit;
                currentAddress = (decrement ? currentAddress - n : currentAddress + n) & 0xFFFF;
                currentCount -= n;
                if (currentCount < 0) {           // the count went past zero: terminal count
                    currentCount = 0xFFFF;
                    terminal = true;
                    status |= 1 << index;
                    if ((mode & MODE_AUTOINIT) != 0) {
                        currentAddress = baseAddress;
                        currentCount = baseCount;
                    } else {
                        mask |= 1 << index;       // without autoinitialize the channel masks itself
                    }
                    break;
                }
            }
            return done;
        }

        private long physicalAddress() {
            int page = pages.page(firstChannel + index);
            if (wordMode) {
                return ((long) (page & 0xFE) << 16) | ((long) currentAddress << 1);
            }
            return ((long) page << 16) | currentAddress;
        }
    }
}

package org.quasivm.vmm.devices.vga;

/** The Bochs VBE DISPI registers (indices 0-9, each 16 bits) and the index register. */
public record DispiState(int index, int[] registers) {

    public DispiState {
        java.util.Objects.requireNonNull(registers, "DISPI registers");
        if (registers.length != BochsDispi.REGISTER_COUNT) {
            throw new IllegalArgumentException("DISPI registers: " + registers.length + " entries, expected "
                    + BochsDispi.REGISTER_COUNT);
        }
        registers = registers.clone();
        for (int i = 0; i < registers.length; i++) {
            VgaStates.range("DISPI register " + i, registers[i], 0, 0xFFFF);
        }
        VgaStates.range("DISPI index", index, 0, 0xFFFF);
    }

    public static DispiState initial() {
        int[] regs = new int[BochsDispi.REGISTER_COUNT];
        regs[BochsDispi.INDEX_ID] = BochsDispi.ID5;
        return new DispiState(0, regs);
    }

    @Override
    public int[] registers() {
        return registers.clone();
    }
}

package org.quasivm.vmm.devices.vga;

/** The sequencer's registers SR0-SR4 and its index register. */
public record SequencerState(int index, int[] registers) {

    public SequencerState {
        registers = VgaStates.bytes("sequencer registers", registers, Sequencer.COUNT);
        VgaStates.range("sequencer index", index, 0, Sequencer.INDEX_MASK);
    }

    public static SequencerState initial() {
        return new SequencerState(0, new int[Sequencer.COUNT]);
    }

    @Override
    public int[] registers() {
        return registers.clone();
    }
}

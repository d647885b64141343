package org.quasivm.vmm.devices.ide;

/** Where a device sits: channel 0 (primary) or 1 (secondary), position 0 (master) or 1 (slave). */
public enum IdePosition {
    PRIMARY_MASTER(0, 0), PRIMARY_SLAVE(0, 1), SECONDARY_MASTER(1, 0), SECONDARY_SLAVE(1, 1);

    private final int channel;
    private final int position;

    IdePosition(int channel, int position) {
        this.channel = channel;
        this.position = position;
    }

    public int channel() {
        return channel;
    }

    public int position() {
        return position;
    }

    /** The position's name in a VM definition, e.g. {@code secondaryMaster}. */
    public String definitionName() {
        return switch (this) {
            case PRIMARY_MASTER -> "primaryMaster";
            case PRIMARY_SLAVE -> "primarySlave";
            case SECONDARY_MASTER -> "secondaryMaster";
            case SECONDARY_SLAVE -> "secondarySlave";
        };
    }
}

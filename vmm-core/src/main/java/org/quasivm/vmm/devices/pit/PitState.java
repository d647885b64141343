package org.quasivm.vmm.devices.pit;

import java.util.List;

/** The three counters of the 8254. */
public record PitState(List<PitChannelState> channels) {
    public PitState {
        if (channels == null || channels.size() != 3 || channels.stream().anyMatch(c -> c == null)) {
            throw new IllegalArgumentException("8254 state needs three counters");
        }
        channels = List.copyOf(channels);
    }

    public static PitState initial() {
        return new PitState(List.of(PitChannelState.initial(true), PitChannelState.initial(true),
                PitChannelState.initial(false)));
    }
}

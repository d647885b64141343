package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VgaStateTest {

    private static VgaState with(VgaState s, DispiState dispi) {
        return new VgaState(s.miscOutput(), s.featureControl(), s.videoEnable(), s.sequencer(), s.crtc(),
                s.graphics(), s.attribute(), s.dac(), dispi, s.latch(), s.retracesSeen(), s.blanksSeen(), s.vram());
    }

    @Test
    void restoredVgaShowsTheSameFrameAndRegisters() {
        VgaBench bench = new VgaBench(4);
        bench.setMode(VgaModeTable.MODE_13);
        Colours.loadTestPalette(bench);
        for (int i = 0; i < 64000; i += 7) {
            bench.poke(0xA0000 + i, i * 13);
        }
        bench.in(0x3DA);
        bench.out(0x3C0, 0x13); // leave the attribute flip-flop expecting data
        bench.out(0x3C7, 40);
        bench.in(0x3C9); // and the DAC in the middle of a triple
        bench.renderer.refresh();

        VgaBench restored = new VgaBench(bench.vga.state());
        restored.renderer.refresh();
        assertTrue(bench.renderer.frame().samePixels(restored.renderer.frame()));
        assertEquals(bench.in(0x3C9), restored.in(0x3C9));
        restored.out(0x3C0, 0x05);
        restored.in(0x3DA);
        restored.out(0x3C0, 0x33);
        assertEquals(0x05, restored.in(0x3C1));
        assertEquals(bench.crtcRead(0x14), restored.crtcRead(0x14));
    }

    @Test
    void restoredVbeModeKeepsItsGeometry() {
        VgaBench bench = new VgaBench(4);
        bench.biosSetup();
        bench.dispi(3, 32);
        bench.dispi(1, 800);
        bench.dispi(2, 600);
        bench.dispi(4, 0x41);
        bench.dispi(9, 100);
        bench.enableVideo();
        VgaBench restored = new VgaBench(bench.vga.state());
        assertEquals(800, restored.dispiRead(1));
        assertEquals(100, restored.dispiRead(9));
        restored.renderer.refresh();
        assertEquals(600, restored.renderer.frame().height());
    }

    @Test
    void restoringImpossibleDispiValuesClampsThem() {
        VgaState state = VgaState.initial(1);
        int[] regs = state.dispi().registers();
        regs[BochsDispi.INDEX_ENABLE] = BochsDispi.ENABLED;
        regs[BochsDispi.INDEX_XRES] = 0xFFFF;
        regs[BochsDispi.INDEX_YRES] = 0xFFFF;
        regs[BochsDispi.INDEX_BPP] = 32;
        regs[BochsDispi.INDEX_Y_OFFSET] = 0xFFFF;
        VgaBench bench = new VgaBench(with(state, new DispiState(0, regs)));
        assertEquals(BochsDispi.MAX_XRES, bench.dispiRead(BochsDispi.INDEX_XRES));
        assertEquals((1 << 20) / (BochsDispi.MAX_XRES * 4), bench.dispiRead(BochsDispi.INDEX_YRES));
        assertEquals(0, bench.dispiRead(BochsDispi.INDEX_Y_OFFSET));
        bench.renderer.refresh();
    }

    @Test
    void stateRefusesVideoMemoryThatIsNotAPowerOfTwoMiB() {
        VgaState s = VgaState.initial(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VgaState(
                s.miscOutput(), s.featureControl(), s.videoEnable(), s.sequencer(), s.crtc(), s.graphics(),
                s.attribute(), s.dac(), s.dispi(), s.latch(), 0, 0, new byte[3 << 20]));
        assertTrue(e.getMessage().contains("3 MiB"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VgaState.initial(512));
    }

    @Test
    void stateRefusesRegisterValuesThatAreNotBytes() {
        int[] regs = new int[CrtController.COUNT];
        regs[7] = 0x100;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CrtcState(0, regs));
        assertTrue(e.getMessage().contains("CRTC registers[7]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SequencerState(0, new int[4]));
        assertThrows(IllegalArgumentException.class,
                () -> new DacState(new int[768], 0xFF, 0, 0, 3, false, new int[3]));
        assertThrows(IllegalArgumentException.class, () -> new AttributeState(0x40, false, new int[0x15]));
    }

    @Test
    void stateRefusesAnUnknownDispiId() {
        VgaState s = VgaState.initial(1);
        int[] regs = s.dispi().registers();
        regs[BochsDispi.INDEX_ID] = 0x1234;
        VgaState bad = with(s, new DispiState(0, regs));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vga.fromState(bad, new VgaBench().clock));
        assertTrue(e.getMessage().contains("DISPI id"), e.getMessage());
    }
}

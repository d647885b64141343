package org.quasivm.vmm.devices.ps2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.devices.chipset.A20Gate;
import org.quasivm.vmm.testing.RecordingIrqLine;

class I8042Test {

    private final RecordingIrqLine irq1 = new RecordingIrqLine();
    private final RecordingIrqLine irq12 = new RecordingIrqLine();
    private final List<Boolean> a20 = new ArrayList<>();
    private final A20Gate gate = new A20Gate(a20::add);
    private int resets;
    private final I8042 kbc = new I8042(irq1, irq12, gate, () -> resets++);
    private final BusDevice data = kbc.dataPort();
    private final BusDevice cmd = kbc.commandPort();

    private int status() {
        return cmd.read(0, 1);
    }

    private void command(int c) {
        cmd.write(0, 1, c);
    }

    private void write(int v) {
        data.write(0, 1, v);
    }

    private List<Integer> drain() {
        List<Integer> out = new ArrayList<>();
        while ((status() & 1) != 0) {
            out.add(data.read(0, 1));
        }
        return out;
    }

    @Test
    void selfTestAnswers55() {
        command(0xAA);
        assertEquals(0x01, status() & 0x01);
        assertEquals(List.of(0x55), drain());
    }

    @Test
    void commandByteReadsBackWhatWasWritten() {
        command(0x60);
        write(0x65);
        command(0x20);
        assertEquals(List.of(0x65), drain());
        assertEquals(0x04, status() & 0x04); // SYS flag follows the command byte
    }

    @Test
    void keyboardResetAcksAndPassesSelfTestWithIrq1() {
        write(0xFF);
        assertTrue(irq1.isHigh());
        assertEquals(List.of(0xFA, 0xAA), drain());
        assertFalse(irq1.isHigh());
        assertEquals(2, irq1.raises());
    }

    @Test
    void keysAreTranslatedToSetOne() {
        kbc.keyboard().keyDown(PcKey.A);
        kbc.keyboard().keyUp(PcKey.A);
        kbc.keyboard().keyDown(PcKey.UP);
        kbc.keyboard().keyUp(PcKey.UP);
        assertEquals(List.of(0x1E, 0x9E, 0xE0, 0x48, 0xE0, 0xC8), drain());
    }

    @Test
    void untranslatedKeysAreSetTwo() {
        command(0x60);
        write(0x01);
        kbc.keyboard().keyDown(PcKey.A);
        kbc.keyboard().keyUp(PcKey.A);
        kbc.keyboard().keyUp(PcKey.RIGHT_CTRL);
        assertEquals(List.of(0x1C, 0xF0, 0x1C, 0xE0, 0xF0, 0x14), drain());
    }

    @Test
    void keyboardInSetOneSendsSetOneCodesDirectly() {
        command(0x60);
        write(0x01);
        write(0xF0);
        write(0x01);
        drain();
        kbc.keyboard().keyDown(PcKey.ENTER);
        kbc.keyboard().keyUp(PcKey.ENTER);
        assertEquals(List.of(0x1C, 0x9C), drain());
    }

    @Test
    void disabledKeyboardInterfaceHoldsCodes() {
        command(0xAD);
        kbc.keyboard().keyDown(PcKey.Q);
        assertEquals(0, status() & 0x01);
        command(0xAE);
        assertEquals(List.of(0x10), drain());
    }

    @Test
    void ledsCommandTakesItsArgument() {
        write(0xED);
        write(0x07);
        assertEquals(List.of(0xFA, 0xFA), drain());
        assertEquals(7, kbc.keyboard().leds());
    }

    @Test
    void scanCodeSetQueryReadsThroughTranslation() {
        write(0xF0);
        write(0x00);
        assertEquals(List.of(0xFA, 0xFA, 0x41), drain());
        command(0x60);
        write(0x01);
        write(0xF0);
        write(0x00);
        assertEquals(List.of(0xFA, 0xFA, 0x02), drain());
    }

    @Test
    void identifyAnswersMf2() {
        write(0xF2);
        assertEquals(List.of(0xFA, 0xAB, 0x41), drain());
    }

    @Test
    void typematicAndEchoAndUnknownCommands() {
        write(0xF3);
        write(0x20);
        write(0xEE);
        write(0x42); // not a command
        assertEquals(List.of(0xFA, 0xFA, 0xEE, 0xFE), drain());
    }

    @Test
    void mouseCommandsGoThroughD4AndAnswerOnTheAuxPort() {
        command(0xD4);
        write(0xF4);
        assertEquals(0x21, status() & 0x21);
        assertTrue(irq12.isHigh());
        assertFalse(irq1.isHigh());
        assertEquals(List.of(0xFA), drain());
    }

    @Test
    void mouseMotionBecomesAStandardPacket() {
        command(0xD4);
        write(0xF4);
        drain();
        kbc.mouse().event(5, 3, 0, 1);
        assertEquals(List.of(0x08 | 0x01 | 0x20, 5, 0xFD), drain());
    }

    @Test
    void largeMotionIsSplitIntoPackets() {
        command(0xD4);
        write(0xF4);
        drain();
        kbc.mouse().event(300, 0, 0, 0);
        assertEquals(List.of(0x08, 255, 0, 0x08, 45, 0), drain());
    }

    @Test
    void intelliMouseSequenceUnlocksTheWheel() {
        for (int rate : new int[] {200, 100, 80}) {
            command(0xD4);
            write(0xF3);
            command(0xD4);
            write(rate);
        }
        command(0xD4);
        write(0xF2);
        command(0xD4);
        write(0xF4);
        List<Integer> replies = drain();
        assertEquals(List.of(0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0x03, 0xFA), replies);
        kbc.mouse().event(0, 0, -2, 0);
        assertEquals(List.of(0x08, 0, 0, 0xFE), drain());
    }

    @Test
    void mouseStatusRequestReportsSettings() {
        command(0xD4);
        write(0xE8);
        command(0xD4);
        write(0x03);
        command(0xD4);
        write(0xE9);
        assertEquals(List.of(0xFA, 0xFA, 0xFA, 0x00, 0x03, 100), drain());
    }

    @Test
    void mouseResetReportsSelfTestAndId() {
        command(0xD4);
        write(0xFF);
        assertEquals(List.of(0xFA, 0xAA, 0x00), drain());
    }

    @Test
    void wrapModeEchoes() {
        command(0xD4);
        write(0xEE);
        command(0xD4);
        write(0x55);
        command(0xD4);
        write(0xEC);
        assertEquals(List.of(0xFA, 0x55, 0xFA), drain());
    }

    @Test
    void remoteModeReportsOnlyOnReadData() {
        command(0xD4);
        write(0xF0);
        drain();
        kbc.mouse().event(1, 0, 0, 0);
        assertEquals(0, status() & 1);
        command(0xD4);
        write(0xEB);
        assertEquals(List.of(0xFA, 0x08, 1, 0), drain());
    }

    @Test
    void outputPortControlsA20() {
        command(0xD1);
        write(0xDD & ~0x02 | 0x01);
        assertFalse(gate.enabled());
        command(0xDF);
        assertTrue(gate.enabled());
        command(0xD0);
        assertEquals(0x02, drain().get(0) & 0x02);
    }

    @Test
    void pulsingOutputLineZeroResets() {
        command(0xFE);
        assertEquals(1, resets);
        command(0xFF);
        assertEquals(1, resets);
        command(0xD1);
        write(0x02);
        assertEquals(2, resets);
    }

    @Test
    void writeKeyboardOutputBufferEchoesAByte() {
        command(0xD2);
        write(0x42);
        assertTrue(irq1.isHigh());
        assertEquals(List.of(0x42), drain());
        command(0xD3);
        write(0x43);
        assertTrue(irq12.isHigh());
        assertEquals(List.of(0x43), drain());
    }

    @Test
    void interruptsFollowTheCommandByteEnables() {
        command(0x60);
        write(0x40);
        kbc.keyboard().keyDown(PcKey.A);
        assertFalse(irq1.isHigh());
        assertEquals(1, status() & 1);
    }

    @Test
    void repliesWithTheKeyboardInterfaceOffRaiseNoIrq1UntilItIsOn() {
        command(0xAD);
        command(0xAA);
        assertEquals(1, status() & 1);
        assertFalse(irq1.isHigh());
        assertEquals(0, irq1.raises());
        command(0xAE); // the reply still waits: enabling the interface raises IRQ1 for it
        assertTrue(irq1.isHigh());
        assertEquals(List.of(0x55), drain());
        assertFalse(irq1.isHigh());
    }

    @Test
    void snapshotKeepsBufferedBytesAndInterrupt() {
        kbc.keyboard().keyDown(PcKey.B);
        kbc.keyboard().keyDown(PcKey.C);
        RecordingIrqLine other1 = new RecordingIrqLine();
        I8042 restored = I8042.fromState(kbc.state(), kbc.keyboard().state(), kbc.mouse().state(), other1,
                new RecordingIrqLine(), gate, () -> { });
        assertTrue(other1.isHigh());
        assertEquals(0x30, restored.dataPort().read(0, 1));
        assertEquals(0x2E, restored.dataPort().read(0, 1));
    }

    @Test
    void badSnapshotsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Ps2KeyboardState(new byte[300], true, 2, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Ps2MouseState(new byte[0], false, false, false, false, 7, 100, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new I8042State(0, 0, 0, false, false, false, 0, new byte[17], false));
    }

    @Test
    void guestGarbageNeverThrows() {
        Random r = new Random(11);
        for (int i = 0; i < 300_000; i++) {
            switch (r.nextInt(5)) {
                case 0 -> command(r.nextInt(256) == 0xFE ? 0xFF : r.nextInt(256));
                case 1 -> write(r.nextInt(256));
                case 2 -> data.read(0, 1);
                case 3 -> status();
                default -> {
                    kbc.keyboard().keyDown(PcKey.values()[r.nextInt(PcKey.values().length)]);
                    kbc.mouse().event(r.nextInt(2000) - 1000, r.nextInt(2000) - 1000, r.nextInt(20) - 10,
                            r.nextInt(32));
                }
            }
        }
    }
}

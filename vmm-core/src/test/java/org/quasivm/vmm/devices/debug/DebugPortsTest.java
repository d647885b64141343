package org.quasivm.vmm.devices.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class DebugPortsTest {

    @Test
    void postCodesAreReportedAndTheLastIsKept() {
        List<Integer> seen = new ArrayList<>();
        PostCodePort port = new PostCodePort(seen::add);
        assertEquals(-1, port.lastCode());
        port.write(0, 1, 0x10);
        port.write(0, 1, 0x1FF);
        assertEquals(List.of(0x10, 0xFF), seen);
        assertEquals(0xFF, port.lastCode());
        assertEquals(0xFF, port.read(0, 1));
    }

    @Test
    void debugConsoleSplitsLines() {
        List<String> lines = new ArrayList<>();
        DebugConsole con = new DebugConsole(lines::add);
        for (char c : "SeaBIOS (version 1.16.2)\r\nBuild".toCharArray()) {
            con.write(0, 1, c);
        }
        assertEquals(List.of("SeaBIOS (version 1.16.2)"), lines);
        con.flush();
        assertEquals("Build", lines.get(1));
        assertEquals(0xE9, con.read(0, 1));
    }

    @Test
    void endlessLineIsCutNotGrown() {
        List<String> lines = new ArrayList<>();
        DebugConsole con = new DebugConsole(lines::add);
        for (int i = 0; i < 10_000; i++) {
            con.write(0, 1, 'x');
        }
        assertEquals(2, lines.size());
        assertEquals(DebugConsole.MAX_LINE, lines.get(0).length());
    }
}

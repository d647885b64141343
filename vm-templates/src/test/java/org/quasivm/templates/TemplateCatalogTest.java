package org.quasivm.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class TemplateCatalogTest {

    private final TemplateCatalog catalog = TemplateCatalog.builtIn();

    @Test
    void shipsTheTemplatesTheProductPromises() {
        assertTrue(catalog.ids().containsAll(List.of("linux-i386", "linux-x86_64", "memtest86", "dos", "blank")));
    }

    @Test
    void everyTemplateHasMemoryAndACompleteBootOrder() {
        for (GuestTemplate t : catalog.all()) {
            assertTrue(t.memoryMiB() > 0, t.id());
            assertEquals(3, t.bootOrder().size(), t.id());
            assertTrue(t.bootOrder().containsAll(List.of("cdrom", "disk", "floppy")), t.id());
        }
    }

    @Test
    void dosBootsFromFloppyFirst() {
        assertEquals("floppy", catalog.find("dos").orElseThrow().bootOrder().get(0));
    }

    @Test
    void unknownTemplateIsAbsent() {
        assertFalse(catalog.find("os2-warp").isPresent());
    }

    @Test
    void defaultsHandedOutAreCopies() {
        GuestTemplate t = catalog.find("blank").orElseThrow();
        t.defaults().put("memoryMiB", 1);
        assertEquals(64, t.memoryMiB());
    }
}

package org.quasivm.vmm.testguests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Screens against reference pictures; on a difference both are written as PNGs beside the failure message. */
final class PictureAssertions {

    private static final Path FAILED_PICTURES = Path.of("target", "testguests");

    private PictureAssertions() {
    }

    /** {@code who} names the machine that drew {@code actual} ("QEMU", "QuasiVM"). */
    static void assertPicture(String name, String who, Screen actual, Screen expected) {
        if (actual.difference(expected) != null) {
            failPictures(name, who, actual, expected);
        }
    }

    static void failPictures(String name, String who, Screen actual, Screen expected) {
        try {
            Files.createDirectories(FAILED_PICTURES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String tag = who.toLowerCase(java.util.Locale.ROOT);
        Path actualPng = FAILED_PICTURES.resolve(name + "-" + tag + ".png").toAbsolutePath();
        Path expectedPng = FAILED_PICTURES.resolve(name + "-expected.png").toAbsolutePath();
        actual.writePng(actualPng);
        expected.writePng(expectedPng);
        fail(name + ": " + who + "'s screen is not the reference picture: " + actual.difference(expected)
                + "\n  " + who + ": " + actualPng + "\n  reference: " + expectedPng);
    }
}

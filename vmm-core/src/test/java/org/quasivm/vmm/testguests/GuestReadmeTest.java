package org.quasivm.vmm.testguests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The README quotes each guest's expected output; it must not drift from the files the tests compare against. */
class GuestReadmeTest {

    @ParameterizedTest
    @EnumSource(TestGuest.class)
    void readmeQuotesTheGuestsExpectedOutputVerbatim(TestGuest guest) throws IOException {
        String readme = Files.readString(TestGuest.directory().resolve("README.md"));
        assertTrue(readme.contains("```\n" + guest.expectedSerial() + "```\n"),
                "README.md does not quote " + guest.stem() + ".expected as a code block");
    }
}

package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class HostCommandTest {

    @Test
    void jsonReportHasTheDocumentedShapeAndAutoPicksTheFasterUsableExecutor() throws Exception {
        Cli.Result r = Cli.run("host", "--json", "--calibration-ms", "100");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.at("/kvm/present").isBoolean());
        assertTrue(j.at("/kvm/usable").isBoolean());
        if (j.at("/kvm/usable").asBoolean()) {
            assertTrue(j.at("/kvm/apiVersion").isInt());
            assertTrue(j.at("/calibration/kvmMips").isNumber());
        } else {
            assertTrue(j.at("/calibration/kvmMips").isNull());
        }
        double software = j.at("/calibration/softwareMips").asDouble();
        assertTrue(software > 0);
        JsonNode kvm = j.at("/calibration/kvmMips");
        String expected = kvm.isNumber() && kvm.asDouble() > software ? "kvm" : "software";
        assertEquals(expected, j.get("autoExecutor").asText());
        assertTrue(j.get("cores").asInt() >= 1);
    }

    @Test
    void absurdCalibrationTimeIsAUsageError() {
        assertEquals(ExitCodes.USAGE, Cli.run("host", "--calibration-ms", "0").code());
    }
}

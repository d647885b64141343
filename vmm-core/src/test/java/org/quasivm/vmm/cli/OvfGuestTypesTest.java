package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OvfGuestTypesTest {

    @ParameterizedTest(name = "{0} / CIM {1} -> {2}")
    @CsvSource(nullValues = "-", value = {
        "Debian_64, 96, linux-x86_64",
        "other3xLinux64Guest, 100, linux-x86_64",
        "Ubuntu, 93, linux-i386",
        "debian10Guest, 95, linux-i386",
        "rhel7_64Guest, 80, linux-x86_64",
        "DOS, 1, dos",
        "dosGuest, 14, dos",
        "windows7Guest, 105, blank",
        "freebsd64Guest, 78, blank",
        "-, 96, linux-x86_64",
        "Other, 36, linux-i386",
        "-, 14, dos",
        "-, 0, blank"})
    void anAppliancesGuestMapsToATemplate(String osType, int cimId, String template) {
        assertEquals(template, OvfGuestTypes.template(osType, cimId));
    }

    @ParameterizedTest
    @CsvSource({"linux-i386, Linux26", "linux-x86_64, Linux26_64", "dos, DOS", "memtest86, Other", "blank, Other"})
    void aTemplateExportsAsAVirtualBoxOsType(String template, String osType) {
        assertEquals(osType, OvfGuestTypes.osType(template));
    }

    @ParameterizedTest
    @CsvSource(value = {"Debian Test|Debian_Test", "  .hidden vm|hidden_vm", "Ünïcode|n_code", "''|appliance",
        "web1|web1"}, delimiter = '|')
    void anApplianceNameBecomesAValidVmName(String appliance, String vm) {
        assertEquals(vm, ImportCommand.vmName(appliance));
    }
}

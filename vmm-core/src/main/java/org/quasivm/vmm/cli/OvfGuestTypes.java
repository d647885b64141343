package org.quasivm.vmm.cli;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Between an OVF's guest operating system (the exporter's OS type name — VirtualBox's {@code Debian_64}, VMware's
 * {@code other3xLinux64Guest} — and the DMTF CIM_OperatingSystem id) and QuasiVM's templates.
 */
final class OvfGuestTypes {

    private static final List<String> LINUX_WORDS = List.of("linux", "debian", "ubuntu", "fedora", "redhat", "rhel",
            "centos", "suse", "sles", "mandriva", "mandrake", "turbolinux", "gentoo", "archlinux", "oracle",
            "xandros", "asianux", "photon", "rocky", "alma", "mint");
    /** CIM_OperatingSystem ids of Linux distributions (36 LINUX, 79-101 and 106-109 the named ones). */
    private static final Set<Integer> CIM_LINUX = Set.of(36, 79, 80, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93,
            94, 95, 96, 97, 98, 99, 100, 101, 106, 107, 108, 109);
    /** The 64-bit ones among them. */
    private static final Set<Integer> CIM_64 = Set.of(80, 83, 85, 90, 92, 94, 96, 98, 100, 101, 107, 109);
    private static final int CIM_MSDOS = 14;

    private OvfGuestTypes() {
    }

    /** The template for an appliance's guest: linux-x86_64, linux-i386, dos, or blank when none fits. */
    static String template(String osType, int cimOsId) {
        String t = osType == null ? "" : osType.toLowerCase(Locale.ROOT);
        if (t.equals("dos") || t.startsWith("dosguest") || t.contains("msdos") || t.contains("freedos")
                || (t.isEmpty() && cimOsId == CIM_MSDOS)) {
            return "dos";
        }
        boolean linux = LINUX_WORDS.stream().anyMatch(t::contains);
        if (linux) {
            return t.contains("64") ? "linux-x86_64" : "linux-i386";
        }
        if (t.isEmpty() || t.equals("other") || t.startsWith("otherguest")) {
            if (CIM_LINUX.contains(cimOsId)) {
                return CIM_64.contains(cimOsId) ? "linux-x86_64" : "linux-i386";
            }
            if (cimOsId == CIM_MSDOS) {
                return "dos";
            }
        }
        return "blank";
    }

    /** The VirtualBox-style OS type an exported appliance declares for a VM made from {@code template}. */
    static String osType(String template) {
        return switch (template) {
            case "linux-i386" -> "Linux26";
            case "linux-x86_64" -> "Linux26_64";
            case "dos" -> "DOS";
            default -> "Other";
        };
    }
}

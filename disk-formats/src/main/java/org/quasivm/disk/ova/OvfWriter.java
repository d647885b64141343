package org.quasivm.disk.ova;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an OVF 1.0 envelope the way VirtualBox and VMware export one: References, DiskSection, one
 * VirtualSystem with OperatingSystemSection and VirtualHardwareSection (CPU, memory, two IDE controllers,
 * disks). CIM settings elements are written in the alphabetical order the CIM schema requires, which strict
 * importers (ovftool) validate.
 */
final class OvfWriter {
    static final String STREAM_OPTIMIZED =
            "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized";
    /** CIM_OperatingSystem ids for the OS type names whose id is certain; others map to Other / Other 64-bit. */
    private static final Map<String, Integer> CIM_OS = Map.ofEntries(
            Map.entry("other", 1), Map.entry("linux", 36), Map.entry("ubuntu", 93), Map.entry("ubuntu_64", 94),
            Map.entry("debian", 95), Map.entry("debian_64", 96), Map.entry("linux26", 99),
            Map.entry("linux26_64", 100), Map.entry("linux_64", 101), Map.entry("other_64", 102),
            Map.entry("windows7", 105));

    /** A disk file of the package. */
    record Disk(String fileName, long fileSize, long capacity, long populatedSize) {
    }

    private OvfWriter() {
    }

    static int cimOsId(String osType) {
        if (osType == null) {
            return 1;
        }
        Integer id = CIM_OS.get(osType.toLowerCase(Locale.ROOT));
        if (id != null) {
            return id;
        }
        return osType.toLowerCase(Locale.ROOT).endsWith("_64") ? 102 : 1;
    }

    static String write(ExportSpec spec, List<Disk> disks) {
        String os = spec.osType() == null || spec.osType().isBlank() ? "Other" : spec.osType();
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<Envelope ovf:version=\"1.0\" xml:lang=\"en-US\" xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\"")
                .append(" xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\"")
                .append(" xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\"")
                .append(" xmlns:vssd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData\"")
                .append(" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"")
                .append(" xmlns:vbox=\"http://www.virtualbox.org/ovf/machine\">\n");
        b.append("  <References>\n");
        for (int i = 0; i < disks.size(); i++) {
            Disk d = disks.get(i);
            b.append("    <File ovf:id=\"file").append(i + 1).append("\" ovf:href=\"").append(esc(d.fileName()))
                    .append("\" ovf:size=\"").append(d.fileSize()).append("\"/>\n");
        }
        b.append("  </References>\n");
        b.append("  <DiskSection>\n    <Info>List of the virtual disks used in the package</Info>\n");
        for (int i = 0; i < disks.size(); i++) {
            Disk d = disks.get(i);
            b.append("    <Disk ovf:capacity=\"").append(d.capacity()).append("\" ovf:diskId=\"vmdisk").append(i + 1)
                    .append("\" ovf:fileRef=\"file").append(i + 1).append("\" ovf:format=\"").append(STREAM_OPTIMIZED)
                    .append("\" ovf:populatedSize=\"").append(d.populatedSize()).append("\"/>\n");
        }
        b.append("  </DiskSection>\n");
        b.append("  <VirtualSystem ovf:id=\"").append(esc(spec.vmName())).append("\">\n");
        b.append("    <Info>A virtual machine</Info>\n");
        b.append("    <Name>").append(esc(spec.vmName())).append("</Name>\n");
        b.append("    <OperatingSystemSection ovf:id=\"").append(cimOsId(os)).append("\">\n");
        b.append("      <Info>The kind of installed guest operating system</Info>\n");
        b.append("      <Description>").append(esc(os)).append("</Description>\n");
        b.append("      <vbox:OSType ovf:required=\"false\">").append(esc(os)).append("</vbox:OSType>\n");
        b.append("    </OperatingSystemSection>\n");
        b.append("    <VirtualHardwareSection>\n");
        b.append("      <Info>Virtual hardware requirements for a virtual machine</Info>\n");
        b.append("      <System>\n");
        b.append("        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>\n");
        b.append("        <vssd:InstanceID>0</vssd:InstanceID>\n");
        b.append("        <vssd:VirtualSystemIdentifier>").append(esc(spec.vmName()))
                .append("</vssd:VirtualSystemIdentifier>\n");
        // The de-facto generic hardware family; QuasiVM's PC (i440FX, IDE) is within it.
        b.append("        <vssd:VirtualSystemType>vmx-07</vssd:VirtualSystemType>\n");
        b.append("      </System>\n");
        item(b, null, null, null, spec.cpus() + " virtual CPU", "Number of virtual CPUs", "1", null, null, null, 3,
                Long.toString(spec.cpus()));
        item(b, null, null, "MegaBytes", spec.memoryMiB() + " MB of memory", "Memory Size", "2", null, null, null, 4,
                Long.toString(spec.memoryMiB()));
        item(b, "0", null, null, "ideController0", "IDE Controller", "3", null, null, "PIIX4", 5, null);
        item(b, "1", null, null, "ideController1", "IDE Controller", "4", null, null, "PIIX4", 5, null);
        for (int i = 0; i < disks.size(); i++) {
            String controller = i < 2 ? "3" : "4";
            item(b, null, Integer.toString(i % 2), null, "disk" + (i + 1), "Disk Image", Integer.toString(5 + i),
                    "/disk/vmdisk" + (i + 1), controller, null, 17, null);
        }
        b.append("    </VirtualHardwareSection>\n");
        b.append("  </VirtualSystem>\n");
        b.append("</Envelope>\n");
        return b.toString();
    }

    /** One rasd Item, elements in schema (alphabetical) order; null values are omitted. */
    private static void item(StringBuilder b, String address, String addressOnParent, String allocationUnits,
                             String caption, String description, String instanceId, String hostResource,
                             String parent, String resourceSubType, int resourceType, String virtualQuantity) {
        b.append("      <Item>\n");
        el(b, "Address", address);
        el(b, "AddressOnParent", addressOnParent);
        el(b, "AllocationUnits", allocationUnits);
        el(b, "Caption", caption);
        el(b, "Description", description);
        el(b, "ElementName", caption);
        el(b, "HostResource", hostResource);
        el(b, "InstanceID", instanceId);
        el(b, "Parent", parent);
        el(b, "ResourceSubType", resourceSubType);
        el(b, "ResourceType", Integer.toString(resourceType));
        el(b, "VirtualQuantity", virtualQuantity);
        b.append("      </Item>\n");
    }

    private static void el(StringBuilder b, String name, String value) {
        if (value != null) {
            b.append("        <rasd:").append(name).append('>').append(esc(value)).append("</rasd:").append(name)
                    .append(">\n");
        }
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append(' ');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}

package org.quasivm.disk.ova;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.quasivm.disk.DiskImageException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Parses OVF 1.x/2.x envelopes as VirtualBox and VMware write them. Elements are matched by local name (the
 * namespaces differ between versions and vendors); DTDs and external entities are refused.
 */
final class OvfReader {
    static final int MAX_OVF_BYTES = 16 << 20;
    private static final int MAX_DISKS = 64;
    private static final Pattern BYTE_UNITS = Pattern.compile("byte\\s*\\*\\s*2\\^\\s*(\\d+)");

    /** A file of the package: {@code href} inside it, {@code compression} "gzip" or null. */
    record FileRef(String id, String href, long size, String compression) {
    }

    record Envelope(OvfAppliance appliance, Map<String, FileRef> files) {
    }

    private OvfReader() {
    }

    static Envelope parse(Path file, byte[] xml) throws DiskImageException {
        if (xml.length > MAX_OVF_BYTES) {
            throw new DiskImageException(file, "OVF descriptor is larger than 16 MiB");
        }
        Document doc = parseXml(file, xml);
        Element env = doc.getDocumentElement();
        if (!"Envelope".equals(env.getLocalName())) {
            throw new DiskImageException(file, "not an OVF envelope (root element " + env.getLocalName() + ")");
        }
        List<String> warnings = new ArrayList<>();
        Map<String, FileRef> files = new LinkedHashMap<>();
        for (Element f : children(first(env, "References"), "File")) {
            String id = attr(f, "id");
            String href = attr(f, "href");
            if (id == null || href == null) {
                throw new DiskImageException(file, "References/File without id or href");
            }
            if (attr(f, "chunkSize") != null) {
                throw new DiskImageException(file, "not supported: chunked file " + href);
            }
            String compression = attr(f, "compression");
            if (compression != null && !compression.equals("gzip") && !compression.equals("identity")) {
                throw new DiskImageException(file, "not supported: " + compression + " compression of " + href);
            }
            files.put(id, new FileRef(id, href, parseLong(file, attr(f, "size"), -1, "size of " + href),
                    "gzip".equals(compression) ? "gzip" : null));
        }
        Map<String, Element> disks = new HashMap<>();
        Element diskSection = first(env, "DiskSection");
        for (Element d : children(diskSection, "Disk")) {
            String id = attr(d, "diskId");
            if (id == null) {
                throw new DiskImageException(file, "DiskSection/Disk without diskId");
            }
            disks.put(id, d);
        }
        if (disks.size() > MAX_DISKS) {
            throw new DiskImageException(file, "more than " + MAX_DISKS + " disks");
        }
        Element system = first(env, "VirtualSystem");
        if (system == null) {
            Element collection = first(env, "VirtualSystemCollection");
            system = collection == null ? null : first(collection, "VirtualSystem");
            if (system == null) {
                throw new DiskImageException(file, "no VirtualSystem in the envelope");
            }
            warnings.add("the package holds several virtual machines; only the first ("
                    + attr(system, "id") + ") is imported");
        }
        String name = text(first(system, "Name"));
        if (name == null || name.isBlank()) {
            name = attr(system, "id");
        }
        if (name == null || name.isBlank()) {
            name = "imported";
        }
        Element os = first(system, "OperatingSystemSection");
        int cimOs = os == null ? 0 : (int) parseLong(file, attr(os, "id"), 0, "OperatingSystemSection id");
        String osType = null;
        if (os != null) {
            osType = text(first(os, "OSType"));
            if (osType == null) {
                osType = attr(os, "osType");
            }
            if (osType == null) {
                osType = text(first(os, "Description"));
            }
        }
        Element hw = first(system, "VirtualHardwareSection");
        if (hw == null) {
            throw new DiskImageException(file, "VirtualSystem " + name + " has no VirtualHardwareSection");
        }
        long memoryMiB = 0;
        int cpus = 0;
        Map<String, String> controllers = new HashMap<>();
        List<Element> items = new ArrayList<>();
        for (Node n = hw.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().endsWith("Item")) {
                items.add(e);
            }
        }
        for (Element item : items) {
            int type = (int) parseLong(file, text(first(item, "ResourceType")), 0, "ResourceType");
            String instance = text(first(item, "InstanceID"));
            switch (type) {
                case 3 -> cpus = (int) Math.min(1024, parseLong(file, text(first(item, "VirtualQuantity")), 1,
                        "number of CPUs"));
                case 4 -> memoryMiB = memoryMiB(file, item);
                case 5 -> controllers.put(instance, "IDE");
                case 6 -> controllers.put(instance, "SCSI");
                case 20 -> controllers.put(instance, "SATA");
                default -> {
                }
            }
        }
        List<OvfDisk> diskList = new ArrayList<>();
        int nic = 0;
        for (Element item : items) {
            int type = (int) parseLong(file, text(first(item, "ResourceType")), 0, "ResourceType");
            if (type == 10) {
                nic++;
                String sub = text(first(item, "ResourceSubType"));
                String conn = text(first(item, "Connection"));
                warnings.add("network adapter " + nic + (sub == null ? "" : " (" + sub + ")")
                        + (conn == null ? "" : " on network '" + conn + "'")
                        + " is not imported: configure networking in QuasiVM");
            } else if (type == 17) {
                String host = text(first(item, "HostResource"));
                String id = diskIdOf(host);
                Element d = id == null ? null : disks.get(id);
                if (d == null) {
                    throw new DiskImageException(file, "disk drive refers to unknown disk " + host);
                }
                String controller = controllers.getOrDefault(text(first(item, "Parent")), "unknown");
                diskList.add(disk(file, d, files, controller));
            }
        }
        for (String c : controllers.values().stream().distinct().toList()) {
            if (!c.equals("IDE")) {
                warnings.add("the appliance uses a " + c + " controller; its disks are attached to IDE in QuasiVM");
            }
        }
        if (memoryMiB <= 0) {
            warnings.add("no memory size given; the VM definition needs one");
        }
        if (cpus <= 0) {
            cpus = 1;
        }
        return new Envelope(new OvfAppliance(name, osType, cimOs, memoryMiB, cpus, diskList, warnings), files);
    }

    private static Document parseXml(Path file, byte[] xml) throws DiskImageException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser lacks secure features", e);
        } catch (SAXException e) {
            throw new DiskImageException(file, "OVF descriptor is not valid XML: " + e.getMessage());
        } catch (IOException e) {
            throw new DiskImageException(file, "cannot read OVF descriptor: " + e.getMessage());
        }
    }

    private static OvfDisk disk(Path file, Element d, Map<String, FileRef> files, String controller)
            throws DiskImageException {
        String id = attr(d, "diskId");
        String capacity = attr(d, "capacity");
        if (capacity == null || capacity.startsWith("${")) {
            throw new DiskImageException(file, "disk " + id + " has no fixed capacity (" + capacity + ")");
        }
        long units = units(file, attr(d, "capacityAllocationUnits"), 1, "capacity units of disk " + id);
        long cap = parseLong(file, capacity, -1, "capacity of disk " + id);
        if (cap <= 0 || cap > (1L << 50) / units) {
            throw new DiskImageException(file, "disk " + id + " capacity " + capacity + " is out of range");
        }
        String fileRef = attr(d, "fileRef");
        String href = null;
        if (fileRef != null) {
            FileRef r = files.get(fileRef);
            if (r == null) {
                throw new DiskImageException(file, "disk " + id + " refers to unknown file " + fileRef);
            }
            href = r.href();
        }
        return new OvfDisk(id, href, cap * units, attr(d, "format"), controller);
    }

    /** Memory item: VirtualQuantity in AllocationUnits ("MegaBytes", "byte * 2^20", ...), returned in MiB. */
    private static long memoryMiB(Path file, Element item) throws DiskImageException {
        long q = parseLong(file, text(first(item, "VirtualQuantity")), 0, "memory size");
        long unit = units(file, text(first(item, "AllocationUnits")), 1 << 20, "memory units");
        if (q < 0 || q > (1L << 50) / unit) {
            throw new DiskImageException(file, "memory size " + q + " is out of range");
        }
        return (q * unit + (1 << 20) - 1) >> 20;
    }

    /** Bytes per unit of an OVF allocation unit string. */
    private static long units(Path file, String s, long dflt, String what) throws DiskImageException {
        if (s == null || s.isBlank()) {
            return dflt;
        }
        String u = s.trim().toLowerCase(Locale.ROOT);
        Matcher m = BYTE_UNITS.matcher(u);
        if (m.matches()) {
            int shift = Integer.parseInt(m.group(1));
            if (shift > 40) {
                throw new DiskImageException(file, what + " '" + s + "' are out of range");
            }
            return 1L << shift;
        }
        return switch (u) {
            case "byte", "bytes" -> 1;
            case "kilobytes", "kb", "kib" -> 1L << 10;
            case "megabytes", "mb", "mib" -> 1L << 20;
            case "gigabytes", "gb", "gib" -> 1L << 30;
            case "terabytes", "tb", "tib" -> 1L << 40;
            default -> throw new DiskImageException(file, what + " '" + s + "' are not understood");
        };
    }

    private static String diskIdOf(String hostResource) {
        if (hostResource == null) {
            return null;
        }
        String h = hostResource.trim();
        for (String prefix : new String[] {"ovf:/disk/", "/disk/", "ovf://disk/"}) {
            if (h.startsWith(prefix)) {
                return h.substring(prefix.length());
            }
        }
        return null;
    }

    private static long parseLong(Path file, String s, long dflt, String what) throws DiskImageException {
        if (s == null || s.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new DiskImageException(file, what + " '" + (s.length() > 40 ? s.substring(0, 40) : s)
                    + "' is not a number");
        }
    }

    /** An attribute by local name in any namespace (ovf:, vmw:, none). */
    static String attr(Element e, String localName) {
        if (e == null) {
            return null;
        }
        var attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Node a = attrs.item(i);
            String ln = a.getLocalName() != null ? a.getLocalName() : a.getNodeName();
            if (ln.equals(localName)) {
                return a.getNodeValue();
            }
        }
        return null;
    }

    static Element first(Element parent, String localName) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        NodeList nl = parent.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            if (nl.item(i) instanceof Element e && localName.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    static String text(Element e) {
        if (e == null) {
            return null;
        }
        String t = e.getTextContent();
        return t == null ? null : t.trim();
    }
}

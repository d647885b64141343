package org.quasivm.vmm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code quasivm disk ...} in-process, on images qemu-img made, judged by qemu-img. */
class DiskCommandsTest {

    private static final int SIZE = 4 << 20;

    @TempDir
    Path dir;

    private Path raw;
    private byte[] content;

    @BeforeEach
    void source() throws Exception {
        raw = dir.resolve("src.img");
        content = QemuImgTool.randomRaw(raw, SIZE, 11);
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), r.err());
        return r;
    }

    private static JsonNode json(Cli.Result r) throws Exception {
        return new ObjectMapper().readTree(r.out());
    }

    private Path qemuImage(String name, String format, String... options) {
        Path p = dir.resolve(name);
        QemuImgTool.convertFromRaw(raw, p, format, options);
        return p;
    }

    private List<String> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- info ----------------------------------------------------------------------------------------------------

    @Test
    void infoReportsFormatSubformatSizesAsJson() throws Exception {
        Path vmdk = qemuImage("a.vmdk", "vmdk", "-o", "subformat=streamOptimized");
        JsonNode i = json(ok("disk", "info", vmdk.toString(), "--json"));
        assertEquals("vmdk", i.get("format").asText());
        assertEquals("streamOptimized", i.get("subformat").asText());
        assertEquals(SIZE, i.get("virtualSize").asLong());
        assertTrue(i.get("allocatedBytes").asLong() > 0 && i.get("allocatedBytes").asLong() < SIZE, i.toString());
        assertEquals(Files.size(vmdk), i.get("fileBytes").asLong());
        assertTrue(i.get("parent").isNull());
    }

    @Test
    void infoReportsTheParentChain() throws Exception {
        Path base = qemuImage("base.vmdk", "vmdk");
        Path child = dir.resolve("child.qcow2");
        QemuImgTool.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.vmdk", "-F", "vmdk",
                child.toString()).ok();
        JsonNode i = json(ok("disk", "info", child.toString(), "--json"));
        assertEquals("qcow2", i.get("format").asText());
        assertEquals("base.vmdk", i.get("parentReference").asText());
        assertEquals("vmdk", i.at("/parent/format").asText());
        assertEquals(base.toString(), i.at("/parent/path").asText());
        assertTrue(ok("disk", "info", child.toString()).out().contains("parent of the image above:"));
    }

    @Test
    void infoOfAChildWhoseParentIsMissingWarnsAndSucceeds() throws Exception {
        Path child = dir.resolve("child.qcow2");
        QemuImgTool.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "gone.img", "-F", "raw", "-u",
                child.toString(), "4M").ok();
        JsonNode i = json(ok("disk", "info", child.toString(), "--json"));
        assertTrue(i.get("warnings").toString().contains("not found"), i.toString());
    }

    @Test
    void anImageDeclaredRawIsNotProbed() throws Exception {
        Path q = qemuImage("disk.qcow2", "qcow2");
        JsonNode i = json(ok("disk", "info", q.toString(), "--format", "raw", "--json"));
        assertEquals("raw", i.get("format").asText());
        assertEquals(Files.size(q), i.get("virtualSize").asLong());
    }

    @Test
    void infoOfAMissingFileIsAnIoError() {
        Cli.Result r = Cli.run("disk", "info", dir.resolve("nope.vmdk").toString());
        assertEquals(ExitCodes.IO_ERROR, r.code());
        assertEquals(List.of("quasivm: nope.vmdk: no such file"), r.errLines());
    }

    @Test
    void infoOfATruncatedImageIsInvalidAndNamesTheFile() throws Exception {
        Path q = qemuImage("t.qcow2", "qcow2");
        try (FileChannel ch = FileChannel.open(q, StandardOpenOption.WRITE)) {
            ch.truncate(50);
        }
        Cli.Result r = Cli.run("disk", "info", q.toString());
        assertEquals(ExitCodes.INVALID, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("quasivm: t.qcow2: "), r.err());
    }

    @Test
    void anUnknownFormatNameIsAUsageError() {
        Cli.Result r = Cli.run("disk", "info", raw.toString(), "--format", "vmfs");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("--format: unknown disk format 'vmfs'"), r.err());
    }

    // ---- create --------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"vmdk,monolithicSparse", "vmdk,monolithicFlat", "vmdk,twoGbMaxExtentSparse",
        "vmdk,twoGbMaxExtentFlat", "vmdk,streamOptimized", "vhd,dynamic", "vhd,fixed", "vdi,dynamic", "vdi,fixed",
        "qcow2,v3", "qcow2,v2", "raw,raw"})
    void createdImagesHaveTheirSizeInQemuImgAndPassItsCheck(String format, String sub) throws Exception {
        Path img = dir.resolve("new." + format);
        ok("disk", "create", img.toString(), "--format", format, "--subformat", sub, "--size", "64M");
        assertEquals(64L << 20, QemuImgTool.info(img, format).get("virtual-size").asLong());
        if (List.of("vmdk", "vdi", "qcow2").contains(format)) {
            QemuImgTool.run("qemu-img", "check", "-q", "-f", format, img.toString()).ok();
        }
        assertEquals(sub, json(ok("disk", "info", img.toString(), "--json")).get("subformat").asText());
    }

    @Test
    void aChildReadsThroughToItsParentInQemuImg() throws Exception {
        Path child = dir.resolve("child.qcow2");
        ok("disk", "create", child.toString(), "--format", "qcow2", "--parent", raw.toString(),
                "--parent-format", "raw");
        QemuImgTool.compareWithRaw(raw, child, "qcow2").ok();
        assertEquals(raw.getFileName().toString(), QemuImgTool.info(child, "qcow2").get("backing-filename").asText());
    }

    @Test
    void aVmdkChildOfAVmdkReadsThroughInQemuImg() throws Exception {
        Path base = qemuImage("base.vmdk", "vmdk");
        Path child = dir.resolve("child.vmdk");
        ok("disk", "create", child.toString(), "--format", "vmdk", "--parent", base.toString());
        QemuImgTool.compareWithRaw(raw, child, "vmdk").ok();
    }

    @Test
    void creatingOverAnExistingFileIsAConflictAndLeavesIt() throws Exception {
        Cli.Result r = Cli.run("disk", "create", raw.toString(), "--format", "qcow2", "--size", "1M");
        assertEquals(ExitCodes.CONFLICT, r.code());
        assertTrue(r.err().contains("file already exists"), r.err());
        assertArrayEquals(content, Files.readAllBytes(raw));
    }

    @Test
    void createWithoutSizeOrParentIsAUsageError() {
        assertEquals(ExitCodes.USAGE, Cli.run("disk", "create", dir.resolve("x.vdi").toString(), "--format",
                "vdi").code());
    }

    @Test
    void anUnknownSubformatIsAUsageErrorListingTheChoices() {
        Cli.Result r = Cli.run("disk", "create", dir.resolve("x.vhd").toString(), "--format", "vhd",
                "--subformat", "differencing", "--size", "1G");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("dynamic, fixed"), r.err());
        assertFalse(Files.exists(dir.resolve("x.vhd")));
    }

    @Test
    void aVdiChildIsNotSupported() throws Exception {
        Path base = qemuImage("base.vdi", "vdi");
        Cli.Result r = Cli.run("disk", "create", dir.resolve("c.vdi").toString(), "--format", "vdi",
                "--parent", base.toString());
        assertEquals(ExitCodes.UNSUPPORTED, r.code(), r.err());
    }

    // ---- convert -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(nullValues = "-", value = {"vmdk,streamOptimized,-", "vmdk,monolithicSparse,-",
        "vmdk,twoGbMaxExtentFlat,-", "vhd,fixed,-", "vhd,dynamic,-", "vdi,dynamic,-", "qcow2,v3,--compress",
        "qcow2,v2,-", "raw,-,-"})
    void convertedImagesMatchTheirSourceInQemuImg(String format, String sub, String extra) throws Exception {
        Path out = dir.resolve("out." + format);
        List<String> args = new java.util.ArrayList<>(List.of("disk", "convert", raw.toString(), out.toString(),
                "--format", format));
        if (sub != null) {
            args.addAll(List.of("--subformat", sub));
        }
        if (extra != null) {
            args.add(extra);
        }
        ok(args.toArray(String[]::new));
        QemuImgTool.compareWithRaw(raw, out, format).ok();
    }

    @Test
    void convertingAChildFlattensItsChain() throws Exception {
        Path child = dir.resolve("child.qcow2");
        QemuImgTool.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "src.img", "-F", "raw",
                child.toString()).ok();
        QemuImgTool.run("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 65536 131072", child.toString()).ok();
        Path out = dir.resolve("flat.vdi");
        ok("disk", "convert", child.toString(), out.toString(), "--format", "vdi");
        QemuImgTool.run("qemu-img", "compare", "-f", "qcow2", "-F", "vdi", child.toString(), out.toString()).ok();
        assertTrue(json(ok("disk", "info", out.toString(), "--json")).get("parent").isNull());
    }

    @Test
    void convertingIntoAnExistingFileIsAConflictAndLeavesIt() throws Exception {
        Path existing = Files.write(dir.resolve("out.vmdk"), new byte[] {1, 2, 3});
        Cli.Result r = Cli.run("disk", "convert", raw.toString(), existing.toString(), "--format", "vmdk");
        assertEquals(ExitCodes.CONFLICT, r.code());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(existing));
    }

    @Test
    void aFailedConversionLeavesNothingBehind() throws Exception {
        Path q = qemuImage("bad.qcow2", "qcow2");
        long l2 = ByteBuffer.wrap(Files.readAllBytes(q)).getLong(40); // L1 table offset
        long l2Table = ByteBuffer.wrap(Files.readAllBytes(q)).getLong((int) l2) & 0x00fffffffffffe00L;
        QemuImgTool.patch(q, l2Table + 8 * 3, ByteBuffer.allocate(8).putLong(0, (1L << 63) | (1L << 40)));
        List<String> before = listing();
        Cli.Result r = Cli.run("disk", "convert", q.toString(), dir.resolve("out.vmdk").toString(), "--format",
                "vmdk");
        assertEquals(ExitCodes.INVALID, r.code(), r.err());
        assertTrue(r.err().contains("bad.qcow2: "), r.err());
        assertEquals(before, listing());
    }

    @Test
    void withoutATerminalConvertPrintsOneSummaryLineAndNoBar() {
        Cli.Result r = ok("disk", "convert", raw.toString(), dir.resolve("o.qcow2").toString(), "--format",
                "qcow2");
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("quasivm: converted 4.0 MiB in "), r.err());
        assertFalse(r.err().contains("\r"));
    }

    @Test
    void compressIsOnlyForQcow2() {
        assertEquals(ExitCodes.USAGE, Cli.run("disk", "convert", raw.toString(), dir.resolve("o.vhd").toString(),
                "--format", "vhd", "--compress").code());
    }

    // ---- check ---------------------------------------------------------------------------------------------------

    @Test
    void aCleanImageChecksWithExitZero() throws Exception {
        Path q = qemuImage("c.qcow2", "qcow2");
        Cli.Result r = ok("disk", "check", q.toString(), "--read-data");
        assertTrue(r.out().contains("No errors found"), r.out());
    }

    /** Appends a cluster with refcount 1 that nothing references (what a crash can leave). */
    private static void leakOneCluster(Path q) throws Exception {
        ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(q));
        long refcountTable = header.getLong(48);
        long block = header.getLong((int) refcountTable);
        try (FileChannel ch = FileChannel.open(q, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long cluster = ch.size() / 65536;
            ch.write(ByteBuffer.allocate(65536), cluster * 65536);
            ch.write(ByteBuffer.allocate(2).putShort(0, (short) 1), block + cluster * 2);
        }
    }

    @Test
    void leakedClustersAreReportedAndRepairReleasesThem() throws Exception {
        Path q = qemuImage("leak.qcow2", "qcow2", "-o", "compat=0.10");
        leakOneCluster(q);
        Cli.Result r = ok("disk", "check", q.toString());
        assertTrue(r.out().contains("1 leaked clusters"), r.out());
        Cli.Result repaired = ok("disk", "check", q.toString(), "--repair");
        assertTrue(repaired.out().contains("Repaired: released 1 leaked clusters"), repaired.out());
        QemuImgTool.run("qemu-img", "check", "-q", "-f", "qcow2", q.toString()).ok();
        QemuImgTool.compareWithRaw(raw, q, "qcow2").ok();
    }

    @Test
    void aDamagedImageChecksWithExitFourAndOneLinePerError() throws Exception {
        Path q = qemuImage("d.qcow2", "qcow2");
        long l1 = ByteBuffer.wrap(Files.readAllBytes(q)).getLong(40);
        QemuImgTool.patch(q, l1, ByteBuffer.allocate(8).putLong(0, (1L << 63) | (1L << 40)));
        Cli.Result r = Cli.run("disk", "check", q.toString(), "--json");
        assertEquals(ExitCodes.INVALID, r.code());
        JsonNode report = json(r);
        assertFalse(report.get("clean").asBoolean());
        assertTrue(report.get("errors").size() >= 1);
        assertEquals(report.get("errors").size(), r.errLines().size(), r.err());
        for (String line : r.errLines()) {
            assertTrue(line.startsWith("quasivm: d.qcow2: "), line);
        }
    }

    @Test
    void checkOfAMissingFileIsAnIoError() {
        assertEquals(ExitCodes.IO_ERROR, Cli.run("disk", "check", dir.resolve("gone.vdi").toString()).code());
    }

    // ---- commit, rebase, resize ----------------------------------------------------------------------------------

    private Path childOf(String base, String baseFormat) {
        Path child = dir.resolve("child.qcow2");
        QemuImgTool.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", base, "-F", baseFormat,
                child.toString()).ok();
        QemuImgTool.run("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 65536 131072", child.toString()).ok();
        return child;
    }

    @Test
    void commitMergesTheChildIntoItsParentAndEmptiesIt() throws Exception {
        Path child = childOf("src.img", "raw");
        Path expected = dir.resolve("expected.img");
        QemuImgTool.run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", child.toString(),
                expected.toString()).ok();
        Cli.Result r = ok("disk", "commit", child.toString());
        assertTrue(r.out().contains("into src.img"), r.out());
        QemuImgTool.run("qemu-img", "compare", "-f", "raw", "-F", "raw", expected.toString(), raw.toString()).ok();
        assertEquals(0, json(ok("disk", "info", child.toString(), "--json")).get("allocatedBytes").asLong());
    }

    @Test
    void commitOfAnImageWithoutParentIsAUsageError() {
        assertEquals(ExitCodes.USAGE, Cli.run("disk", "commit", raw.toString()).code());
    }

    @Test
    void flattenKeepsTheContentAndDropsTheParent() throws Exception {
        Path child = childOf("src.img", "raw");
        Path expected = dir.resolve("expected.img");
        QemuImgTool.run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", child.toString(),
                expected.toString()).ok();
        ok("disk", "rebase", child.toString(), "--flatten");
        assertTrue(json(ok("disk", "info", child.toString(), "--json")).get("parentReference").isNull());
        Files.delete(raw);
        QemuImgTool.compareWithRaw(expected, child, "qcow2").ok();
    }

    @Test
    void rebaseOntoANewParentKeepsWhatTheChildReads() throws Exception {
        Path child = childOf("src.img", "raw");
        Path expected = dir.resolve("expected.img");
        QemuImgTool.run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", child.toString(),
                expected.toString()).ok();
        Path other = dir.resolve("other.img");
        QemuImgTool.randomRaw(other, SIZE, 99);
        ok("disk", "rebase", child.toString(), "--parent", other.toString(), "--parent-format", "raw");
        assertEquals("other.img", QemuImgTool.info(child, "qcow2").get("backing-filename").asText());
        QemuImgTool.compareWithRaw(expected, child, "qcow2").ok();
    }

    @Test
    void rebaseNeedsAParentOrFlatten() {
        assertEquals(ExitCodes.USAGE, Cli.run("disk", "rebase", raw.toString()).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"12M", "+8M"})
    void resizeGrowsAQcow2(String size) throws Exception {
        Path q = qemuImage("g.qcow2", "qcow2");
        ok("disk", "resize", q.toString(), size);
        assertEquals(12L << 20, QemuImgTool.info(q, "qcow2").get("virtual-size").asLong());
        QemuImgTool.run("qemu-img", "check", "-q", "-f", "qcow2", q.toString()).ok();
    }

    @Test
    void shrinkingNeedsShrinkAndLeavesTheImageOtherwise() throws Exception {
        Cli.Result r = Cli.run("disk", "resize", raw.toString(), "1M");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(SIZE, Files.size(raw));
        ok("disk", "resize", raw.toString(), "1M", "--shrink");
        assertEquals(1 << 20, Files.size(raw));
    }

    @Test
    void resizingAVmdkIsNotSupported() {
        Path v = qemuImage("r.vmdk", "vmdk");
        assertEquals(ExitCodes.UNSUPPORTED, Cli.run("disk", "resize", v.toString(), "8M").code());
    }

    // ---- the command group ---------------------------------------------------------------------------------------

    @Test
    void diskWithoutACommandIsAUsageError() {
        assertEquals(ExitCodes.USAGE, Cli.run("disk").code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"info", "create", "convert", "check", "commit", "rebase", "resize"})
    void everyDiskCommandsHelpHasExamples(String command) {
        Cli.Result r = ok("disk", command, "--help");
        assertTrue(r.out().contains("Examples:") && r.out().contains("quasivm disk " + command), r.out());
    }
}

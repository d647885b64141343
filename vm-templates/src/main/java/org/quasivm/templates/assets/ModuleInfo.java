package org.quasivm.templates.assets;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code .modinfo} section of a Linux kernel module (an ELF relocatable object): NUL-separated
 * {@code key=value} strings, of which {@code depends} lists the modules it needs. Reading it directly means the
 * initramfs builder needs neither {@code modinfo} nor a {@code modules.dep} (Debian's kernel package ships none:
 * {@code depmod} makes it at install time).
 */
final class ModuleInfo {

    private ModuleInfo() {
    }

    /** The {@code key=value} strings of {@code module}'s .modinfo section. */
    static List<String> fields(byte[] module, String name) throws AssetException {
        ByteBuffer b = ByteBuffer.wrap(module).order(ByteOrder.LITTLE_ENDIAN);
        if (module.length < 64 || b.getInt(0) != 0x464C457F) {
            throw new AssetException(name + " is not an ELF file");
        }
        boolean elf64 = module[4] == 2;
        if (module[5] != 1) {
            throw new AssetException(name + " is not a little-endian ELF file");
        }
        long shoff = elf64 ? b.getLong(0x28) : b.getInt(0x20) & 0xFFFF_FFFFL;
        int shentsize = b.getShort(elf64 ? 0x3A : 0x2E) & 0xFFFF;
        int shnum = b.getShort(elf64 ? 0x3C : 0x30) & 0xFFFF;
        int shstrndx = b.getShort(elf64 ? 0x3E : 0x32) & 0xFFFF;
        if (shoff <= 0 || shentsize < (elf64 ? 64 : 40) || shstrndx >= shnum
                || shoff + (long) shnum * shentsize > module.length) {
            throw new AssetException(name + ": damaged ELF section table");
        }
        long[] names = section(b, elf64, shoff + (long) shstrndx * shentsize, module.length, name);
        for (int i = 0; i < shnum; i++) {
            long header = shoff + (long) i * shentsize;
            int nameOffset = b.getInt((int) header);
            String sectionName = cString(module, names[0] + (nameOffset & 0xFFFF_FFFFL), names[0] + names[1]);
            if (".modinfo".equals(sectionName)) {
                long[] s = section(b, elf64, header, module.length, name);
                return split(module, (int) s[0], (int) s[1]);
            }
        }
        throw new AssetException(name + " has no .modinfo section");
    }

    /** Offset and size of the section whose header is at {@code header}, checked against the file. */
    private static long[] section(ByteBuffer b, boolean elf64, long header, int fileLength, String name)
            throws AssetException {
        long offset = elf64 ? b.getLong((int) header + 0x18) : b.getInt((int) header + 0x10) & 0xFFFF_FFFFL;
        long size = elf64 ? b.getLong((int) header + 0x20) : b.getInt((int) header + 0x14) & 0xFFFF_FFFFL;
        if (offset < 0 || size < 0 || offset + size > fileLength) {
            throw new AssetException(name + ": a section lies outside the file");
        }
        return new long[] {offset, size};
    }

    private static String cString(byte[] data, long from, long limit) {
        int end = (int) from;
        while (end < limit && end < data.length && data[end] != 0) {
            end++;
        }
        return from >= limit ? "" : new String(data, (int) from, end - (int) from, StandardCharsets.US_ASCII);
    }

    private static List<String> split(byte[] data, int offset, int size) {
        List<String> out = new ArrayList<>();
        int start = offset;
        for (int i = offset; i < offset + size; i++) {
            if (data[i] == 0) {
                if (i > start) {
                    out.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** The module names {@code depends=} lists (empty when it needs none). */
    static List<String> depends(byte[] module, String name) throws AssetException {
        for (String f : fields(module, name)) {
            if (f.startsWith("depends=")) {
                String list = f.substring("depends=".length()).trim();
                return list.isEmpty() ? List.of() : List.of(list.split(","));
            }
        }
        return List.of();
    }
}

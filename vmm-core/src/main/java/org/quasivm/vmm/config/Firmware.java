package org.quasivm.vmm.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What runs first when the VM starts. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Firmware.Seabios.class, name = "seabios"),
        @JsonSubTypes.Type(value = Firmware.Linux.class, name = "linux"),
        @JsonSubTypes.Type(value = Firmware.Custom.class, name = "custom")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Firmware {

    /**
     * SeaBIOS and its VGA BIOS; {@code bios}/{@code vgaBios} override the files found in the standard locations.
     */
    record Seabios(String bios, String vgaBios) implements Firmware { }

    /** Direct Linux boot, no BIOS: a bzImage, an optional initrd and the kernel command line. */
    record Linux(String kernel, String initrd, String cmdline) implements Firmware { }

    /**
     * A ROM image of n × 64 KiB (at most 256 KiB) mapped to end at 4 GiB, its last 128 KiB (at most) also at the top
     * of the first MiB. {@code loadAddress}, when given, must be where that mapping puts the ROM's first byte.
     */
    record Custom(String rom, Long loadAddress) implements Firmware { }
}

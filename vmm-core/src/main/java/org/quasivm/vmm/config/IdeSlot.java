package org.quasivm.vmm.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What is attached at one IDE position (primary/secondary × master/slave). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = IdeSlot.Empty.class, name = "empty"),
        @JsonSubTypes.Type(value = IdeSlot.Disk.class, name = "disk"),
        @JsonSubTypes.Type(value = IdeSlot.Cdrom.class, name = "cdrom")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface IdeSlot {

    /** Nothing attached. */
    record Empty() implements IdeSlot { }

    /** A hard disk on an image file; {@code readOnly} is false when left out. */
    record Disk(String image, ImageFormat format, Boolean readOnly) implements IdeSlot {
        public Disk {
            readOnly = Boolean.TRUE.equals(readOnly);
        }
    }

    /** An ATAPI CD-ROM drive, with an ISO inserted or ({@code iso} null) empty. */
    record Cdrom(String iso) implements IdeSlot { }
}

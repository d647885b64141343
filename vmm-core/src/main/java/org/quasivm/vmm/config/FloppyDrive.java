package org.quasivm.vmm.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A floppy drive: empty, or with an image inserted. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = FloppyDrive.Empty.class, name = "empty"),
        @JsonSubTypes.Type(value = FloppyDrive.Image.class, name = "image")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface FloppyDrive {

    record Empty() implements FloppyDrive { }

    /** An image file; {@code readOnly} (write protect) is false when left out. */
    record Image(String image, Boolean readOnly) implements FloppyDrive {
        public Image {
            readOnly = Boolean.TRUE.equals(readOnly);
        }
    }
}

package org.quasivm.vmm.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Where a serial port's bytes go. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = SerialPort.None.class, name = "none"),
        @JsonSubTypes.Type(value = SerialPort.File.class, name = "file"),
        @JsonSubTypes.Type(value = SerialPort.Stdio.class, name = "stdio"),
        @JsonSubTypes.Type(value = SerialPort.Socket.class, name = "socket")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface SerialPort {

    /** Not connected: the UART exists, its output is dropped. */
    record None() implements SerialPort { }

    /** Output appended to a file. */
    record File(String path) implements SerialPort { }

    /** The VM process's standard input and output. */
    record Stdio() implements SerialPort { }

    /** A Unix domain socket the VM listens on, so a terminal or the console can attach. */
    record Socket(String path) implements SerialPort { }
}

package org.quasivm.exec;

import java.util.Objects;
import java.util.function.LongSupplier;

import org.quasivm.exec.memory.PhysicalMemory;

/**
 * Everything an executor talks to: the small interfaces the machine implements. The CPU knows no devices.
 *
 * @param memory     guest-physical memory: host-backed regions plus the MMIO slow path
 * @param ports      the I/O port space
 * @param interrupts the INTR pin and INTA cycle
 * @param timeStampCounter the value RDTSC returns now (the machine derives it from its virtual clock)
 */
public record Platform(PhysicalMemory memory, PortIo ports, InterruptSource interrupts, LongSupplier timeStampCounter) {
    public Platform {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(interrupts, "interrupts");
        Objects.requireNonNull(timeStampCounter, "timeStampCounter");
    }
}

/**
 * What a display adapter shows, independent of the adapter and of JavaFX: {@link org.quasivm.vmm.display.Frame}s
 * of ARGB pixels with {@link org.quasivm.vmm.display.DirtyRect}s from a
 * {@link org.quasivm.vmm.display.DisplaySource}, text read back as a {@link org.quasivm.vmm.display.TextScreen},
 * and screenshot files (PNG; PPM as QEMU's {@code screendump} writes it).
 */
package org.quasivm.vmm.display;

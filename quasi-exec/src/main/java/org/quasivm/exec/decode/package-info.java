/**
 * Instruction decoding into int-packed records ({@link org.quasivm.exec.decode.Insn}), dense operation ids
 * ({@link org.quasivm.exec.decode.Op}) and the decoded-code cache by physical page, invalidated by writes to the
 * bytes blocks were decoded from ({@link org.quasivm.exec.decode.CodeCache}).
 */
package org.quasivm.exec.decode;

/**
 * {@code quasivm cputest}: runs SingleStepTests MOO files through the software CPU ({@link
 * org.quasivm.exec.cputest.MooSuite#main}), with undefined flags masked per {@code metadata.json} and the committed
 * known-differences rules ({@link org.quasivm.exec.cputest.KnownDifferences}).
 */
package org.quasivm.exec.cputest;

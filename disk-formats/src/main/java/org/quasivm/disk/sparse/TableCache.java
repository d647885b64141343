package org.quasivm.disk.sparse;

import java.io.IOException;

/**
 * A direct-mapped cache of metadata tables (qcow2 L2 tables, VMDK grain tables), so memory stays bounded for
 * huge disks. Evicted arrays are handed back to the loader for reuse: no allocation once the cache is warm.
 * Not thread-safe: used under the owning store's metadata lock.
 */
public final class TableCache<T> {
    /** Fills (or allocates when {@code recycled} is null) the table with index {@code index}. */
    public interface Loader<T> {
        T load(long index, T recycled) throws IOException;
    }

    private final long[] tags;
    private final Object[] tables;
    private final int mask;
    private final Loader<T> loader;

    public TableCache(int slots, Loader<T> loader) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.tags = new long[slots];
        java.util.Arrays.fill(tags, -1L);
        this.tables = new Object[slots];
        this.mask = slots - 1;
        this.loader = loader;
    }

    /** Slots for {@code tableCount} tables of {@code tableBytes} each within {@code budgetBytes} (a power of two). */
    public static int slotsFor(long tableCount, long tableBytes, long budgetBytes) {
        long byBudget = Math.max(16, budgetBytes / Math.max(1, tableBytes));
        long want = Math.max(1, Math.min(tableCount, byBudget));
        int slots = Integer.highestOneBit((int) Math.min(1 << 20, want));
        return slots < want ? slots << 1 : slots;
    }

    @SuppressWarnings("unchecked")
    public T get(long index) throws IOException {
        int s = (int) (index & mask);
        if (tags[s] == index) {
            return (T) tables[s];
        }
        T recycled = (T) tables[s];
        tags[s] = -1;
        T t = loader.load(index, recycled);
        tables[s] = t;
        tags[s] = index;
        return t;
    }

    /** The cached table or null; never loads. */
    @SuppressWarnings("unchecked")
    public T peek(long index) {
        int s = (int) (index & mask);
        return tags[s] == index ? (T) tables[s] : null;
    }

    /** Forgets the table so the next {@link #get} reloads it. */
    public void invalidate(long index) {
        int s = (int) (index & mask);
        if (tags[s] == index) {
            tags[s] = -1;
        }
    }

    public void invalidateAll() {
        java.util.Arrays.fill(tags, -1L);
    }
}

package io.postern.engine;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Receiver index → handshake in flight or keypair (wireguard-go {@code device/indextable.go}).
 * Indices are random, unique among live entries and never 0. Incoming responses, cookie replies
 * and transport messages are demultiplexed by this table only — never by source address.
 *
 * <p>An open-addressing table keyed by the primitive index, because {@link #lookup} runs for every
 * received packet: a map keyed by {@code Integer} boxed (allocated) the key of nearly every lookup.
 * Lookups are lock-free (volatile reads of the slots); reserving and removing, once per handshake,
 * take the table's lock. Removed slots become tombstones until the next rebuild. A lookup racing a
 * removal may still see the entry being removed — the same weak consistency as a concurrent map;
 * its keypair is destroyed by then and cannot open anything.
 */
final class IndexTable {
    /**
     * One index: the peer it belongs to and, once the handshake completed, its keypair.
     * {@code keypair == null} means a handshake of ours is in flight under this index.
     */
    static final class Entry {
        final int index;
        final Peer peer;
        volatile SessionKeyPair keypair;

        Entry(int index, Peer peer) {
            this.index = index;
            this.peer = peer;
        }
    }

    private static final Entry TOMBSTONE = new Entry(0, null);
    private static final int MIN_CAPACITY = 64;

    private final SecureRandom random;
    private volatile AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(MIN_CAPACITY);
    private int size;       // guarded by this
    private int tombstones; // guarded by this

    IndexTable(SecureRandom random) {
        this.random = random;
    }

    /** Reserves a fresh index for {@code peer} (handshake in flight until {@link #attach}). */
    synchronized int reserve(Peer peer) {
        while (true) {
            int index = random.nextInt();
            if (index != 0 && find(slots, index) == null) {
                insert(new Entry(index, peer));
                return index;
            }
        }
    }

    /** Binds the keypair made under {@code index}. */
    void attach(int index, SessionKeyPair keypair) {
        Entry entry = lookup(index);
        if (entry != null) {
            entry.keypair = keypair;
        }
    }

    /** @return the entry for {@code index}, or null; allocation-free */
    Entry lookup(int index) {
        return index == 0 ? null : find(slots, index);
    }

    /** Frees {@code index}. */
    synchronized void remove(int index) {
        AtomicReferenceArray<Entry> s = slots;
        int mask = s.length() - 1;
        for (int i = mix(index) & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            Entry e = s.get(i);
            if (e == null) {
                return;
            }
            if (e != TOMBSTONE && e.index == index) {
                s.set(i, TOMBSTONE);
                size--;
                tombstones++;
                return;
            }
        }
    }

    /** @return how many indices are in use */
    synchronized int size() {
        return size;
    }

    /** Frees every index. */
    synchronized void clear() {
        slots = new AtomicReferenceArray<>(MIN_CAPACITY);
        size = 0;
        tombstones = 0;
    }

    private static Entry find(AtomicReferenceArray<Entry> s, int index) {
        int mask = s.length() - 1;
        for (int i = mix(index) & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            Entry e = s.get(i);
            if (e == null) {
                return null;
            }
            if (e != TOMBSTONE && e.index == index) {
                return e;
            }
        }
        return null;
    }

    /** Caller holds the lock. Keeps the load (entries + tombstones) at most half the slots. */
    private void insert(Entry entry) {
        if ((size + tombstones + 1) * 2 > slots.length()) {
            rebuild(Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, (size + 1) * 4) - 1) << 1));
        }
        AtomicReferenceArray<Entry> s = slots;
        int mask = s.length() - 1;
        int i = mix(entry.index) & mask;
        while (true) {
            Entry e = s.get(i);
            if (e == null || e == TOMBSTONE) {
                if (e == TOMBSTONE) {
                    tombstones--;
                }
                s.set(i, entry);
                size++;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /** Caller holds the lock: copies the live entries into a table of {@code capacity} slots and publishes it. */
    private void rebuild(int capacity) {
        AtomicReferenceArray<Entry> old = slots;
        AtomicReferenceArray<Entry> fresh = new AtomicReferenceArray<>(capacity);
        int mask = capacity - 1;
        for (int j = 0; j < old.length(); j++) {
            Entry e = old.get(j);
            if (e != null && e != TOMBSTONE) {
                int i = mix(e.index) & mask;
                while (fresh.get(i) != null) {
                    i = (i + 1) & mask;
                }
                fresh.set(i, e);
            }
        }
        tombstones = 0;
        slots = fresh; // volatile write publishes the filled table
    }

    /** Indices are random already; the multiply only guards against a weak source. */
    private static int mix(int index) {
        return index * 0x9E3779B9;
    }
}

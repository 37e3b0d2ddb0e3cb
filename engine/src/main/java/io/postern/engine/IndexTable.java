package io.postern.engine;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Receiver index → handshake in flight or keypair (wireguard-go {@code device/indextable.go}).
 * Indices are random, unique among live entries and never 0. Incoming responses, cookie replies
 * and transport messages are demultiplexed by this table only — never by source address.
 */
final class IndexTable {
    /**
     * One index: the peer it belongs to and, once the handshake completed, its keypair.
     * {@code keypair == null} means a handshake of ours is in flight under this index.
     */
    static final class Entry {
        final Peer peer;
        volatile Keypair keypair;

        Entry(Peer peer) {
            this.peer = peer;
        }
    }

    private final ConcurrentHashMap<Integer, Entry> entries = new ConcurrentHashMap<>();
    private final SecureRandom random;

    IndexTable(SecureRandom random) {
        this.random = random;
    }

    /** Reserves a fresh index for {@code peer} (handshake in flight until {@link #attach}). */
    int reserve(Peer peer) {
        Entry entry = new Entry(peer);
        while (true) {
            int index = random.nextInt();
            if (index != 0 && entries.putIfAbsent(index, entry) == null) {
                return index;
            }
        }
    }

    /** Binds the keypair made under {@code index}. */
    void attach(int index, Keypair keypair) {
        Entry entry = entries.get(index);
        if (entry != null) {
            entry.keypair = keypair;
        }
    }

    /** @return the entry for {@code index}, or null */
    Entry lookup(int index) {
        return entries.get(index);
    }

    /** Frees {@code index}. */
    void remove(int index) {
        entries.remove(index);
    }

    /** @return how many indices are in use */
    int size() {
        return entries.size();
    }

    /** Frees every index. */
    void clear() {
        entries.clear();
    }
}

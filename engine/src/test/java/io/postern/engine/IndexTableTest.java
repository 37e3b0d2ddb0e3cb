package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IndexTableTest {
    private static Peer peer(int n) {
        byte[] k = new byte[32];
        k[0] = (byte) n;
        k[1] = (byte) (n >> 8);
        return new Peer(PublicKey.of(k), null, new IndexTable(new SecureRandom()), new HalfOpenHandshakes(1));
    }

    @Test
    void reservedIndicesAreUniqueNonZeroAndFoundUntilRemoved() {
        IndexTable t = new IndexTable(new SecureRandom());
        List<Integer> indices = new ArrayList<>();
        Set<Integer> unique = new HashSet<>();
        for (int i = 0; i < 5_000; i++) { // grows through several rebuilds
            int idx = t.reserve(peer(i));
            assertThat(idx).isNotZero();
            assertThat(unique.add(idx)).isTrue();
            indices.add(idx);
        }
        assertThat(t.size()).isEqualTo(5_000);
        for (int i = 0; i < indices.size(); i++) {
            assertThat(t.lookup(indices.get(i)).peer.key()).isEqualTo(peer(i).key());
        }
        for (int i = 0; i < indices.size(); i += 2) {
            t.remove(indices.get(i));
        }
        assertThat(t.size()).isEqualTo(2_500);
        for (int i = 0; i < indices.size(); i++) {
            IndexTable.Entry e = t.lookup(indices.get(i));
            if (i % 2 == 0) {
                assertThat(e).isNull();
            } else {
                assertThat(e.index).isEqualTo(indices.get(i));
            }
        }
        assertThat(t.lookup(0)).isNull();
        t.remove(12345); // absent: no effect
        assertThat(t.size()).isEqualTo(2_500);
        t.clear();
        assertThat(t.size()).isZero();
        assertThat(t.lookup(indices.get(1))).isNull();
    }

    @Test
    void matchesAReferenceSetOverRandomReserveAndRemove() {
        IndexTable t = new IndexTable(new SecureRandom());
        SplittableRandom r = new SplittableRandom(7);
        List<Integer> live = new ArrayList<>();
        for (int step = 0; step < 50_000; step++) { // churn: tombstones are reused and rebuilt away
            if (live.isEmpty() || r.nextInt(100) < 55) {
                live.add(t.reserve(peer(step)));
            } else {
                t.remove(live.remove(r.nextInt(live.size())));
            }
        }
        assertThat(t.size()).isEqualTo(live.size());
        for (int idx : live) {
            assertThat(t.lookup(idx)).isNotNull();
        }
    }

    @Test
    void attachBindsTheKeypairSlotOfALiveIndexOnly() {
        IndexTable t = new IndexTable(new SecureRandom());
        int idx = t.reserve(peer(1));
        assertThat(t.lookup(idx).keypair).isNull();
        t.remove(idx);
        t.attach(idx, null); // a removed index: nothing to bind, no failure
        assertThat(t.lookup(idx)).isNull();
    }
}

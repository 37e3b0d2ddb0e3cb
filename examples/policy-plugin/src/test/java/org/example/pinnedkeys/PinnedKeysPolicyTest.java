package org.example.pinnedkeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinnedKeysPolicyTest {
    private static final PublicKey PINNED = key(1);
    private static final PublicKey APPROVED = key(2);
    private static final PublicKey STRANGER = key(3);
    private static final PublicKey UNPINNED = key(4);

    @TempDir
    Path dir;

    private static PublicKey key(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return PublicKey.of(k);
    }

    private static IdentityChange change(PublicKey incumbent, PublicKey newcomer) {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        return new IdentityChange(Endpoint.of(InetAddress.getLoopbackAddress(), 40000), incumbent, newcomer,
                now.minusSeconds(5), true, false, now);
    }

    private static final List<String> FILE = List.of(
            "# pinned identities",
            "pin " + PINNED.toBase64() + "   # the database server",
            "",
            PINNED.toBase64() + " -> " + APPROVED.toBase64());

    private final PinnedKeysPolicy policy = new PinnedKeysPolicy(PinFile.parse("test", FILE));

    @Test
    void aPinnedIdentityMayBeReplacedByItsApprovedKey() {
        assertThat(policy.onIdentityChange(change(PINNED, APPROVED))).isEqualTo(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
    }

    @Test
    void aPinnedIdentityIsNotReplacedByAnyOtherKey() {
        assertThat(policy.onIdentityChange(change(PINNED, STRANGER))).isEqualTo(PolicyDecision.REJECT);
    }

    @Test
    void anApprovalIsOneWayAndForItsPairOnly() {
        // APPROVED is not pinned: anything may replace it; PINNED may not come back over it unless approved
        assertThat(policy.onIdentityChange(change(APPROVED, PINNED))).isEqualTo(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
        PinnedKeysPolicy both = new PinnedKeysPolicy(PinFile.parse("t", List.of("pin " + PINNED.toBase64(),
                "pin " + APPROVED.toBase64(), PINNED.toBase64() + " -> " + APPROVED.toBase64())));
        assertThat(both.onIdentityChange(change(APPROVED, PINNED))).isEqualTo(PolicyDecision.REJECT);
        assertThat(both.onIdentityChange(change(PINNED, APPROVED))).isEqualTo(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
    }

    @Test
    void anyOtherIdentityChangeResetsAsTheDefault() {
        assertThat(policy.onIdentityChange(change(UNPINNED, STRANGER))).isEqualTo(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
    }

    @Test
    void nameAndDescription() {
        assertThat(policy.name()).isEqualTo("pinned-keys");
        assertThat(policy.description()).isNotBlank();
    }

    @Test
    void aBadLineIsReportedWithItsNumber() {
        assertThatThrownBy(() -> PinFile.parse("pins.conf", List.of("# ok", "pin not-a-key")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("pins.conf:2: ");
        assertThatThrownBy(() -> PinFile.parse("pins.conf", List.of("hello")))
                .hasMessage("pins.conf:1: expected 'pin KEY' or 'OLD -> NEW'");
        assertThatThrownBy(() -> PinFile.parse("pins.conf", List.of(PINNED.toBase64() + " -> " + APPROVED.toBase64() + " -> x")))
                .hasMessage("pins.conf:1: expected 'OLD -> NEW'");
    }

    @Test
    void thePinFileIsFoundByPropertyThenEnvironmentThenBesideTheJar() {
        Path jarDir = dir.resolve("plugins");
        assertThat(PinnedKeysPolicy.pinFile("/etc/pins", Map.of(PinnedKeysPolicy.FILE_ENV, "/env/pins"), jarDir))
                .isEqualTo(Path.of("/etc/pins"));
        assertThat(PinnedKeysPolicy.pinFile(null, Map.of(PinnedKeysPolicy.FILE_ENV, "/env/pins"), jarDir))
                .isEqualTo(Path.of("/env/pins"));
        assertThat(PinnedKeysPolicy.pinFile(null, Map.of(), jarDir)).isEqualTo(jarDir.resolve("pinned-keys.conf"));
        assertThatThrownBy(() -> PinnedKeysPolicy.pinFile(" ", Map.of(), null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theNoArgumentConstructorReadsThePinFileAndFailsWhenItIsMissing() throws IOException {
        Path file = Files.write(dir.resolve("pins.conf"), FILE);
        String before = System.getProperty(PinnedKeysPolicy.FILE_PROPERTY);
        try {
            System.setProperty(PinnedKeysPolicy.FILE_PROPERTY, file.toString());
            assertThat(new PinnedKeysPolicy().onIdentityChange(change(PINNED, STRANGER))).isEqualTo(PolicyDecision.REJECT);
            System.setProperty(PinnedKeysPolicy.FILE_PROPERTY, dir.resolve("missing.conf").toString());
            assertThatThrownBy(PinnedKeysPolicy::new).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot read the pin file " + dir.resolve("missing.conf"));
        } finally {
            if (before == null) {
                System.clearProperty(PinnedKeysPolicy.FILE_PROPERTY);
            } else {
                System.setProperty(PinnedKeysPolicy.FILE_PROPERTY, before);
            }
        }
    }
}

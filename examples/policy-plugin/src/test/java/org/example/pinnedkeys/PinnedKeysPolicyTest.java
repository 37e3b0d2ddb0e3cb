package org.example.pinnedkeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.IdentityChange;
import io.postern.spi.PluginConfig;
import io.postern.spi.PluginConfigException;
import io.postern.spi.PolicyDecision;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PinnedKeysPolicyTest {
    private static final PublicKey PINNED = key(1);
    private static final PublicKey APPROVED = key(2);
    private static final PublicKey STRANGER = key(3);
    private static final PublicKey UNPINNED = key(4);

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
    void aPinnedKeyThatOnlyRoamedToTheEndpointKeepsItsSessionButLocksNobodyOut() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        IdentityChange roamed = new IdentityChange(Endpoint.of(InetAddress.getLoopbackAddress(), 40000), PINNED,
                STRANGER, now.minusSeconds(5), true, false, now, IdentityChange.Binding.ROAMING);
        assertThat(policy.onIdentityChange(roamed)).isEqualTo(PolicyDecision.ACCEPT_AND_KEEP_BOTH);
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

    private static PluginConfig section(String... lines) {
        List<PluginConfig.Setting> settings = new java.util.ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String[] kv = lines[i].split("=", 2);
            settings.add(new PluginConfig.Setting(kv[0].strip(), kv[1].strip(), 11 + i));
        }
        return PluginConfig.of("pinned-keys", "postern.conf", 10, settings);
    }

    @Test
    void theGatewayConfiguresItFromItsSection() {
        PinnedKeysPolicy configured = new PinnedKeysPolicy();
        configured.configure(section("Pin = " + PINNED.toBase64() + ", " + UNPINNED.toBase64(),
                "Approve = " + PINNED.toBase64() + " -> " + APPROVED.toBase64()));
        assertThat(configured.onIdentityChange(change(PINNED, APPROVED))).isEqualTo(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
        assertThat(configured.onIdentityChange(change(PINNED, STRANGER))).isEqualTo(PolicyDecision.REJECT);
        assertThat(configured.onIdentityChange(change(UNPINNED, STRANGER))).isEqualTo(PolicyDecision.REJECT);
        assertThat(configured.onIdentityChange(change(APPROVED, STRANGER))).isEqualTo(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
    }

    @Test
    void badSettingsNameFileLineAndKey() {
        PinnedKeysPolicy p = new PinnedKeysPolicy();
        assertThatThrownBy(() -> p.configure(section()))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageStartingWith("postern.conf: [Plugin.pinned-keys] Pin: is required");
        assertThatThrownBy(() -> p.configure(section("Pin = " + PINNED.toBase64(), "Pin = not-a-key")))
                .hasMessageStartingWith("postern.conf:12: [Plugin.pinned-keys] Pin: 'not-a-key': ");
        assertThatThrownBy(() -> p.configure(section("Pin = " + PINNED.toBase64(), "Approve = " + PINNED.toBase64())))
                .hasMessage("postern.conf:12: [Plugin.pinned-keys] Approve: '" + PINNED.toBase64() + "' is not 'OLD -> NEW'");
        assertThatThrownBy(() -> p.configure(section("Pins = " + PINNED.toBase64())))
                .hasMessage("postern.conf:11: [Plugin.pinned-keys] Pins: unknown key for plugin pinned-keys; known: Pin, Approve");
    }
}

package org.example.pinnedkeys;

import io.postern.spi.Configurable;
import io.postern.spi.IdentityChange;
import io.postern.spi.PluginConfig;
import io.postern.spi.PluginName;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import java.util.Objects;
import java.util.Set;

/**
 * {@code pinned-keys}: an identity on the pin list may be replaced at its endpoint only by a key
 * approved for it; any other identity change resets as the default policy does.
 *
 * <ul>
 *   <li>pinned incumbent, approved newcomer: {@link PolicyDecision#ACCEPT_AND_RESET_AFTER_CONFIRMATION}
 *       (the newcomer gets in; the stale session is evicted once the new one is confirmed);</li>
 *   <li>pinned incumbent that shook hands at the endpoint, any other newcomer: {@link PolicyDecision#REJECT}
 *       (the incumbent keeps the endpoint);</li>
 *   <li>pinned incumbent that only roamed there ({@link IdentityChange.Binding#ROAMING}: an authenticated
 *       packet from that source, which proves the key, not the address), any other newcomer:
 *       {@link PolicyDecision#ACCEPT_AND_KEEP_BOTH} — the pin protects the pinned session, but the key
 *       cannot lock others out of an endpoint it never shook hands at;</li>
 *   <li>incumbent not pinned: {@link PolicyDecision#ACCEPT_AND_RESET_AFTER_CONFIRMATION}.</li>
 * </ul>
 *
 * <p>The pins come from the plugin's section of the gateway's configuration, {@code [Plugin.pinned-keys]}
 * ({@link PinFile#from}), which the gateway hands to {@link #configure} when it starts: a missing
 * section or a bad key stops the gateway with a message naming file, line and key. Settings are read
 * once; edit the section and restart the gateway.
 *
 * <p>Thread-safe (the pins are an immutable value published once); decisions are two set look-ups.
 */
@PluginName("pinned-keys")
public final class PinnedKeysPolicy implements SessionPolicy, Configurable {
    private volatile PinFile pins = new PinFile(Set.of(), Set.of());

    /** Created by the gateway (through {@link java.util.ServiceLoader}); nothing is pinned until {@link #configure}. */
    public PinnedKeysPolicy() {}

    /** @param pins the pin list and approvals to apply */
    public PinnedKeysPolicy(PinFile pins) {
        this.pins = Objects.requireNonNull(pins, "pins");
    }

    /**
     * Reads {@code Pin} and {@code Approve} from {@code [Plugin.pinned-keys]}.
     *
     * @throws io.postern.spi.PluginConfigException naming file, line and key when one is missing or bad
     */
    @Override
    public void configure(PluginConfig config) {
        pins = PinFile.from(config);
    }

    @Override
    public String name() {
        return "pinned-keys";
    }

    @Override
    public String description() {
        return "Pinned identities may replace their key only with an approved one (else rejected); "
                + "any other identity change resets as reset-on-identity-change does. Settings: [Plugin.pinned-keys] Pin, Approve.";
    }

    @Override
    public PolicyDecision onIdentityChange(IdentityChange change) {
        PinFile p = pins;
        if (p.isPinned(change.incumbent()) && !p.approves(change.incumbent(), change.newcomer())) {
            return change.incumbentShookHandsHere() ? PolicyDecision.REJECT : PolicyDecision.ACCEPT_AND_KEEP_BOTH;
        }
        return PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION;
    }
}

package io.postern.engine;

import io.postern.spi.PolicyDecision;
import java.util.Arrays;
import java.util.Locale;

/**
 * What applies when the session policy faults (throws, answers null, or gives no answer within its
 * time budget): configuration key {@code OnPolicyFault}. The default, {@link #KEEP_BOTH}, admits
 * the newcomer and evicts nothing, so a broken or slow policy neither locks a restarted peer out
 * nor lets anyone evict a session the policy might have protected. A deployment whose policy guards
 * who may connect at all (such as {@code pinned-keys}) chooses {@link #REJECT}: it fails closed.
 */
public enum OnPolicyFault {
    /** Answer the newcomer, leave the incumbent alone ({@link PolicyDecision#ACCEPT_AND_KEEP_BOTH}). */
    KEEP_BOTH(PolicyDecision.ACCEPT_AND_KEEP_BOTH),
    /** Drop the newcomer's initiation ({@link PolicyDecision#REJECT}). */
    REJECT(PolicyDecision.REJECT),
    /** Answer and evict the incumbent once the newcomer confirms ({@link PolicyDecision#ACCEPT_AND_RESET_AFTER_CONFIRMATION}). */
    RESET_ON_IDENTITY_CHANGE(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);

    /** The default of the configuration key. */
    public static final OnPolicyFault DEFAULT = KEEP_BOTH;

    private final PolicyDecision decision;

    OnPolicyFault(PolicyDecision decision) {
        this.decision = decision;
    }

    /** @return the decision applied on a fault */
    public PolicyDecision decision() {
        return decision;
    }

    /** @return the name in configuration files: {@code keep-both}, {@code reject}, {@code reset-on-identity-change} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @return the value named {@code text} in a configuration file (case-insensitive)
     * @throws IllegalArgumentException naming the accepted values
     */
    public static OnPolicyFault parse(String text) {
        for (OnPolicyFault f : values()) {
            if (f.configName().equalsIgnoreCase(text.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of "
                + String.join(", ", Arrays.stream(values()).map(OnPolicyFault::configName).toList()));
    }
}

package io.postern.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.wire.WireRejection;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class DropReasonTest {
    @Test
    void handshakeFailuresAreTheRefusedHandshakeMessagesAndNothingElse() {
        // postern_handshakes_failed_total reports exactly these (gateway-app's metrics read the category)
        assertThat(EnumSet.copyOf(Arrays.stream(DropReason.values())
                .filter(r -> r.category() == DropReason.Category.HANDSHAKE).toList()))
                .containsExactlyInAnyOrder(DropReason.MAC1_INVALID, DropReason.INITIATION_DECRYPT_FAILED,
                        DropReason.INITIATION_REPLAYED, DropReason.INITIATION_FLOOD, DropReason.NOT_ADMITTED,
                        DropReason.POLICY_REJECTED, DropReason.UNKNOWN_HANDSHAKE_INDEX, DropReason.RESPONSE_INVALID,
                        DropReason.COOKIE_REPLY_INVALID, DropReason.CAPACITY, DropReason.RATE_LIMITED);
        assertThat(DropReason.MAC2_REQUIRED.category()).as("a cookie reply under load is not a failure")
                .isEqualTo(DropReason.Category.UNDER_LOAD);
    }

    @Test
    void everyWireRejectionIsMalformedAndEveryReasonHasACategory() {
        for (WireRejection r : WireRejection.values()) {
            assertThat(DropReason.of(r).category()).as(r.name()).isEqualTo(DropReason.Category.MALFORMED);
        }
        assertThat(DropReason.values()).allSatisfy(r -> assertThat(r.category()).isNotNull());
    }
}

package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code postern userspace}'s command line; the device itself runs in {@code it}'s UserspaceDropInIT (it needs a TUN interface). */
class UserspaceCommandTest {

    @Test
    void logLevelTakesWireguardGosFourValuesAndNothingElse() {
        assertThat(UserspaceCommand.logLevel(Map.of("LOG_LEVEL", "debug"))).isEqualTo("DEBUG");
        assertThat(UserspaceCommand.logLevel(Map.of("LOG_LEVEL", "verbose"))).isEqualTo("INFO");
        assertThat(UserspaceCommand.logLevel(Map.of("LOG_LEVEL", "error"))).isEqualTo("ERROR");
        assertThat(UserspaceCommand.logLevel(Map.of("LOG_LEVEL", "silent"))).isEqualTo("OFF");
        assertThat(UserspaceCommand.logLevel(Map.of())).as("unset: the caller's default").isNull();
        assertThatThrownBy(() -> UserspaceCommand.logLevel(Map.of("LOG_LEVEL", "info")))
                .hasMessage("LOG_LEVEL=info: use debug, verbose, error or silent");
    }

    @Test
    void aNameWgCannotUseIsRefusedBeforeAnythingIsCreated() {
        MainTest.Result r = MainTest.run("", "userspace", "-f", "no/such:name");
        assertThat(r.code()).isEqualTo(PosternCommand.FAILED);
        assertThat(r.err()).contains("'no/such:name' is not an interface name (1-15 of a-z A-Z 0-9 _ = + . -)");
    }

    @Test
    void theInterfaceNameIsRequired() {
        MainTest.Result r = MainTest.run("", "userspace");
        assertThat(r.code()).isEqualTo(PosternCommand.USAGE);
        assertThat(r.err()).contains("INTERFACE");
    }
}

package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.net.Endpoint;
import org.junit.jupiter.api.Test;

class UpCommandTest {

    @Test
    void displaysWildcardsReadably() {
        assertThat(UpCommand.display(Endpoint.parse("[::]:51820"))).isEqualTo("[::]:51820 (every interface, IPv4 and IPv6)");
        assertThat(UpCommand.display(Endpoint.parse("0.0.0.0:51820"))).isEqualTo("0.0.0.0:51820 (every IPv4 interface)");
        assertThat(UpCommand.display(Endpoint.parse("127.0.0.1:4000"))).isEqualTo("127.0.0.1:4000");
    }
}

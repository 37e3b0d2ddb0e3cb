package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 11, item 1: an Error on a packet or handshake thread ends the process, non-zero. */
class FatalErrorsTest {

    @Test
    void anErrorOnAnyThreadEndsTheProcessWithStatus70() throws InterruptedException {
        List<Integer> halted = new ArrayList<>();
        FatalErrors handler = new FatalErrors(halted::add);
        Thread worker = Thread.ofPlatform().name("postern-handshake-0").unstarted(() -> {
            throw new OutOfMemoryError("Java heap space (simulated)");
        });
        worker.setUncaughtExceptionHandler(handler);
        worker.start();
        worker.join();
        assertThat(halted).containsExactly(FatalErrors.EXIT_STATUS);
        assertThat(FatalErrors.EXIT_STATUS).isNotZero();
    }

    @Test
    void anUncaughtExceptionIsOnlyLogged() {
        List<Integer> halted = new ArrayList<>();
        new FatalErrors(halted::add).uncaughtException(Thread.currentThread(), new IllegalStateException("a bug"));
        assertThat(halted).isEmpty();
    }

    @Test
    void theLaunchersEndTheJvmOnOutOfMemory() throws java.io.IOException {
        java.nio.file.Path root = java.nio.file.Path.of("").toAbsolutePath().getParent();
        for (String launcher : new String[] {"postern", "gateway-app/src/image/bin/postern"}) {
            assertThat(java.nio.file.Files.readString(root.resolve(launcher))).as(launcher)
                    .contains("-XX:+ExitOnOutOfMemoryError");
        }
    }
}

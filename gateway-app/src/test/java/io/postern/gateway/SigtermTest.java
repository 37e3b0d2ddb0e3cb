package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postern up} in its own JVM stops cleanly on SIGTERM: "stopped" logged, admin socket removed. */
class SigtermTest {
    @TempDir
    Path dataDir;

    @Test
    void upStopsGracefullyOnSigterm() throws Exception {
        Path config = dataDir.resolve("postern.conf");
        Files.writeString(config, """
                [Interface]
                PrivateKey = %s
                ListenAddress = 127.0.0.1
                Admission = open
                """.formatted(OperateTest.key(1).toBase64()));
        Files.setPosixFilePermissions(config, FirstRunConfig.OWNER_ONLY);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process up = new ProcessBuilder(List.of(java, "-D" + Main.GUICE_BYTECODE_GEN + "=DISABLED",
                // as surefire runs this test: the modules on the module path, the rest (aopalliance…) on the class path
                "--module-path", System.getProperty("jdk.module.path"),
                "--class-path", System.getProperty("java.class.path"),
                "-m", "io.postern.gateway/io.postern.gateway.Main", "up", "--config", config.toString(),
                "--data-dir", dataDir.toString(), "--uapi-dir", dataDir.resolve("run").toString()))
                .redirectError(dataDir.resolve("stderr.log").toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
            String line;
            boolean ready = false;
            while (!ready && (line = out.readLine()) != null) { // bounded: the process ends or prints "admin:"
                ready = line.startsWith("admin: ");
            }
            assertThat(ready).as("'postern up' started (stderr: %s)", Files.readString(dataDir.resolve("stderr.log"))).isTrue();
            assertThat(RunningGateway.adminSocketIn(dataDir)).exists();

            up.destroy(); // SIGTERM
            assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            // the JVM's exit status after SIGTERM is 128 + 15 once the shutdown hooks have run
            assertThat(up.exitValue()).isEqualTo(143);
            String log = Files.readString(dataDir.resolve("stderr.log"));
            assertThat(log).contains("node stopped").containsPattern("UpCommand - stopped");
            assertThat(RunningGateway.adminSocketIn(dataDir)).doesNotExist();
        } finally {
            up.destroyForcibly();
        }
    }
}

package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped systemd units ({@code dist/}) pass {@code systemd-analyze verify} (no unknown key, no
 * missing command) with {@code /opt/postern} pointing at the image this build made: the template
 * {@code postern@.service} as the instance {@code postern@wg0}, and the single-gateway unit. CI installs
 * systemd ({@code .ci/run}); elsewhere, without {@code systemd-analyze}, the test is skipped.
 */
class SystemdUnitsIT {
    @TempDir
    Path dir;

    @Test
    void shippedUnitsVerifyAgainstTheBuiltImage() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        boolean present = new ProcessBuilder("sh", "-c", "command -v systemd-analyze").start().waitFor() == 0;
        if (!present && !ci) {
            Assumptions.abort("systemd-analyze not installed (.ci/run installs systemd)");
        }
        Path root = Path.of(System.getProperty("postern.root.dir", "."));
        Path image = ImageProcess.image();
        for (String unit : List.of("postern@.service", "postern.service")) {
            String text = Files.readString(root.resolve("dist").resolve(unit), StandardCharsets.UTF_8);
            assertThat(text).as("%s starts the image's launcher", unit).contains("/opt/postern/bin/postern up");
            Files.writeString(dir.resolve(unit), text.replace("/opt/postern/", image + "/"));
        }
        Process verify = new ProcessBuilder("systemd-analyze", "verify", dir.resolve("postern@wg0.service").toString(),
                dir.resolve("postern.service").toString()).redirectErrorStream(true).start();
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.exitValue()).as(out).isZero();
        assertThat(out).as("systemd-analyze warnings").isEmpty();
    }
}

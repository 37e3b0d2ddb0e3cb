package io.postern.it.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command with a bounded time and returns its exit code and output. */
public final class Command {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    /** A finished command: its exit code and output. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** @return this, or throws with the output when the exit code is not 0 */
        public Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException("command failed (exit " + exitCode + "): " + String.join(" ", command)
                        + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    private Command() {}

    static Result run(List<String> command) {
        return run(command, DEFAULT_TIMEOUT);
    }

    static Result run(List<String> command, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var out = p.getInputStream();
            var err = p.getErrorStream();
            // Small outputs only (ip, nft, wg, ping): read after exit is safe below 64 KiB pipes.
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(command, 124, "", "timed out after " + timeout);
            }
            return new Result(command, p.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8),
                    new String(err.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(command, 127, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(command, 130, "", "interrupted");
        }
    }
}

package io.postern.it.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway image built by gateway-app ({@code gateway-app/target/image}) run as a separate
 * process through its launcher {@code bin/postern}; stdout and stderr go to one log file. Every wait
 * is bounded; {@link #close()} kills the process (and waits for it).
 */
final class ImageProcess implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(20);

    private final Process process;
    private final Path log;

    private ImageProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** @return the image directory; fails with what to do when it has not been built */
    static Path image() {
        Path image = Path.of(System.getProperty("postern.root.dir", ".")).resolve("gateway-app/target/image");
        if (!Files.isExecutable(image.resolve("bin/postern"))) {
            throw new IllegalStateException("no gateway image at " + image + ": build it with ./mvnw -B package"
                    + " (gateway-app builds it in its package phase)");
        }
        return image;
    }

    /** Starts {@code bin/postern ARGS} with extra environment {@code env}, logging to {@code log}. */
    static ImageProcess start(Path log, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(image().resolve("bin/postern").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        try {
            return new ImageProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code bin/postern ARGS} with {@code stdin} as input and returns its stdout, within {@code within}. */
    static String run(String stdin, Duration within, String... args) throws IOException, InterruptedException {
        return run(Map.of(), stdin, within, args);
    }

    /** Runs {@code bin/postern ARGS} with extra environment {@code env}, {@code stdin} as input; returns its stdout. */
    static String run(Map<String, String> env, String stdin, Duration within, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(image().resolve("bin/postern").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("bin/postern " + String.join(" ", args) + " failed or took longer than " + within);
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } finally {
            p.destroyForcibly();
        }
    }

    /** @return the log so far */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the log contains {@code text}.
     *
     * @throws AssertionError with the log when it does not within {@code within}, or the process ends first
     */
    void awaitLog(String text, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive() && !log().contains(text)) {
                throw new AssertionError("gateway exited (" + process.exitValue() + ") before logging '" + text + "':\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gateway did not log '" + text + "' within " + within + ":\n" + log());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** @return the exit code; fails when the process is still running after {@code within} */
    int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("gateway still running after " + within + ":\n" + log());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's start-time measures of issue 17 are in place: picocli is rewritten to a class-file
 * version the AOT cache can hold, and a command's picocli and Postern classes then come from the cache.
 */
class ImageColdStartIT {
    @Test
    void picocliInTheImageHasNoClassesTheAotCacheMustSkip() throws IOException {
        try (FileSystem jrt = FileSystems.newFileSystem(URI.create("jrt:/"),
                Map.of("java.home", ImageProcess.image().toString()))) {
            Path picocli = jrt.getPath("/modules/info.picocli");
            List<Path> classes;
            try (Stream<Path> files = Files.walk(picocli)) {
                classes = files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().equals("module-info.class"))
                        .toList();
            }
            assertThat(classes).hasSizeGreaterThan(100);
            for (Path c : classes) {
                assertThat(majorVersion(c)).as(c.toString()).isGreaterThanOrEqualTo(50);
            }
        }
    }

    @Test
    void aCommandRunsItsPicocliAndCommandClassesFromTheAotCache(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("class-load.log");
        ImageProcess.run(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + log), "", Duration.ofSeconds(60), "genkey");
        List<String> lines = Files.readAllLines(log);
        // the training run is `up`: the classes every command shares come from the cache
        assertThat(lines).anyMatch(l -> l.contains(" picocli.CommandLine source: shared objects file"))
                .anyMatch(l -> l.contains(" io.postern.gateway.PosternCommand source: shared objects file"));
    }

    /**
     * What {@code up} does before {@code listening on:} initialises no class it does not need whose
     * initialisation is known to be costly on a cold JVM: {@code BigDecimal} (the engine's constants once
     * computed a {@code Duration} through it: ~35 ms of interpreted {@code BigInteger} arithmetic).
     */
    @Test
    void upReachesListeningWithoutInitialisingCostlyClassesItDoesNotNeed(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("class-init.log");
        try (ImageProcess gateway = ImageProcess.start(dir.resolve("up.log"), Map.of("POSTERN_DATA_DIR", dir.toString(),
                        "POSTERN_UAPI_DIR", dir.toString(), "POSTERN_WARMUP", "0",
                        "JAVA_OPTS", "-Xlog:class+init=info:file=" + log),
                "up", "--listen-port", "0")) {
            gateway.awaitLog("listening on:", Duration.ofSeconds(60));
            // Logback is set up on a thread of its own while the command line is built: the lines logged
            // before "listening on:" are all there, none was intercepted and replayed by SLF4J
            assertThat(gateway.log()).contains("INFO  io.postern.gateway.PosternNode - node started").doesNotContain("SLF4J");
        }
        List<String> lines = Files.readAllLines(log);
        // the log covers the engine's start (so the absence below means something)
        assertThat(lines).anyMatch(l -> l.contains("'io/postern/engine/ProtocolConstants'"));
        assertThat(lines).noneMatch(l -> l.contains("'java/math/BigDecimal'"));
    }

    private static int majorVersion(Path classFile) throws IOException {
        try (InputStream in = Files.newInputStream(classFile); DataInputStream data = new DataInputStream(in)) {
            data.readInt(); // magic
            data.readUnsignedShort(); // minor
            return data.readUnsignedShort();
        }
    }
}

package io.postern.crypto.primitive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Reads the known-answer vectors committed in this module ({@code src/test/vectors}, see its README) from
 * the directory in system property {@code postern.vectors.dir}, which the root pom sets. A
 * missing directory or file fails the test: vectors are never skipped silently.
 */
public final class VectorFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private VectorFiles() {}

    /** @return the parsed JSON of {@code relativePath} under the vectors directory */
    public static JsonNode read(String relativePath) {
        String dir = System.getProperty("postern.vectors.dir");
        assertThat(dir).as("system property postern.vectors.dir").isNotBlank();
        Path file = Path.of(dir).resolve(relativePath);
        assertThat(file).as("vector file").isRegularFile();
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** @return the bytes of a lowercase hex string ({@code ""} is empty) */
    public static byte[] hex(String text) {
        return HEX.parseHex(text);
    }

    /** @return the bytes of the hex text field {@code name} of {@code node} */
    public static byte[] hex(JsonNode node, String name) {
        JsonNode field = node.get(name);
        assertThat(field).as("field " + name).isNotNull();
        return HEX.parseHex(field.asText());
    }

    /** @return lowercase hex of {@code bytes} */
    public static String toHex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}

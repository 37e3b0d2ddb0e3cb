package io.postern.gateway.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One message of the admin protocol: {@code key=value} lines in order, ended by an empty line
 * (see the package documentation). Keys may repeat ({@code allowed_ip}, {@code peer}).
 */
public final class AdminMessage {
    /** Longest message accepted, in lines: plenty for thousands of peers, bounded against a runaway client. */
    static final int MAX_LINES = 1 << 20;

    private final List<Map.Entry<String, String>> lines = new ArrayList<>();

    /** @return an empty message */
    public static AdminMessage create() {
        return new AdminMessage();
    }

    /** A request naming its operation: {@code op=1}. */
    public static AdminMessage request(String op) {
        return create().add(op, "1");
    }

    /** A failed response: {@code error=…} then {@code errno=1}. */
    public static AdminMessage error(String message) {
        return create().add("error", message).add("errno", "1");
    }

    /**
     * Appends a line.
     *
     * @throws IllegalArgumentException if the key is empty or holds '=', or either holds a line break
     */
    public AdminMessage add(String key, Object value) {
        String v = String.valueOf(value);
        if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("bad admin key '" + key + "'");
        }
        // values come from configuration and events; a line break would end the message early
        lines.add(Map.entry(key, v.replace('\n', ' ').replace('\r', ' ')));
        return this;
    }

    /** @return every line, in order */
    public List<Map.Entry<String, String>> lines() {
        return List.copyOf(lines);
    }

    /** @return the first value of {@code key} */
    public Optional<String> first(String key) {
        return lines.stream().filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue).findFirst();
    }

    /** @return the operation: the key of the first line, or "" for an empty message */
    public String operation() {
        return lines.isEmpty() ? "" : lines.getFirst().getKey();
    }

    /** @return whether this is a successful response ({@code errno=0}) */
    public boolean ok() {
        return first("errno").map("0"::equals).orElse(false);
    }

    /** Writes the message and its terminating empty line (does not flush). */
    public void write(Writer out) throws IOException {
        for (Map.Entry<String, String> e : lines) {
            out.write(e.getKey());
            out.write('=');
            out.write(e.getValue());
            out.write('\n');
        }
        out.write('\n');
    }

    /**
     * Reads one message up to its empty line.
     *
     * @throws IOException on a line without '=', end of stream before the empty line, or too many lines
     */
    public static AdminMessage read(BufferedReader in) throws IOException {
        AdminMessage m = new AdminMessage();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                return m;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IOException("admin protocol: '" + abbreviate(line) + "' is not a key=value line");
            }
            if (m.lines.size() >= MAX_LINES) {
                throw new IOException("admin protocol: message longer than " + MAX_LINES + " lines");
            }
            m.lines.add(Map.entry(line.substring(0, eq), line.substring(eq + 1)));
        }
        throw new IOException("admin protocol: connection closed before the end of the message");
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    @Override
    public String toString() {
        return lines.toString();
    }
}

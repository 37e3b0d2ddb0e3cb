package io.postern.gateway.metrics;

import java.util.Locale;

/**
 * Writes the Prometheus text exposition format, version 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats): a {@code # HELP} and {@code # TYPE} line
 * per metric family, then one {@code name{label="value"} number} line per sample.
 */
final class PrometheusText {
    /** The Content-Type of this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    /** Starts a metric family. @param type counter, gauge or histogram */
    PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample without labels. */
    PrometheusText sample(String name, long value) {
        out.append(name).append(' ').append(value).append('\n');
        return this;
    }

    /** A sample with labels given as name, value, name, value… */
    PrometheusText sample(String name, long value, String... labels) {
        return sample(name, Long.toString(value), labels);
    }

    /** A sample with a floating-point value. */
    PrometheusText sample(String name, double value, String... labels) {
        String v = Double.isInfinite(value) ? (value > 0 ? "+Inf" : "-Inf") : Double.toString(value);
        return sample(name, v, labels);
    }

    private PrometheusText sample(String name, String value, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(value).append('\n');
        return this;
    }

    /** @return a label value as Prometheus wants a label value: lower case snake for enum names */
    static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}

package io.postern.bench.load;

import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Issue 17's echo comparison, 1200-byte payloads, in alternating rounds (A/B/A/B) so the machine's load
 * hits every configuration alike: a raw UDP echo (no crypto) and the gateway ({@code PosternNode},
 * {@code echo} handler) on the portable {@code udp} transport and on {@code udp-linux} (recvmmsg/
 * sendmmsg batches, GSO/GRO). The like-for-like ratio is gateway on udp-linux ÷ raw echo on udp-linux:
 * the same batching, the difference is the gateway's work. Same clients as {@link EchoThroughputLoad}.
 * Also printed: the process's CPU seconds per million echoes (clients included, same for all rows).
 *
 * <p>Arguments: {@code seconds rounds cryptoProvider} (defaults 3 2 fastest).
 */
public final class TransportEchoLoad {
    private TransportEchoLoad() {}

    public static void main(String[] args) throws Exception {
        BenchLogging.quiet();
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String provider = args.length > 2 ? args[2] : "fastest";
        InetAddress loopback = InetAddress.getLoopbackAddress();
        System.out.printf(Locale.ROOT, "transport echo: 1200-byte payloads, %d s × %d alternating rounds, provider %s%n",
                seconds, rounds, provider);
        String[] names = {"raw UDP echo, udp", "raw UDP echo, udp-linux", "gateway, udp", "gateway, udp-linux"};
        Map<String, double[]> pps = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>();
        for (String n : names) {
            pps.put(n, new double[rounds]);
            cpu.put(n, new double[rounds]);
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < names.length; k++) {
                String n = names[(k + r) % names.length]; // rotate the order each round
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                double v = switch (n) {
                    case "raw UDP echo, udp" -> EchoThroughputLoad.rawEcho(bind("udp", loopback), loopback, seconds);
                    case "raw UDP echo, udp-linux" -> EchoThroughputLoad.rawEcho(bind("udp-linux", loopback), loopback, seconds);
                    case "gateway, udp" -> EchoThroughputLoad.gatewayEcho(loopback, provider, seconds, null, "udp-portable");
                    default -> EchoThroughputLoad.gatewayEcho(loopback, provider, seconds, null, "udp-linux");
                };
                double wallS = (System.nanoTime() - t0) / 1e9;
                double cpuS = (os.getProcessCpuTime() - cpu0) / 1e9;
                pps.get(n)[r] = v;
                cpu.get(n)[r] = cpuS / (v * wallS / 1e6); // CPU s per million echoes over the whole configuration
            }
        }
        System.out.println("| configuration | echoes/s (median of rounds) | rounds | process CPU s per million echoes |");
        System.out.println("|---|---:|---|---:|");
        for (String n : names) {
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %s | %.2f |%n", n, median(pps.get(n)), list(pps.get(n)), median(cpu.get(n)));
        }
        double rawLinux = median(pps.get("raw UDP echo, udp-linux"));
        double gwLinux = median(pps.get("gateway, udp-linux"));
        System.out.printf(Locale.ROOT, "gateway udp-linux ÷ raw udp-linux: %.2f (target ≥ 0.8: %s); udp-linux ÷ udp: raw %.2f, gateway %.2f%n",
                gwLinux / rawLinux, gwLinux / rawLinux >= 0.8 ? "met" : "MISSED",
                rawLinux / median(pps.get("raw UDP echo, udp")), gwLinux / median(pps.get("gateway, udp")));
        System.out.println("uptime: " + new String(new ProcessBuilder("uptime").start().getInputStream().readAllBytes()).strip());
    }

    private static Transport bind(String name, InetAddress loopback) throws Exception {
        TransportProvider p = ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(t -> t.name().equals(name)).findFirst().orElseThrow();
        return p.bind(new InetSocketAddress(loopback, 0));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String list(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%,.0f", d));
        }
        return b.toString();
    }
}

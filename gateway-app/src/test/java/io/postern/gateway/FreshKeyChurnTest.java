package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.FilterReply;
import io.postern.engine.PeerConfig;
import io.postern.engine.SessionState;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.key.StaticKeyPair;
import io.postern.net.Endpoint;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.Tai64n;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 11, item 1, with real handshakes: a gateway as {@code postern up} runs it ({@link RunningGateway}:
 * its event log, policy-decision log, refused keys...), default settings but {@code Admission = open}.
 * An attacker confirms a session of its own from F, then sends from F 200,000 real WireGuard
 * initiations, each with a fresh static key, in a bounded loop (at most {@link #WINDOW} unanswered, so
 * the handshake queue stays below its "under load" threshold: every one is decrypted, asked about
 * and answered). Each is an identity change at F's binding, so each asks the policy and makes an
 * event. Checked: the heap after GC grows by less than {@link #HEAP_BOUND} between 100,000 and
 * 200,000 newcomers (unbounded per-newcomer bookkeeping grows by ~40 MB there), the event log
 * writes a number of lines bounded by its rate, not by the newcomers, and a legitimate peer with a
 * fresh key from another port then connects on its first initiation.
 *
 * <p>Cost: about nine X25519 per newcomer (four made here, five by the gateway), about a minute of
 * the machine's two cores.
 */
class FreshKeyChurnTest {
    static {
        // the tests run patched into io.postern.gateway, which does not read logback: grant it here
        for (String name : new String[] {"ch.qos.logback.classic", "ch.qos.logback.core"}) {
            ModuleLayer.boot().findModule(name).ifPresent(FreshKeyChurnTest.class.getModule()::addReads);
        }
    }

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int NEWCOMERS = 200_000;
    /** Initiations sent and not yet answered, at most: far below the handshake queue's 128. */
    private static final int WINDOW = 16;
    /**
     * What 100,000 more newcomers may add to the heap: under 100 bytes each. A map entry per newcomer
     * (key, decision, node) is about 400 bytes; measured here: under 2 MB of noise.
     */
    static final long HEAP_BOUND = 10L << 20;
    /** How long one answer may take before the test gives up (a bound on the loop, not a measurement). */
    private static final long ANSWER_WAIT_S = 30;
    /** Kinds of line the event log writes (established, expired, policy decision, policy fault) and its budget per kind. */
    private static final int LINE_KINDS = 4;
    private static final int LINES_PER_KIND_PER_SECOND = 20;

    @TempDir
    Path dataDir;

    /**
     * Counts the lines a logger writes, keeping none of them. A proxy, not a subclass of a logback
     * class: surefire loads every test class before this class's static initializer lets the module
     * read logback, and a subclass could not be defined then.
     */
    static final class LineCounter {
        final AtomicLong lines = new AtomicLong();
        final Appender<ILoggingEvent> appender;

        @SuppressWarnings("unchecked")
        LineCounter() {
            appender = (Appender<ILoggingEvent>) Proxy.newProxyInstance(Appender.class.getClassLoader(),
                    new Class<?>[] {Appender.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "doAppend" -> {
                            lines.incrementAndGet();
                            yield null;
                        }
                        case "getName", "toString" -> "line-counter";
                        case "isStarted" -> true;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "getFilterChainDecision" -> FilterReply.NEUTRAL;
                        default -> method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                    });
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the lowest of three: a collection may be partial
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    @Test
    void twoHundredThousandFreshKeysFromOneConfirmedEndpointDoNotGrowTheHeapOrTheLog() throws Exception {
        PluginRegistry registry = PluginRegistry.load();
        CryptoProvider crypto = registry.crypto().select(NodeConfig.DEFAULT_CRYPTO_PROVIDER);
        HandshakeProtocolFactory handshakes = registry.handshakes().select(NodeConfig.DEFAULT_HANDSHAKE);
        Logger eventLog = (Logger) LoggerFactory.getLogger(EventLog.class);
        LineCounter lines = new LineCounter();
        eventLog.addAppender(lines.appender);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LineCounter allLines = new LineCounter();
        root.addAppender(allLines.appender);
        List<Thread> makers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (RunningGateway gateway = RunningGateway.start(NodeConfig.builder(crypto.x25519().generateKeyPair().privateKey())
                .listenAddress(LOOPBACK).admission("open").build(), registry, dataDir)) {
            PublicKey gatewayKey = gateway.node().publicKey();
            InetSocketAddress gatewayAt = new InetSocketAddress(LOOPBACK, gateway.node().localEndpoint().port());

            // the attacker's own confirmed session at F
            StaticKeyPair attacker = crypto.x25519().generateKeyPair();
            int f;
            try (PosternNode own = PosternNode.start(NodeConfig.builder(attacker.privateKey()).listenAddress(LOOPBACK)
                    .peer(PeerConfig.of(gatewayKey, Endpoint.of(LOOPBACK, gatewayAt.getPort()))).build(), registry)) {
                f = own.localEndpoint().port();
                echo(own, gatewayKey);
            }
            assertThat(gateway.node().engine().peer(attacker.publicKey())).get()
                    .satisfies(p -> assertThat(p.endpoint()).isEqualTo(Endpoint.of(LOOPBACK, f)));

            // newcomers' initiations, made on two threads ahead of the sender
            BlockingQueue<byte[]> initiations = new ArrayBlockingQueue<>(256);
            AtomicInteger made = new AtomicInteger();
            for (int t = 0; t < 2; t++) {
                Thread maker = Thread.ofPlatform().daemon().name("initiations-" + t).start(() -> {
                    try {
                        for (int n; !stop.get() && (n = made.getAndIncrement()) < NEWCOMERS; ) {
                            initiations.put(initiation(handshakes, crypto, gatewayKey, n));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                makers.add(maker);
            }

            long started = System.nanoTime();
            long heapAt100k = 0;
            try (DatagramSocket fromF = new DatagramSocket(new InetSocketAddress(LOOPBACK, f))) {
                Answers answers = new Answers(fromF);
                Thread reader = Thread.ofPlatform().daemon().name("answers").start(answers);
                for (int i = 1; i <= NEWCOMERS; i++) {
                    answers.awaitRoom(i);
                    byte[] msg = initiations.poll(ANSWER_WAIT_S, TimeUnit.SECONDS);
                    assertThat(msg).as("initiation %d made", i).isNotNull();
                    fromF.send(new DatagramPacket(msg, msg.length, gatewayAt));
                    if (i == NEWCOMERS / 2) {
                        answers.awaitAll();
                        heapAt100k = usedHeapAfterGc();
                    }
                }
                answers.awaitAll();
                long heapAt200k = usedHeapAfterGc();
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;
                fromF.close();
                reader.join(TimeUnit.SECONDS.toMillis(5));

                assertThat(answers.cookies.get()).as("cookie replies (the gateway was never under load)").isZero();
                assertThat(answers.responses.get()).as("responses").isEqualTo(NEWCOMERS);
                assertThat(heapAt200k - heapAt100k).as("heap after GC at 200,000 newcomers minus at 100,000 (bytes)")
                        .isLessThan(HEAP_BOUND);
                System.out.printf("FreshKeyChurnTest: %d newcomers in %d s, heap after GC %d -> %d bytes, event log lines %d, all lines %d%n",
                        NEWCOMERS, seconds, heapAt100k, heapAt200k, lines.lines.get(), allLines.lines.get());
                assertThat(lines.lines.get()).as("event log lines in %d s", seconds)
                        .isLessThanOrEqualTo((long) LINE_KINDS * LINES_PER_KIND_PER_SECOND * (seconds + 1));
            }

            // a legitimate peer, fresh key, another port: in on its first initiation
            try (PosternNode legit = PosternNode.start(NodeConfig.builder(crypto.x25519().generateKeyPair().privateKey())
                    .listenAddress(LOOPBACK).peer(PeerConfig.of(gatewayKey, Endpoint.of(LOOPBACK, gatewayAt.getPort())))
                    .build(), registry)) {
                echo(legit, gatewayKey);
                assertThat(legit.engine().counters().handshakesInitiated()).as("initiations the legitimate peer needed").isEqualTo(1);
                assertThat(gateway.node().engine().peer(legit.publicKey())).get()
                        .satisfies(p -> assertThat(p.state()).isEqualTo(SessionState.ESTABLISHED));
            }
        } finally {
            stop.set(true);
            makers.forEach(Thread::interrupt);
            eventLog.detachAppender(lines.appender);
            root.detachAppender(allLines.appender);
        }
    }

    /** A real initiation from a fresh static key to {@code gatewayKey}. */
    private static byte[] initiation(HandshakeProtocolFactory handshakes, CryptoProvider crypto, PublicKey gatewayKey,
                                     int index) {
        HandshakeProtocol protocol = handshakes.create(crypto, crypto.x25519().generateKeyPair());
        HandshakeResult<HandshakeProtocol.InitiatorHandshake> r = protocol.initiate(gatewayKey, PresharedKey.NONE,
                index, Tai64n.of(Instant.now()), null);
        if (!(r instanceof HandshakeResult.Success<HandshakeProtocol.InitiatorHandshake>(var hs))) {
            throw new AssertionError("cannot initiate: " + r);
        }
        byte[] msg = hs.message().clone();
        hs.destroy();
        return msg;
    }

    /** Sends one payload through {@code node} to the gateway and waits for the echo (the session is then confirmed). */
    private static void echo(PosternNode node, PublicKey gatewayKey) throws InterruptedException {
        byte[] payload = new byte[32];
        assertThat(node.engine().send(gatewayKey, payload, 0, payload.length)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_WAIT_S);
        while (node.engine().counters().packetsReceived() == 0) {
            assertThat(System.nanoTime()).as("echo within %d s", ANSWER_WAIT_S).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Reads what the gateway sends to F: responses (type 2) and cookie replies (type 3), one permit each. */
    private static final class Answers implements Runnable {
        private final DatagramSocket socket;
        private final Semaphore room = new Semaphore(WINDOW);
        final AtomicLong responses = new AtomicLong();
        final AtomicLong cookies = new AtomicLong();

        Answers(DatagramSocket socket) {
            this.socket = socket;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[2048];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.setSoTimeout(1000);
                while (!socket.isClosed()) {
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    switch (buffer[0]) {
                        case 2 -> responses.incrementAndGet();
                        case 3 -> cookies.incrementAndGet();
                        default -> { continue; } // transport data for the attacker's old session: not an answer
                    }
                    room.release();
                }
            } catch (SocketException e) {
                // closed
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Waits until initiation {@code i} may be sent: fewer than {@link #WINDOW} unanswered. */
        void awaitRoom(int i) throws InterruptedException {
            assertThat(room.tryAcquire(ANSWER_WAIT_S, TimeUnit.SECONDS))
                    .as("an answer to one of the %d initiations before %d within %d s", WINDOW, i, ANSWER_WAIT_S).isTrue();
        }

        /** Waits until every initiation sent is answered. */
        void awaitAll() throws InterruptedException {
            assertThat(room.tryAcquire(WINDOW, ANSWER_WAIT_S, TimeUnit.SECONDS)).as("every initiation answered").isTrue();
            room.release(WINDOW);
        }
    }
}

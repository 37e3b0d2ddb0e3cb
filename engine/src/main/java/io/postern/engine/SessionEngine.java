package io.postern.engine;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEventListener;
import io.postern.key.StaticKeyPair;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.HandlerContext;
import io.postern.spi.Transport;
import io.postern.wire.CookieReply;
import io.postern.wire.HandshakeInitiation;
import io.postern.wire.HandshakeResponse;
import io.postern.wire.LittleEndian;
import io.postern.wire.Parsed;
import io.postern.wire.DataMessage;
import io.postern.wire.WireCodec;
import io.postern.wire.WireMessage;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session engine for one local identity: answers and initiates WireGuard v1 handshakes,
 * holds each peer's keypairs, decrypts and encrypts transport data, runs the timers, and applies
 * the session policy when an identity changes at an endpoint. Transport-agnostic: datagrams come
 * in through {@link #onDatagram} and go out through the {@link Transport} given to {@link #start}.
 *
 * <p>Received datagrams are demultiplexed by message type and receiver index only. Anything that
 * does not authenticate is dropped, counted per {@link DropReason} and changes no session.
 * A new identity at an endpoint bound to another identity's live session is answered at once; the
 * {@link io.postern.spi.SessionPolicy} decides whether the incumbent is evicted when the newcomer's
 * session is confirmed by its first transport packet.
 *
 * <p>Thread-safe: transports may call {@link #onDatagram} from several threads, concurrently with
 * the timer thread and with {@link #send}.
 */
public final class SessionEngine implements DatagramReceiver, HandlerContext, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionEngine.class);

    private final EngineState state;
    private final HandshakeInitiator initiator;
    private final HandshakeResponder responder;
    private final CookieReplies cookieReplies;
    private final DataSender sender;
    private final DataReceiver receiver;
    private final SessionTeardown teardown;
    private final TimerTick timers;
    private final HandshakeQueue handshakes;
    private final AllowedIps allowedIps = new AllowedIps();
    private volatile List<InetAddress> interfaceAddresses = List.of();
    private volatile List<IpPrefix> interfacePrefixes = List.of();
    private volatile String interfaceName = "";
    private volatile int mtu;
    private volatile ScheduledExecutorService timerThread;
    /** At most one WARN per second about a datagram that made the engine throw. */
    private final LogLimiter datagramFailures;
    /** At most one ERROR per second about a failed timer tick. */
    private final LogLimiter tickFailures;
    private volatile boolean closed;
    private volatile boolean started;

    /**
     * An engine with the default {@link EngineSettings}, timing the protocol with {@link System#nanoTime()}.
     *
     * @param identity this node's static key pair
     * @param services the SPI implementations to work through
     * @param clock    the wall clock (TAI64N timestamps, event times, display)
     */
    public SessionEngine(StaticKeyPair identity, EngineServices services, Clock clock) {
        this(identity, services, clock, EngineSettings.defaults());
    }

    /**
     * An engine that times the protocol with {@link System#nanoTime()}.
     *
     * @param identity this node's static key pair
     * @param services the SPI implementations to work through
     * @param clock    the wall clock (TAI64N timestamps, event times, display)
     * @param settings implementation limits, and whether a timer thread runs
     */
    public SessionEngine(StaticKeyPair identity, EngineServices services, Clock clock, EngineSettings settings) {
        this(identity, services, clock, System::nanoTime, settings);
    }

    /**
     * @param identity this node's static key pair
     * @param services the SPI implementations to work through
     * @param clock    the wall clock: TAI64N timestamps, event times and display only
     * @param ticker   monotonic nanoseconds ({@link System#nanoTime()}; a fake in tests): every
     *                 protocol time — timers, expiry, rate limits, the initiation flood gate — so a
     *                 step of the wall clock changes none of them (wireguard-go uses the monotonic clock too)
     * @param settings implementation limits, and whether a timer thread runs
     */
    public SessionEngine(StaticKeyPair identity, EngineServices services, Clock clock, LongSupplier ticker,
                         EngineSettings settings) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(settings, "settings");
        this.state = new EngineState(identity, services, clock, ticker, settings);
        this.datagramFailures = new LogLimiter(Duration.ofSeconds(1), state::now);
        this.tickFailures = new LogLimiter(Duration.ofSeconds(1), state::now);
        this.initiator = new HandshakeInitiator(state);
        this.teardown = new SessionTeardown(state);
        this.responder = new HandshakeResponder(state, teardown);
        this.cookieReplies = new CookieReplies(state);
        this.sender = new DataSender(state, initiator);
        this.receiver = new DataReceiver(state, initiator, sender, teardown, this);
        this.timers = new TimerTick(state, initiator, sender, teardown);
        this.handshakes = new HandshakeQueue(settings, state::now, this::processHandshake);
    }

    /**
     * Starts the packet handler ({@code handler.start(this)}), the timer thread (unless
     * {@link EngineSettings#tickInterval()} is zero) and the transport's receive loop
     * ({@code transport.start(this)}).
     */
    public synchronized void start(Transport transport) {
        Objects.requireNonNull(transport, "transport");
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        state.attach(transport);
        state.services.handler().start(this);
        handshakes.start();
        long tick = state.settings.tickInterval().toMillis();
        if (tick > 0 && timerThread == null) {
            timerThread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "postern-timers");
                t.setDaemon(true);
                return t;
            });
            timerThread.scheduleAtFixedRate(this::tickSafely, tick, tick, TimeUnit.MILLISECONDS);
        }
        transport.start(this);
        started = true;
        LOG.info("engine {} started on {}", publicKey().shortForm(), transport.localEndpoint());
    }

    /**
     * For a liveness probe: whether the engine was started, is not closed, and its own threads
     * (handshake workers, the timer thread) still run. The transport's receive threads are the
     * transport's ({@link Transport#receiving()}).
     */
    public boolean alive() {
        ScheduledExecutorService ticking = timerThread;
        return started && !closed && handshakes.workersAlive() && (ticking == null || !ticking.isShutdown());
    }

    /** @return this node's static public key */
    public PublicKey publicKey() {
        return state.identity.publicKey();
    }

    /** Adds a configured peer, or updates it in place keeping its session. */
    public void addOrUpdatePeer(PeerConfig peer) {
        Objects.requireNonNull(peer, "peer");
        if (peer.publicKey().equals(publicKey())) {
            throw new IllegalArgumentException("a peer cannot have this node's own public key " + peer.publicKey());
        }
        // Lock order: a peer's monitor, then the map (as forget() under the monitor does); never
        // the map's bin lock (compute) and then a monitor: that order deadlocked against removals.
        PublicKey key = peer.publicKey();
        while (true) {
            Peer existing = state.peers.get(key);
            if (existing == null) {
                if (state.peers.putIfAbsent(key, state.newPeer(key, peer)) == null) {
                    break;
                }
                continue;
            }
            synchronized (existing) {
                if (existing.removed() || state.peers.get(key) != existing) {
                    continue; // forgotten meanwhile: add it afresh
                }
                if (!existing.configured()) {
                    state.dynamicPeers.decrementAndGet();
                    state.quotas.release(existing.takeOrigin());
                }
                existing.configure(peer);
            }
            break;
        }
        synchronized (allowedIps) {
            for (AllowedIps.Moved m : allowedIps.assign(peer.publicKey(), peer.allowedIps())) {
                LOG.warn("allowed ip {} moved from peer {} to peer {}: a prefix has one owner, the peer configured last",
                        m.prefix(), m.from().shortForm(), m.to().shortForm());
            }
        }
    }

    /** Removes a peer and ends its session (keys zeroed). @return whether it existed */
    public boolean removePeer(PublicKey peer) {
        Peer p = state.peers.get(peer);
        if (p == null) {
            return false;
        }
        teardown.remove(p);
        allowedIps.remove(peer);
        return true;
    }

    /**
     * Sets this node's own tunnel addresses ({@code [Interface] Address}), which packet handlers see
     * through {@link #interfaceAddresses()}.
     */
    public void setInterfaceAddresses(List<InetAddress> addresses) {
        interfaceAddresses = List.copyOf(addresses);
    }

    /**
     * Sets what a packet handler that owns a network interface needs ({@code Name}, {@code MTU},
     * {@code Address}); also sets {@link #interfaceAddresses()} to the prefixes' addresses. Call it
     * before {@link #start}.
     *
     * @param name     the interface name, or {@code ""} for none
     * @param mtu      the MTU, or 0 for the handler's default; padding never takes a payload beyond it
     *                 (1,420, wg-quick's, when 0; wireguard-go {@code calculatePaddingSize})
     * @param prefixes the {@code Address} prefixes as written
     * @throws IllegalArgumentException for an MTU above 65,475 (a datagram would pass the 65,507
     *                                  bytes UDP carries over IPv4) or below 68 (IPv4's minimum)
     */
    public void setInterface(String name, int mtu, List<IpPrefix> prefixes) {
        if (mtu != 0 && (mtu < ProtocolConstants.MIN_MTU || mtu > ProtocolConstants.MAX_PAYLOAD)) {
            throw new IllegalArgumentException("MTU " + mtu + " is outside " + ProtocolConstants.MIN_MTU + "-"
                    + ProtocolConstants.MAX_PAYLOAD + " (the upper bound keeps every datagram within 65,507 bytes)");
        }
        this.interfaceName = Objects.requireNonNull(name, "name");
        this.mtu = mtu;
        sender.mtu = mtu == 0 ? ProtocolConstants.DEFAULT_MTU : mtu;
        this.interfacePrefixes = List.copyOf(prefixes);
        setInterfaceAddresses(interfacePrefixes.stream().map(IpPrefix::address).toList());
    }

    @Override
    public List<InetAddress> interfaceAddresses() {
        return interfaceAddresses;
    }

    @Override
    public List<IpPrefix> interfacePrefixes() {
        return interfacePrefixes;
    }

    @Override
    public String interfaceName() {
        return interfaceName;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public PublicKey peerForAddress(byte[] address, int offset, int addressLength) {
        return allowedIps.lookup(address, offset, addressLength);
    }

    @Override
    public boolean isAllowedSource(PublicKey peer, byte[] address, int offset, int addressLength) {
        return allowedIps.isAllowedSource(peer, address, offset, addressLength);
    }

    /**
     * Sends a handshake initiation to a peer that has an endpoint (initiator role), starting a new
     * round of attempts (retried every REKEY_TIMEOUT + jitter, 18 times at most). Does nothing for
     * an unknown peer, one without an endpoint, or when a handshake message (initiation or response)
     * went to it less than REKEY_TIMEOUT ago — wireguard-go's gate, which every initiation passes.
     */
    public void initiateHandshake(PublicKey peer) {
        Peer p = state.peers.get(peer);
        if (p == null || !initiator.initiate(p)) {
            LOG.debug("no handshake initiated with {}: unknown peer, no endpoint, or one sent less than "
                    + "REKEY_TIMEOUT ago", peer);
        }
    }

    /**
     * Encrypts and sends a payload over the peer's current session. Without a usable session the
     * payload is staged (at most {@link EngineSettings#maxStagedPackets()}, oldest dropped) and a
     * handshake is started; it is sent when the handshake completes.
     *
     * @return {@code true} when sent or staged; {@code false} for an unknown peer, a payload too
     *         large, or a transport that refused the datagram
     */
    @Override
    public boolean send(PublicKey peer, byte[] buffer, int offset, int length) {
        Peer p = state.peers.get(peer);
        if (p == null || closed) {
            return false;
        }
        Objects.checkFromIndexSize(offset, length, buffer.length);
        return sender.send(p, buffer, offset, length);
    }

    @Override
    public void onDatagram(Endpoint source, byte[] buffer, int offset, int length) {
        if (closed) {
            return;
        }
        try {
            dispatch(source, buffer, offset, length);
        } catch (RuntimeException e) {
            long suppressed = datagramFailures.admit(); // a sender could trigger a bug on every datagram
            if (suppressed >= 0) {
                LOG.warn("failed to handle a datagram from {} suppressed={}", source, suppressed, e);
            }
        }
    }

    private void dispatch(Endpoint source, byte[] buffer, int offset, int length) {
        if (WireCodec.isWellFormedData(buffer, offset, length)) {
            // The data path: the header fields straight from the datagram, no parse objects.
            receiver.onData(source, buffer, offset, length,
                    LittleEndian.getInt(buffer, offset + DataMessage.RECEIVER_OFFSET),
                    LittleEndian.getLong(buffer, offset + DataMessage.COUNTER_OFFSET));
            return;
        }
        Parsed<? extends WireMessage> parsed = WireCodec.parse(buffer, offset, length);
        switch (parsed) {
            case Parsed.Rejected<? extends WireMessage> r -> state.drop(DropReason.of(r.reason()), source);
            case Parsed.Ok<? extends WireMessage> ok -> {
                switch (ok.message()) {
                    case DataMessage t -> receiver.onData(source, t.buffer(), t.offset(), t.length(),
                            t.receiver(), t.counter());
                    case HandshakeInitiation i -> queueHandshake(source, i, i.bytes());
                    case HandshakeResponse r -> queueHandshake(source, r, r.bytes());
                    case CookieReply c -> cookieReplies.onCookieReply(source, c);
                }
            }
        }
    }

    /**
     * On the receive thread: checks mac1 (one keyed BLAKE2s, before any Diffie-Hellman) and hands a
     * handshake message to the handshake queue, so its DH work never delays transport data.
     */
    private void queueHandshake(Endpoint source, WireMessage message, byte[] msg) {
        if (!state.protocol.verifyMac1(msg, 0, msg.length)) {
            state.drop(DropReason.MAC1_INVALID, source);
        } else if (!handshakes.submit(source, message)) {
            state.drop(DropReason.CAPACITY, source);
        }
    }

    /** On a handshake worker: the under-load gate, then the responder or initiator. */
    private void processHandshake(Endpoint source, WireMessage message) {
        if (closed) {
            return;
        }
        switch (message) {
            case HandshakeInitiation i -> {
                if (passesLoadGate(source, i.bytes(), i.sender())) {
                    responder.onInitiation(source, i);
                }
            }
            case HandshakeResponse r -> {
                if (passesLoadGate(source, r.bytes(), r.sender())) {
                    Peer completed = initiator.onResponse(source, r);
                    if (completed != null) {
                        sender.sendStagedOrKeepalive(completed); // key confirmation, no extra round trip
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a handshake message: " + message.type());
        }
    }

    /**
     * Under load (docs/protocol.md; wireguard-go {@code RoutineHandshake}): a handshake message without a
     * valid mac2 for its source gets a cookie reply instead of any DH work, and one with a valid mac2
     * is subject to the per-source-IP rate limit. Not under load, everything passes.
     */
    private boolean passesLoadGate(Endpoint source, byte[] msg, int senderIndex) {
        if (!handshakes.underLoad()) {
            return true;
        }
        if (!state.protocol.verifyMac2(msg, 0, msg.length, source)) {
            byte[] reply = state.protocol.createCookieReply(msg, 0, msg.length, senderIndex, source);
            if (reply != null) { // null: the protocol found nothing to answer (the SPI allows it)
                state.transmit(source, reply, 0, reply.length);
                state.count(EngineCounter.COOKIE_REPLIES_SENT);
            }
            state.drop(DropReason.MAC2_REQUIRED, source);
            return false;
        }
        if (!state.rateLimiter.allow(source.ip(), state.now())) {
            state.drop(DropReason.RATE_LIMITED, source);
            return false;
        }
        return true;
    }

    /**
     * @return whether the engine is under load now: handshake messages without a valid mac2 are
     *         answered with cookie replies, and handshakes per source IP are rate-limited
     */
    public boolean underLoad() {
        return handshakes.underLoad();
    }

    /** Stages a payload for {@code peer} as a send that found no session does (tests: the race with a handshake completing). */
    boolean stageAsIfNoSession(PublicKey peer, byte[] buffer, int offset, int length) {
        return sender.stage(state.peers.get(peer), buffer, offset, length, true);
    }

    /** @return the handshake queue (tests hold the engine under load through it) */
    HandshakeQueue handshakeQueue() {
        return handshakes;
    }

    /** @return how many evicted sessions are kept for receiving (tests) */
    int keptEvictedSessions() {
        return state.evicted.size();
    }

    /** @return how many dynamic-peer slots are held, set-aside evicted peers included (tests) */
    int dynamicPeerCount() {
        return state.dynamicPeers.get();
    }

    /** @return the half-open handshake table (tests) */
    int halfOpenHandshakes() {
        return state.halfOpen.size();
    }

    /**
     * Runs every timer that is due at the clock's current time. The timer thread calls it every
     * {@link EngineSettings#tickInterval()}; with a zero interval, tests call it after moving a fake
     * clock.
     */
    public void tick() {
        if (!closed) {
            timers.tick();
            state.rateLimiter.sweepIfDue(state.now());
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (Error e) {
            // a scheduled task's throwable never reaches the thread's handler: hand it over, so the
            // process can end (the gateway ends on any Error) instead of running on without timers
            Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, e);
            throw e;
        } catch (RuntimeException e) {
            long suppressed = tickFailures.admit();
            if (suppressed >= 0) {
                LOG.error("timer tick failed suppressed={}", suppressed, e);
            }
        }
    }

    /** @return a snapshot of every peer */
    public List<PeerStatus> peers() {
        long now = state.now();
        List<PeerStatus> out = new ArrayList<>(state.peers.size());
        for (Peer p : state.peers.values()) {
            out.add(p.status(now));
        }
        return out;
    }

    /** @return a snapshot of one peer */
    public Optional<PeerStatus> peer(PublicKey peer) {
        Peer p = state.peers.get(peer);
        return p == null ? Optional.empty() : Optional.of(p.status(state.now()));
    }

    /** @return how many peers (configured and admitted) the engine holds */
    public int peerCount() {
        return state.peers.size();
    }

    /** @return the identity whose live session is bound to {@code endpoint}, if any */
    public Optional<PublicKey> peerAt(Endpoint endpoint) {
        Peer p = state.bindings.peerAt(endpoint);
        return p != null && !p.removed() && p.hasLiveSession(state.now()) ? Optional.of(p.key()) : Optional.empty();
    }

    /** @return the counters */
    public EngineCounters counters() {
        return state.counters();
    }

    /**
     * @return how long our handshakes took as initiator, from the (latest) initiation sent to its
     *         response accepted
     */
    public LatencyHistogram handshakeLatency() {
        return state.handshakeLatency.snapshot();
    }

    /**
     * @return responder-side handshake latency: from sending a response to the key confirmation
     *         (the initiator's first authenticated transport packet), one round trip plus processing
     */
    public LatencyHistogram confirmationLatency() {
        return state.confirmationLatency.snapshot();
    }

    /** Registers a listener for gateway events. */
    public void addListener(GatewayEventListener listener) {
        state.events.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops the packet handler and the timers, zeroes every key; does not close the transport. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            state.services.handler().stop();
        } catch (RuntimeException e) {
            LOG.warn("packet handler {} failed to stop", state.services.handler().name(), e);
        }
        handshakes.close();
        if (timerThread != null) {
            timerThread.shutdownNow();
        }
        for (Peer p : state.peers.values()) {
            synchronized (p) {
                p.clear();
            }
        }
        for (EvictedSessions.Kept k : state.evicted.takeAll()) {
            synchronized (k.peer()) {
                k.peer().discardKept(k.current(), k.previous());
            }
        }
        state.indices.clear();
        state.bindings.clear();
        state.policy.close();
        state.protocol.destroy(); // the static private key's copy and the static-static cache
    }
}

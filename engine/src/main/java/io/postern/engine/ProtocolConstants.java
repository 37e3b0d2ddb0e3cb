package io.postern.engine;

import java.time.Duration;

/**
 * The protocol's constants, in two blocks as wireguard-go {@code device/constants.go} keeps them:
 * the specification (WireGuard paper §6, "Timers &amp; Stateless UX"; docs/protocol.md "Timers")
 * and Postern's implementation limits. The deviations below are listed in docs/protocol.md too.
 *
 * <p>Data sent without an authenticated answer starts a new handshake after KEEPALIVE_TIMEOUT +
 * REKEY_TIMEOUT (15 s, plus jitter), as in wireguard-go, so a one-way flow is answered by the
 * peer's passive keepalive (10 s) in time. Only when nothing authenticated at all came in since the
 * current keypair was derived does Postern wait just REKEY_TIMEOUT
 * ({@link #NEW_HANDSHAKE_AFTER_SILENT_KEYPAIR}), a deliberate deviation.
 */
final class ProtocolConstants {
    private ProtocolConstants() {}

    // ---- specification (WireGuard paper §6.1–6.4; wireguard-go device/constants.go) ----------

    /** Initiator rekeys after sending this many messages under one keypair (2^60). */
    static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /**
     * No message is sent or accepted with a counter at or above this (2^64 − 2^13 − 1). It does not
     * fit a signed long: compare with {@link Long#compareUnsigned}.
     */
    static final long REJECT_AFTER_MESSAGES = -(1L << 13) - 1; // 2^64 - 2^13 - 1 as unsigned
    /** Initiator rekeys when its current keypair is this old. */
    static final Duration REKEY_AFTER_TIME = Duration.ofSeconds(120);
    /** A keypair this old is never used again, in either direction. */
    static final Duration REJECT_AFTER_TIME = Duration.ofSeconds(180);
    /** An initiator stops retrying a handshake after this long. */
    static final Duration REKEY_ATTEMPT_TIME = Duration.ofSeconds(90);
    /** Retransmission interval of an unanswered initiation (plus {@link #REKEY_TIMEOUT_JITTER_MAX}). */
    static final Duration REKEY_TIMEOUT = Duration.ofSeconds(5);
    /** Upper bound of the random jitter added to each retransmission (wireguard-go: 333 ms). */
    static final Duration REKEY_TIMEOUT_JITTER_MAX = Duration.ofMillis(333);
    /** Passive keepalive: sent when data was received and nothing sent for this long. */
    static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);
    /** A cookie from a cookie reply is used for this long. */
    static final Duration COOKIE_REFRESH_TIME = Duration.ofSeconds(120);
    /**
     * Keys are zeroed after this long without a new handshake (REJECT_AFTER_TIME × 3). In seconds, not
     * {@code Duration.multipliedBy}: that computes through {@code BigDecimal}, whose class initialisation
     * cost a fresh gateway's start ~35 ms of interpreted {@code BigInteger} arithmetic (issue 17).
     */
    static final Duration ZERO_KEYS_AFTER = Duration.ofSeconds(REJECT_AFTER_TIME.toSeconds() * 3);
    /**
     * Minimum interval between initiations accepted from one peer (wireguard-go
     * {@code HandshakeInitationRate}: 50 per second).
     */
    static final Duration INITIATION_MIN_INTERVAL = Duration.ofMillis(1000 / 50);
    /**
     * A receiving initiator rekeys when its keypair is this old (wireguard-go keepKeyFreshReceiving:
     * REJECT_AFTER_TIME − KEEPALIVE_TIMEOUT − REKEY_TIMEOUT), so the session never lapses while the
     * peer only listens.
     */
    static final Duration REKEY_ON_RECEIVE_AFTER_TIME = REJECT_AFTER_TIME.minus(KEEPALIVE_TIMEOUT).minus(REKEY_TIMEOUT);

    // ---- implementation (Postern) -----------------------------------------------------------

    /** Start a new handshake when data sent got no authenticated answer for this long (wireguard-go newHandshake). */
    static final Duration NEW_HANDSHAKE_AFTER_UNANSWERED_DATA = KEEPALIVE_TIMEOUT.plus(REKEY_TIMEOUT);
    /**
     * Postern's deviation (see the class comment): the same when nothing authenticated came in since
     * the current keypair was derived.
     */
    static final Duration NEW_HANDSHAKE_AFTER_SILENT_KEYPAIR = REKEY_TIMEOUT;
    /**
     * Retransmissions of one initiation before giving up (wireguard-go {@code MaxTimerHandshakes}:
     * REKEY_ATTEMPT_TIME / REKEY_TIMEOUT = 18), so 19 initiations in all.
     */
    static final int MAX_TIMER_HANDSHAKES = (int) (REKEY_ATTEMPT_TIME.toMillis() / REKEY_TIMEOUT.toMillis());
    /**
     * Largest transport payload the engine encrypts: every datagram, padding included, stays within
     * the largest UDP payload over IPv4 (65,535 − 20 − 8 = 65,507 B) after the 32 bytes of header and tag.
     */
    static final int MAX_PAYLOAD = 65_507 - 32;
    /** Default tunnel MTU, as wg-quick's: padding never takes a payload beyond it (wireguard-go send.go). */
    static final int DEFAULT_MTU = 1420;
    /** Smallest tunnel MTU accepted (IPv4's minimum, RFC 791). */
    static final int MIN_MTU = 68;
    /** Scratch buffer size for one decrypted or encrypted datagram. */
    static final int SCRATCH_SIZE = 65_536;
    /** Interval of the timer thread's scan when none is configured. */
    static final Duration DEFAULT_TICK = Duration.ofMillis(100);
    /** Default bound of the packets queued per peer while its handshake runs (oldest dropped first). */
    static final int DEFAULT_MAX_STAGED_PACKETS = 128;
    /** Payload bytes staged engine-wide for peers without a session (see {@link StagedBytes}). */
    static final long MAX_STAGED_BYTES = 32L << 20;
    /** Default bound of peers created by open admission. */
    static final int DEFAULT_MAX_DYNAMIC_PEERS = 65_536;
    /** At most one debug line per drop reason per this interval (traffic-caused logs are rate-limited). */
    static final Duration DROP_LOG_INTERVAL = Duration.ofSeconds(1);

    // ---- defence under load (wireguard-go device/constants.go, device/device.go, ratelimiter/) --

    /** Default capacity of the handshake queue (wireguard-go {@code QueueHandshakeSize}: 1024). */
    static final int DEFAULT_HANDSHAKE_QUEUE_CAPACITY = 1024;
    /**
     * Default queue depth at which the engine is "under load" and demands mac2 (wireguard-go
     * {@code IsUnderLoad}: {@code QueueHandshakeSize / 8} = 128).
     */
    static final int DEFAULT_UNDER_LOAD_THRESHOLD = DEFAULT_HANDSHAKE_QUEUE_CAPACITY / 8;
    /** Once under load, the engine stays so for this long (wireguard-go {@code UnderLoadAfterTime}: 1 s). */
    static final Duration UNDER_LOAD_AFTER_TIME = Duration.ofSeconds(1);
    /** Default number of handshake worker threads (DH runs there, off the receive thread). */
    static final int DEFAULT_HANDSHAKE_WORKERS = 1;
    /** Handshakes per second per source IP admitted while under load (wireguard-go ratelimiter: 20/s). */
    static final int HANDSHAKES_PER_SECOND_PER_SOURCE = 20;
    /** Burst of handshakes per source IP while under load (wireguard-go ratelimiter: 5). */
    static final int HANDSHAKE_BURST_PER_SOURCE = 5;
    /** A rate-limiter entry idle this long is forgotten (wireguard-go garbage-collects after 1 s). */
    static final Duration RATE_LIMITER_ENTRY_TTL = Duration.ofSeconds(1);
    /**
     * Default bound of source IPs the rate limiter tracks at once. Only sources that proved they can
     * receive (valid mac2) reach it, so spoofed addresses cannot fill it; 65,536 entries are ~6 MB.
     */
    static final int DEFAULT_MAX_RATE_LIMITER_ENTRIES = 65_536;
    /**
     * Dynamic peers one source may hold: a quarter of the table, so one source cannot hold it all,
     * while a large NAT (or a load test from one host) still fits thousands of peers.
     */
    static final int DEFAULT_MAX_DYNAMIC_PEERS_PER_SOURCE = 16_384;
    /**
     * A confirmed dynamic peer with nothing authenticated for this long may be evicted when the
     * dynamic-peer table is full: longer than twice the customary PersistentKeepalive (25 s), so a
     * kept-alive peer is never idle.
     */
    static final Duration DYNAMIC_PEER_IDLE = Duration.ofSeconds(60);
    /**
     * Default bound of responder handshakes awaiting key confirmation (a "next" keypair). Each costs a
     * peer and a keypair (~1 KB); beyond it the least recently answered unconfirmed one is dropped,
     * never a confirmed session. 4,096 is well above what 20 handshakes/s per source and key
     * confirmation within one round trip need, and caps the memory an open-admission flood can pin.
     */
    static final int DEFAULT_MAX_HALF_OPEN_HANDSHAKES = 4_096;
}

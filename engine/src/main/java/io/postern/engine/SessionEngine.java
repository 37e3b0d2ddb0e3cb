package io.postern.engine;

import io.postern.event.GatewayEventListener;
import io.postern.key.KeyPair;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.HandlerContext;
import io.postern.spi.Transport;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The session engine for one local identity: answers and initiates WireGuard v1 handshakes,
 * holds each peer's keypairs, decrypts and encrypts transport data, runs the timers, and applies
 * the session policy when an identity changes at an endpoint. Transport-agnostic: datagrams come
 * in through {@link #onDatagram} and go out through the {@link Transport} given to {@link #start}.
 *
 * <p>STUB: the public contract other modules compile against; the implementation lands with the
 * sessions issue.
 */
public final class SessionEngine implements DatagramReceiver, HandlerContext, AutoCloseable {

    /**
     * @param identity this node's static key pair
     * @param services the SPI implementations to work through
     * @param clock    the engine's clock (timers, timestamps, events)
     */
    public SessionEngine(KeyPair identity, EngineServices services, Clock clock) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Starts timers and the transport's receive loop (calls {@code transport.start(this)}). */
    public void start(Transport transport) {
        throw new UnsupportedOperationException();
    }

    /** @return this node's static public key */
    public PublicKey publicKey() {
        throw new UnsupportedOperationException();
    }

    /** Adds a configured peer, or updates it in place keeping its session. */
    public void addOrUpdatePeer(PeerConfig peer) {
        throw new UnsupportedOperationException();
    }

    /** Removes a peer and ends its session (keys zeroed). @return whether it existed */
    public boolean removePeer(PublicKey peer) {
        throw new UnsupportedOperationException();
    }

    /** Sends a handshake initiation to a peer that has an endpoint (initiator role). */
    public void initiateHandshake(PublicKey peer) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean send(PublicKey peer, byte[] buffer, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void onDatagram(Endpoint source, byte[] buffer, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    /** @return a snapshot of every peer */
    public List<PeerStatus> peers() {
        throw new UnsupportedOperationException();
    }

    /** @return a snapshot of one peer */
    public Optional<PeerStatus> peer(PublicKey peer) {
        throw new UnsupportedOperationException();
    }

    /** @return the identity whose live session is bound to {@code endpoint}, if any */
    public Optional<PublicKey> peerAt(Endpoint endpoint) {
        throw new UnsupportedOperationException();
    }

    /** @return the counters */
    public EngineCounters counters() {
        throw new UnsupportedOperationException();
    }

    /** Registers a listener for gateway events. */
    public void addListener(GatewayEventListener listener) {
        throw new UnsupportedOperationException();
    }

    /** Stops timers, zeroes every key; does not close the transport. */
    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}

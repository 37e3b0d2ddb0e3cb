package io.postern.gateway;

import io.postern.engine.PeerConfig;
import io.postern.gateway.uapi.HexKey;
import io.postern.gateway.uapi.UapiDevice;
import io.postern.gateway.uapi.UapiException;
import io.postern.gateway.uapi.UapiSet;
import io.postern.key.PrivateKey;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device {@code postern userspace} serves: a TUN interface configured entirely through WireGuard's
 * userspace API, as wireguard-go's. It starts with no private key and no listen port; a {@code set}
 * that changes either restarts the node under it with the new key or port and the peers configured
 * so far (every session ends, as wireguard-go drops its keypairs on a key change), while the TUN
 * interface stays open across restarts ({@code handler-tun}'s retain property) — in whatever network
 * namespace it was moved to. Peer changes go to the node's {@link GatewayAdmin} in place.
 *
 * <p>Until a private key is set the node runs with a throwaway key nobody knows, which {@code get}
 * does not report: no peer can complete a handshake with it, and it binds a random port, as
 * wireguard-go does when brought up without {@code listen_port}.
 */
final class UserspaceDevice implements UapiDevice, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UserspaceDevice.class);

    private final String interfaceName;
    private final PluginRegistry registry;
    /** Guarded by this: the key set through the API, or null. */
    private PrivateKey key;
    /** Guarded by this: the port asked for (0: any). */
    private int port;
    private PosternNode node;
    private GatewayAdmin admin;

    private UserspaceDevice(String interfaceName, PluginRegistry registry) {
        this.interfaceName = interfaceName;
        this.registry = registry;
    }

    /**
     * Opens the TUN interface {@code name} (through a node with the {@code tun} handler and no key).
     *
     * @throws IOException when the node cannot start
     */
    static UserspaceDevice start(String name, PluginRegistry registry) throws IOException {
        System.setProperty("postern.tun.retain", "true"); // TunPacketHandler.RETAIN_PROPERTY: the interface outlives node restarts
        UserspaceDevice device = new UserspaceDevice(name, registry);
        synchronized (device) {
            device.restart(List.of());
        }
        return device;
    }

    private void restart(List<PeerConfig> peers) throws IOException {
        if (node != null) {
            node.close();
            node = null;
        }
        PrivateKey nodeKey = key != null ? key
                : registry.crypto().select(NodeConfig.DEFAULT_CRYPTO_PROVIDER).x25519().generateKeyPair().privateKey();
        NodeConfig.Builder b = NodeConfig.builder(nodeKey).listenPort(port).handler("tun").interfaceName(interfaceName);
        peers.forEach(b::peer);
        EventLog events = new EventLog();
        PolicyDecisionLog decisions = new PolicyDecisionLog();
        RefusedKeys refused = new RefusedKeys();
        NodeConfig config = b.build();
        node = PosternNode.start(config.toBuilder().listener(events).listener(decisions).listener(refused).build(), registry);
        admin = new GatewayAdmin(node, config, decisions, events, refused, Map.of());
        LOG.info("userspace device started interface={} privateKey={} listenPort={} peers={}", interfaceName,
                key == null ? "(none)" : node.publicKey().shortForm() + " (public)", node.localEndpoint().port(), peers.size());
    }

    @Override
    public synchronized String get() {
        String lines = admin.get();
        if (key != null) {
            return lines;
        }
        return lines.lines().filter(l -> !l.startsWith("private_key=") && !l.startsWith("postern_public_key="))
                .map(l -> l + "\n").collect(Collectors.joining());
    }

    @Override
    public synchronized void set(UapiSet request) throws UapiException {
        PrivateKey newKey = key;
        if (request.privateKey() != null) {
            newKey = HexKey.isZero(request.privateKey()) ? null : PrivateKey.of(request.privateKey());
            Arrays.fill(request.privateKey(), (byte) 0);
        }
        int newPort = request.listenPort() != null ? request.listenPort() : port;
        UapiSet peersOnly = new UapiSet(null, null, request.fwmark(), request.replacePeers(), request.peers());
        admin.set(peersOnly); // checked whole first: a bad peer section changes nothing, key and port included
        boolean sameKey = newKey == null ? key == null : newKey.equals(key);
        if (sameKey && newPort == port) {
            return;
        }
        List<PeerConfig> peers = admin.configuredPeers();
        PrivateKey oldKey = key;
        int oldPort = port;
        key = newKey;
        port = newPort;
        try {
            restart(peers);
        } catch (IOException | RuntimeException e) {
            key = oldKey;
            port = oldPort;
            try {
                restart(peers);
            } catch (IOException again) {
                LOG.error("userspace device: cannot restart with the previous key and port either", again);
            }
            throw new UapiException(UpCommand.isPortInUse(e) ? UapiException.EADDRINUSE : UapiException.EIO,
                    "listen_port " + newPort + " / private_key: the device could not restart with them: " + e.getMessage());
        }
        if (oldKey != null && !oldKey.equals(key)) {
            oldKey.destroy();
        }
    }

    /** @return the node now running (it changes when the key or port does) */
    synchronized PosternNode node() {
        return node;
    }

    @Override
    public synchronized void close() {
        if (node != null) {
            node.close();
            node = null;
        }
    }
}

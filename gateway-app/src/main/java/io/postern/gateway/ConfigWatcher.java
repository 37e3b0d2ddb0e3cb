package io.postern.gateway;

import io.postern.gateway.uapi.UapiException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code postern up --watch-config}: applies each new version of the configuration file to the
 * running gateway as {@code syncconf} does (new peers added, gone ones removed, changed ones
 * updated in place; unchanged peers and their sessions untouched). Several gateways behind one load
 * balancer share their peers this way: a peer added to the file (a ConfigMap) reaches every
 * instance, with no protocol between instances.
 *
 * <p>What counts is the file's content, read through any symlinks: a Kubernetes ConfigMap or Secret
 * volume never writes the file in place but swaps the directory symlink {@code ..data} to a new
 * {@code ..2026_…} directory in one rename, so the watched name never changes. The watcher therefore
 * watches the file's directory (any event there) and also re-reads every {@code poll} interval (some
 * file systems send no events), compares a digest of the content, and acts only on a content that
 * read the same twice {@code settle} apart (an editor writing in place must not make a
 * half-written file look like a configuration with fewer peers).
 *
 * <p>A version that does not parse is logged with the parser's message (file, line, key) and not
 * applied; the running peers stay as they were, and the next good version is applied. Changes to
 * {@code [Interface]} settings are reported, not applied: they need a restart.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
    /** How long a changed content must stay the same before it is applied. */
    static final Duration SETTLE = Duration.ofMillis(200);

    /** Reads and checks a configuration file. */
    @FunctionalInterface
    interface Reader {
        NodeConfig read(Path file) throws IOException;
    }

    /** Applies a new version's peers to the gateway, whole or not at all. */
    @FunctionalInterface
    interface Applier {
        void apply(NodeConfig next) throws UapiException;
    }

    private final Path file;
    private final Reader reader;
    private final Applier apply;
    private final Duration poll;
    private final WatchService watch;
    private final Thread thread;
    /** The digest of the last content handled (applied or refused), so each version is handled once. */
    private byte[] handled;
    private NodeConfig running;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong applied = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();

    private ConfigWatcher(Path file, Reader reader, NodeConfig running, Applier apply,
                          Duration poll, WatchService watch) throws IOException {
        this.file = file;
        this.reader = reader;
        this.running = running;
        this.apply = apply;
        this.poll = poll;
        this.watch = watch;
        this.handled = digest(Files.readAllBytes(file));
        this.thread = Thread.ofPlatform().name("postern-config-watch").daemon(true).unstarted(this::run);
    }

    /**
     * Starts watching {@code file}, whose current content is {@code running}.
     *
     * @param apply applies a new version's peers
     * @throws IOException when the file or its directory cannot be read or watched
     */
    static ConfigWatcher start(Path file, Reader reader, NodeConfig running, Applier apply,
                               Duration poll) throws IOException {
        Path absolute = file.toAbsolutePath();
        WatchService watch = FileSystems.getDefault().newWatchService();
        try {
            absolute.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            ConfigWatcher w = new ConfigWatcher(absolute, reader, running, apply, poll, watch);
            w.thread.start();
            LOG.info("watching configuration file={} poll={}ms", absolute, poll.toMillis());
            return w;
        } catch (IOException | RuntimeException e) {
            watch.close();
            throw e;
        }
    }

    private void run() {
        try {
            while (!closed) {
                WatchKey key = watch.poll(poll.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                check();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        } catch (RuntimeException e) {
            LOG.error("configuration watcher stopped; file changes are no longer applied file={}", file, e);
        }
    }

    /** Reads the file; applies it when its content is new and settled. */
    void check() throws InterruptedException {
        byte[] first = readDigest();
        if (first == null || Arrays.equals(first, handled)) {
            return;
        }
        Thread.sleep(SETTLE.toMillis());
        byte[] second = readDigest();
        if (!Arrays.equals(first, second)) {
            return; // still being written: the next round looks again
        }
        handled = second;
        NodeConfig next;
        try {
            next = reader.read(file);
        } catch (ConfigException | IOException e) {
            refused.incrementAndGet();
            LOG.warn("configuration change not applied, the running peers stay file={} error={}", file, e.getMessage());
            return;
        }
        next.privateKey().destroy(); // only the peers are applied
        try {
            apply.apply(next);
        } catch (UapiException e) {
            refused.incrementAndGet();
            LOG.warn("configuration change not applied, the running peers stay file={} error={}", file, e.getMessage());
            return;
        }
        LOG.info("config reloaded source=watch-config file={} peers={}", file, next.peers().size());
        if (!sameInterface(running, next)) {
            LOG.warn("[Interface] settings changed in the configuration file; they take effect on restart file={}", file);
        }
        running = next;
        applied.incrementAndGet();
    }

    /** @return versions of the file applied since start */
    long applied() {
        return applied.get();
    }

    /** @return versions of the file refused (did not parse, or the gateway refused their peers) */
    long refused() {
        return refused.get();
    }

    private byte[] readDigest() {
        try {
            return digest(Files.readAllBytes(file));
        } catch (IOException e) {
            LOG.debug("configuration file unreadable now file={} error={}", file, e.toString());
            return null; // mid-swap or removed: nothing to apply
        }
    }

    private static boolean sameInterface(NodeConfig a, NodeConfig b) {
        return Objects.equals(a.listenAddress(), b.listenAddress()) && a.listenPort() == b.listenPort()
                && a.addresses().equals(b.addresses()) && a.sessionPolicy().equals(b.sessionPolicy())
                && a.cryptoProvider().equals(b.cryptoProvider()) && a.admission().equals(b.admission())
                && a.handler().equals(b.handler()) && a.transport().equals(b.transport())
                && Objects.equals(a.metricsListen(), b.metricsListen());
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            watch.close();
            thread.join(Duration.ofSeconds(5));
        } catch (IOException e) {
            LOG.debug("closing the watch service failed error={}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("stopped watching configuration file={}", file);
    }
}

package lackey.local;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import lackey.emulators.LocalEventBus;

/**
 * Local only: S3's EventBridge notifications for a bucket on disk. S3Proxy keeps bucket {@code b}'s objects
 * as files under {@code <s3 root>/b/}; this watches that folder (and every folder made in it) and, once a
 * new or changed file has been quiet for a moment, puts an "Object Created" event shaped as S3 sends it on
 * the {@code default} bus. S3Proxy writes an object to a temporary file and renames it, so the object's file
 * appears complete; a simulation writing straight into its exchange folder is seen once it stops writing.
 * Files and folders whose names start with a dot (S3Proxy's own bookkeeping) are not objects.
 */
final class LocalObjectEvents implements AutoCloseable {

    static final Duration QUIET = Duration.ofMillis(300);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bucket;
    private final Path folder;
    private final LocalEventBus bus;
    private final String accountId;
    private final PrintStream log;
    private final WatchService watcher;
    private final Map<WatchKey, Path> folders = new ConcurrentHashMap<>();
    private final Map<Path, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() << 16);
    private final Thread watching;
    private final Thread emitting;
    private volatile boolean closed;
    private volatile boolean warned;

    private LocalObjectEvents(String bucket, Path folder, LocalEventBus bus, String accountId, PrintStream log)
            throws IOException {
        this.bucket = bucket;
        this.folder = folder;
        this.bus = bus;
        this.accountId = accountId;
        this.log = log;
        this.watcher = FileSystems.getDefault().newWatchService();
        registerTree(folder, false);
        this.watching = Thread.ofPlatform().daemon(true).name("lackey-s3-events-watch-" + bucket).start(this::watch);
        this.emitting = Thread.ofPlatform().daemon(true).name("lackey-s3-events-" + bucket).start(this::emitQuietFiles);
    }

    /** Starts watching {@code <s3Root>/<bucket>/}; files already there send nothing. */
    static LocalObjectEvents start(Path s3Root, String bucket, LocalEventBus bus, String accountId, PrintStream log) {
        Path folder = s3Root.resolve(bucket).toAbsolutePath().normalize();
        try {
            Files.createDirectories(folder);
            return new LocalObjectEvents(bucket, folder, bus, accountId, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + folder + " for object events: " + e.getMessage(), e);
        }
    }

    /** The object key of a file in the bucket folder, or null for S3Proxy's own files. */
    static String key(Path bucketFolder, Path file) {
        Path relative = bucketFolder.relativize(file);
        List<String> parts = new ArrayList<>();
        for (Path part : relative) {
            if (part.toString().isEmpty() || part.toString().startsWith(".")) {
                return null;
            }
            parts.add(part.toString());
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }

    /** The key as S3 writes it in its event notifications: URL-encoded, slashes kept, spaces as {@code +}. */
    static String encodedKey(String key) {
        List<String> parts = new ArrayList<>();
        for (String part : key.split("/", -1)) {
            parts.add(URLEncoder.encode(part, StandardCharsets.UTF_8));
        }
        return String.join("/", parts);
    }

    /** The "Object Created" detail S3 sends for a PutObject. */
    ObjectNode detail(String key, long size, String etag) {
        ObjectNode detail = JSON.createObjectNode();
        detail.put("version", "0");
        detail.putObject("bucket").put("name", bucket);
        detail.putObject("object").put("key", encodedKey(key)).put("size", size).put("etag", etag)
                .put("sequencer", String.format("%018X", sequencer.incrementAndGet()));
        detail.put("request-id", UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase());
        detail.put("requester", accountId);
        detail.put("source-ip-address", "127.0.0.1");
        detail.put("reason", "PutObject");
        return detail;
    }

    // A folder that cannot be watched (gone again, or the system's limit of watches reached) is logged and skipped:
    // the local cloud still starts, only files in that folder send no events.
    private void registerTree(Path start, boolean announceFiles) {
        try (Stream<Path> paths = Files.walk(start)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(path)) {
                    if (!path.equals(folder) && key(folder, path) == null) {
                        continue;
                    }
                    try {
                        folders.put(path.register(watcher, ENTRY_CREATE, ENTRY_MODIFY), path);
                    } catch (IOException e) {
                        warnOnce("cannot watch " + path + " (" + e.getMessage() + "); files landing there send no Object Created");
                    }
                } else if (announceFiles) {
                    pending.put(path, System.nanoTime());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            warnOnce("cannot watch under " + start + " (" + e.getMessage() + ")");
        }
    }

    private void warnOnce(String message) {
        if (!warned) {
            warned = true;
            log.println("lackey s3 events: " + message);
        }
    }

    private void watch() {
        while (!closed) {
            WatchKey watchKey;
            try {
                watchKey = watcher.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Path dir = folders.get(watchKey);
            for (WatchEvent<?> event : watchKey.pollEvents()) {
                if (dir == null || event.kind() == OVERFLOW) {
                    continue;
                }
                Path path = dir.resolve((Path) event.context());
                if (key(folder, path) == null) {
                    continue;
                }
                if (Files.isDirectory(path)) {
                    if (event.kind() == ENTRY_CREATE) {
                        // files may land in a new folder before it is watched: announce what is there already
                        registerTree(path, true);
                    }
                } else {
                    pending.put(path, System.nanoTime());
                }
            }
            if (!watchKey.reset()) {
                folders.remove(watchKey);
            }
        }
    }

    private void emitQuietFiles() {
        while (!closed) {
            try {
                Thread.sleep(QUIET.toMillis() / 3);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Map.Entry<Path, Long> entry : pending.entrySet()) {
                if (now - entry.getValue() >= QUIET.toNanos() && pending.remove(entry.getKey(), entry.getValue())) {
                    emit(entry.getKey());
                }
            }
        }
    }

    private void emit(Path file) {
        String key = key(folder, file);
        if (key == null || !Files.isRegularFile(file)) {
            return; // a temporary file renamed away, or a file deleted again
        }
        try {
            long size = Files.size(file);
            ObjectNode detail = detail(key, size, md5(file));
            bus.putServiceEvent(LocalEventBus.DEFAULT_BUS, "aws.s3", "Object Created",
                    List.of("arn:aws:s3:::" + bucket), JSON.writeValueAsString(detail));
        } catch (IOException | RuntimeException e) {
            log.println("lackey s3 events: no Object Created for " + key + ": " + e.getMessage());
        }
    }

    private static String md5(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        watcher.close();
        watching.interrupt();
        emitting.interrupt();
    }
}

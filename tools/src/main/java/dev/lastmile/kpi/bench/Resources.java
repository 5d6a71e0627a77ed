package dev.lastmile.kpi.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * What the process spends: CPU time (all threads, the embedded broker's too), heap at its peak (the
 * heap just before each collection, and a 50 ms sampler in between) and resident memory (Linux VmHWM).
 */
final class Resources implements AutoCloseable {

    private final AtomicLong peakHeap = new AtomicLong();
    private final List<Runnable> undo = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean closed;

    /** Starts watching the heap from now on; also resets the kernel's peak-RSS mark where allowed. */
    Resources() {
        resetPeakRss();
        NotificationListener listener = (n, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long before = info.getGcInfo().getMemoryUsageBeforeGc().entrySet().stream()
                        .filter(e -> isHeapPool(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                peakHeap.accumulateAndGet(before, Math::max);
            }
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                undo.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException ignored) {
                        // already gone
                    }
                });
            }
        }
        sampler = new Thread(() -> {
            while (!closed) {
                peakHeap.accumulateAndGet(heapUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private static boolean isHeapPool(String name) {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .anyMatch(p -> p.getName().equals(name) && p.getType() == java.lang.management.MemoryType.HEAP);
    }

    static long heapUsed() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    long peakHeapBytes() {
        return peakHeap.get();
    }

    /** CPU time of the whole process (every thread, the embedded broker's included), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Peak resident set size (VmHWM) since start or the last reset; -1 where /proc is missing. */
    static long peakRssBytes() {
        return procStatus("VmHWM:");
    }

    static long rssBytes() {
        return procStatus("VmRSS:");
    }

    /** Whether the kernel reset the peak-RSS mark (Linux clear_refs 5); if not, the peak counts from process start. */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Bytes of every file under {@code dir}. */
    static long directoryBytes(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: scratch data
        }
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
        undo.forEach(Runnable::run);
    }
}

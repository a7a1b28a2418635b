package org.grukit.serve;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A closed-loop HTTP load generator for the model server: {@code connections} keep-alive HTTP/1.1 connections, each
 * sending its next request as soon as the last is answered, for a given time after a warm-up. Requests are POSTs taken
 * in turn from a list of bodies, some marked malformed (expected to get a 4xx), so that a soak can mix good and bad
 * requests and count each kind apart. A plain socket client, not the JDK's HttpClient: it shares the machine's cores
 * with the server, so it must cost little per request.
 */
public final class LoadClient {
    /** One request to send: its body, content type, and whether it is malformed on purpose. */
    public record Body(byte[] bytes, String contentType, boolean malformed) {}

    /**
     * What one run measured.
     *
     * @param connections   concurrent connections
     * @param seconds       measured time (after the warm-up)
     * @param good          answers to well-formed requests by status
     * @param malformed     answers to malformed requests by status
     * @param failures      connections that broke (no HTTP answer)
     * @param failureReasons what broke them, by message
     * @param resent        requests sent again because the server had closed their kept-alive connection
     * @param latencyMillis well-formed requests' latency percentiles (p50, p90, p99, max), null when none was measured
     */
    public record Result(int connections, double seconds, Map<Integer, Long> good, Map<Integer, Long> malformed, long failures,
                         Map<String, Long> failureReasons, long resent, Map<String, Double> latencyMillis) {
        /** Well-formed requests answered 200 per second. */
        public double throughput() {
            return good.getOrDefault(200, 0L) / seconds;
        }

        /** Well-formed requests not answered 200, plus broken connections. */
        public long errors() {
            long n = failures;
            for (Map.Entry<Integer, Long> e : good.entrySet()) if (e.getKey() != 200) n += e.getValue();
            return n;
        }

        /** Malformed requests answered with anything but a 4xx. */
        public long malformedNot4xx() {
            long n = 0;
            for (Map.Entry<Integer, Long> e : malformed.entrySet()) if (e.getKey() < 400 || e.getKey() >= 500) n += e.getValue();
            return n;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("connections", connections);
            m.put("seconds", Math.round(seconds * 100) / 100.0);
            m.put("throughput_per_s", Math.round(throughput() * 10) / 10.0);
            m.put("latency_ms", latencyMillis);
            m.put("good_by_status", good);
            m.put("malformed_by_status", malformed);
            m.put("errors", errors());
            m.put("broken_connections", failures);
            if (!failureReasons.isEmpty()) m.put("broken_by_reason", failureReasons);
            m.put("resent_on_closed_connections", resent);
            return m;
        }
    }

    private final URI target;
    private final String authorization;
    private final List<Body> bodies;

    /**
     * @param target        the predict route, e.g. {@code http://127.0.0.1:8080/v1/models/sst2:predict}
     * @param apiKey        the server's key, or null
     * @param bodies        the requests, sent in turn (each connection starts at its own offset)
     */
    public LoadClient(URI target, String apiKey, List<Body> bodies) {
        if (!"http".equals(target.getScheme())) throw new IllegalArgumentException("only http:// targets, got " + target);
        if (bodies.isEmpty()) throw new IllegalArgumentException("no request bodies");
        this.target = target;
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        this.bodies = List.copyOf(bodies);
    }

    /** Runs {@code connections} connections for {@code warmup}, then measures for {@code duration}. */
    public Result run(int connections, Duration warmup, Duration duration) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        Worker[] workers = new Worker[connections];
        Thread[] threads = new Thread[connections];
        for (int i = 0; i < connections; i++) {
            workers[i] = new Worker(i * Math.max(1, bodies.size() / connections), measureFrom, end);
            threads[i] = new Thread(workers[i], "load-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
        for (Thread t : threads) t.join();
        Map<Integer, Long> good = new TreeMap<>(), bad = new TreeMap<>();
        Map<String, Long> reasons = new TreeMap<>();
        long failures = 0, resent = 0;
        int n = 0;
        for (Worker w : workers) n += w.latencies.size;
        long[] all = new long[n];
        int k = 0;
        for (Worker w : workers) {
            w.good.forEach((s, c) -> good.merge(s, c, Long::sum));
            w.bad.forEach((s, c) -> bad.merge(s, c, Long::sum));
            failures += w.failures;
            resent += w.resent;
            w.failureReasons.forEach((m, c) -> reasons.merge(m, c, Long::sum));
            System.arraycopy(w.latencies.values, 0, all, k, w.latencies.size);
            k += w.latencies.size;
        }
        Arrays.sort(all);
        Map<String, Double> lat = new LinkedHashMap<>();
        for (double q : new double[] {0.5, 0.9, 0.99}) lat.put("p" + (int) Math.round(q * 100), all.length == 0 ? null : millis(percentile(all, q)));
        lat.put("max", all.length == 0 ? null : millis(all[all.length - 1])); // null: no well-formed request was measured
        return new Result(connections, duration.toNanos() / 1e9, good, bad, failures, reasons, resent, lat);
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    /** The nearest-rank percentile of sorted, non-empty values. */
    static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static final class Longs {
        long[] values = new long[1024];
        int size;

        void add(long v) {
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = v;
        }
    }

    private final class Worker implements Runnable {
        final Map<Integer, Long> good = new TreeMap<>(), bad = new TreeMap<>();
        final Map<String, Long> failureReasons = new TreeMap<>();
        final Longs latencies = new Longs();
        long failures, resent;
        int next;
        final long measureFrom, end;

        Worker(int first, long measureFrom, long end) {
            this.next = first;
            this.measureFrom = measureFrom;
            this.end = end;
        }

        @Override
        public void run() {
            Socket socket = null;
            while (System.nanoTime() < end) {
                Body b = bodies.get(next++ % bodies.size());
                long t0 = System.nanoTime();
                int status;
                boolean[] closes = {false};
                long[] retryAfter = {0};
                try {
                    boolean reused = socket != null;
                    if (socket == null) socket = connect();
                    try {
                        status = exchange(socket, b, closes, retryAfter);
                    } catch (IOException stale) {
                        if (!reused) throw stale;
                        // A kept-alive connection the server had closed: sent again on a new one, as HTTP clients do.
                        close(socket);
                        socket = connect();
                        if (t0 >= measureFrom) resent++;
                        status = exchange(socket, b, closes, retryAfter);
                    }
                } catch (IOException e) {
                    status = -1;
                    if (t0 >= measureFrom) failureReasons.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1L, Long::sum);
                }
                long t1 = System.nanoTime();
                if (retryAfter[0] > 0) { // as a well-behaved client does: this connection waits as the server asked
                    try {
                        Thread.sleep(Math.max(0, Math.min(retryAfter[0] * 1000, (end - System.nanoTime()) / 1_000_000)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (status < 0 || closes[0]) { // broken, or the server closes the connection: the next request opens another
                    close(socket);
                    socket = null;
                }
                if (t0 < measureFrom || t1 > end) continue; // the warm-up, or past the end
                if (status < 0) {
                    failures++;
                    continue;
                }
                (b.malformed() ? bad : good).merge(status, 1L, Long::sum);
                if (!b.malformed()) latencies.add(t1 - t0);
            }
            close(socket);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(120_000);
        s.connect(new InetSocketAddress(target.getHost(), target.getPort() < 0 ? 80 : target.getPort()), 10_000);
        return s;
    }

    private static void close(Socket s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /**
     * Sends one request and reads its whole answer; returns the status, sets {@code closes[0]} when the server closes the
     * connection and {@code retryAfter[0]} to the seconds of a Retry-After header.
     */
    private int exchange(Socket s, Body b, boolean[] closes, long[] retryAfter) throws IOException {
        StringBuilder head = new StringBuilder();
        String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        head.append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(target.getHost()).append(':').append(target.getPort())
                .append("\r\nContent-Type: ").append(b.contentType()).append("\r\nContent-Length: ").append(b.bytes().length).append("\r\n");
        if (authorization != null) head.append("Authorization: ").append(authorization).append("\r\n");
        head.append("\r\n");
        OutputStream out = s.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(b.bytes());
        out.flush();
        InputStream in = new BufferedInputStream(s.getInputStream(), 8192) {
            @Override
            public void close() { } // the socket's stream stays open for the next request
        };
        String statusLine = line(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.")) throw new IOException("no HTTP answer: " + statusLine);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) length = Long.parseLong(h.substring(15).trim());
            else if (lower.startsWith("connection:") && lower.contains("close")) closes[0] = true;
            else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
            else if (lower.startsWith("retry-after:")) retryAfter[0] = parseSeconds(h.substring(12).trim());
        }
        if (chunked) {
            for (long size; (size = Long.parseLong(line(in).split(";")[0].trim(), 16)) > 0; ) {
                skip(in, size);
                line(in);
            }
            line(in);
        } else if (length >= 0) {
            skip(in, length);
        } else {
            closes[0] = true;
            while (in.read() >= 0) { } // the body runs to the connection's end
        }
        return status;
    }

    private static long parseSeconds(String v) {
        try {
            return Math.max(0, Math.min(60, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            return 1; // an HTTP date: wait a second
        }
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) throw new IOException("the answer ended early");
                k = 1;
            }
            n -= k;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') sb.setLength(len - 1);
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** Reads the server's heap (used, and live after the last collection) from its /metrics, for a soak's memory trace. */
    public static Map<String, Double> heap(URI metrics, String apiKey) throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress(metrics.getHost(), metrics.getPort()), 10_000);
            String req = "GET " + metrics.getRawPath() + " HTTP/1.1\r\nHost: " + metrics.getHost() + "\r\nConnection: close\r\n"
                    + (apiKey == null ? "" : "Authorization: Bearer " + apiKey + "\r\n") + "\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            double used = 0, live = 0;
            for (String l : text.split("\n")) {
                if (l.startsWith("jvm_memory_used_bytes{area=\"heap\"}")) used = Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                if (l.startsWith("jvm_memory_pool_collection_used_bytes{")) live += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
            out.put("heap_used_mb", Math.round(used / (1 << 20) * 10) / 10.0);
            out.put("heap_after_gc_mb", Math.round(live / (1 << 20) * 10) / 10.0);
        }
        return out;
    }
}

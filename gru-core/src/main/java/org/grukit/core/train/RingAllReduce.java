package org.grukit.core.train;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * The sum of a float buffer over N workers, in place, by the ring all-reduce: the buffer is cut into N chunks; in
 * N - 1 steps each worker sends one chunk to the next worker and adds the chunk it receives from the previous one
 * (after which each worker holds one chunk's full sum), then in N - 1 more steps the summed chunks go round the ring.
 * Each worker sends and receives 2 (N - 1) / N of the buffer, whatever N is, so the time per step does not grow with
 * the number of workers. Every chunk is summed once and then copied, so all workers end with the same bits.
 *
 * <p>Sending and receiving run at once on non-blocking sockets (two workers that both only wrote a large chunk would
 * wait on each other forever), every wait has a deadline, and a peer that closes or stops is an error naming it, so
 * a failed worker stops the others instead of hanging them. A thread interrupted while waiting (a cancelled Spark
 * task) stops with an {@link InterruptedIOException}.
 */
public final class RingAllReduce implements DataParallel.AllReduce, Closeable {
    private static final int MAGIC = 0x67727531; // "gru1": a connection from something else is refused

    private final int rank;
    private final int workers;
    private final SocketChannel next;
    private final SocketChannel previous;
    private final Selector selector;
    private final Duration timeout;
    private ByteBuffer sendBuffer = ByteBuffer.allocateDirect(0);
    private ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(0);
    private float[] received = new float[0]; // a chunk copied out in bulk, then added: a loop over a float[] vectorizes
    private long bytesSent;

    private RingAllReduce(int rank, int workers, SocketChannel next, SocketChannel previous, Duration timeout) throws IOException {
        this.rank = rank;
        this.workers = workers;
        this.next = next;
        this.previous = previous;
        this.timeout = timeout;
        this.selector = Selector.open();
        if (workers > 1) {
            next.configureBlocking(false);
            previous.configureBlocking(false);
        }
    }

    /** Opens this worker's listening socket on {@code host} at a free port; its address goes to the other workers. */
    public static ServerSocketChannel listen(InetAddress host) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(host, 0));
        return server;
    }

    /**
     * Joins the ring as worker {@code rank} of {@code addresses.size()}: connects to the next worker's address and
     * accepts the previous worker's connection on {@code server} (then closed), each within {@code timeout}.
     */
    public static RingAllReduce join(int rank, List<InetSocketAddress> addresses, ServerSocketChannel server, Duration timeout)
            throws IOException {
        int n = addresses.size();
        if (rank < 0 || rank >= n) throw new IllegalArgumentException("rank " + rank + " is not one of " + n + " workers");
        if (n == 1) {
            server.close();
            return new RingAllReduce(0, 1, null, null, timeout);
        }
        int nextRank = (rank + 1) % n, previousRank = (rank + n - 1) % n;
        SocketChannel out = null, in = null;
        try {
            out = SocketChannel.open();
            out.socket().connect(addresses.get(nextRank), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            out.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer hello = ByteBuffer.allocate(8).putInt(MAGIC).putInt(rank).flip();
            while (hello.hasRemaining()) out.write(hello);
            server.configureBlocking(false);
            try (Selector accept = Selector.open()) {
                server.register(accept, SelectionKey.OP_ACCEPT);
                if (accept.select(Math.max(1, timeout.toMillis())) == 0) {
                    throw new IOException("worker " + previousRank + " did not connect to worker " + rank + " within " + timeout.toSeconds() + " s");
                }
                in = server.accept();
            }
            in.configureBlocking(true);
            in.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            DataInputStream greeting = new DataInputStream(in.socket().getInputStream());
            int magic = greeting.readInt(), from = greeting.readInt();
            if (magic != MAGIC || from != previousRank) {
                throw new IOException("worker " + rank + " expected worker " + previousRank + " of the ring to connect, but "
                        + (magic != MAGIC ? "something else connected from " + in.getRemoteAddress() : "worker " + from + " did"));
            }
            RingAllReduce ring = new RingAllReduce(rank, n, out, in, timeout);
            out = in = null;
            return ring;
        } finally {
            server.close();
            if (out != null) out.close();
            if (in != null) in.close();
        }
    }

    public int rank() {
        return rank;
    }

    public int workers() {
        return workers;
    }

    /** Bytes this worker has sent so far. */
    public long bytesSent() {
        return bytesSent;
    }

    @Override
    public void sum(float[] values) throws IOException {
        int n = workers;
        if (n == 1) return;
        int longest = (values.length + n - 1) / n;
        if (sendBuffer.capacity() < longest * 4) {
            sendBuffer = ByteBuffer.allocateDirect(longest * 4).order(ByteOrder.LITTLE_ENDIAN);
            receiveBuffer = ByteBuffer.allocateDirect(longest * 4).order(ByteOrder.LITTLE_ENDIAN);
            received = new float[longest];
        }
        for (int s = 0; s < n - 1; s++) exchange(values, Math.floorMod(rank - s, n), Math.floorMod(rank - s - 1, n), true);
        for (int s = 0; s < n - 1; s++) exchange(values, Math.floorMod(rank + 1 - s, n), Math.floorMod(rank - s, n), false);
    }

    private static int chunkStart(int length, int workers, int chunk) {
        return (int) ((long) length * chunk / workers);
    }

    /** Sends chunk {@code out} of {@code values} to the next worker while the previous one's chunk {@code in} arrives. */
    private void exchange(float[] values, int out, int in, boolean add) throws IOException {
        int outFrom = chunkStart(values.length, workers, out), outTo = chunkStart(values.length, workers, out + 1);
        int inFrom = chunkStart(values.length, workers, in), inTo = chunkStart(values.length, workers, in + 1);
        sendBuffer.clear();
        sendBuffer.asFloatBuffer().put(values, outFrom, outTo - outFrom);
        sendBuffer.limit((outTo - outFrom) * 4);
        receiveBuffer.clear().limit((inTo - inFrom) * 4);
        long deadline = System.nanoTime() + timeout.toNanos();
        SelectionKey writing = next.register(selector, 0), reading = previous.register(selector, 0);
        while (sendBuffer.hasRemaining() || receiveBuffer.hasRemaining()) {
            writing.interestOps(sendBuffer.hasRemaining() ? SelectionKey.OP_WRITE : 0);
            reading.interestOps(receiveBuffer.hasRemaining() ? SelectionKey.OP_READ : 0);
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new IOException("worker " + rank + " waited " + timeout.toSeconds() + " s for worker " + Math.floorMod(rank - 1, workers)
                        + (sendBuffer.hasRemaining() ? " and worker " + (rank + 1) % workers : "") + " of the all-reduce; is it still running?");
            }
            selector.select(left);
            if (Thread.interrupted()) throw new InterruptedIOException("worker " + rank + " was interrupted during the all-reduce");
            if (writing.isValid() && writing.isWritable()) bytesSent += next.write(sendBuffer);
            if (reading.isValid() && reading.isReadable() && previous.read(receiveBuffer) < 0) {
                throw new IOException("worker " + Math.floorMod(rank - 1, workers) + " closed its connection to worker " + rank
                        + " during the all-reduce (it failed or was stopped)");
            }
            selector.selectedKeys().clear();
        }
        receiveBuffer.flip();
        java.nio.FloatBuffer got = receiveBuffer.asFloatBuffer();
        if (add) {
            int n = inTo - inFrom;
            got.get(received, 0, n);
            for (int i = 0; i < n; i++) values[inFrom + i] += received[i];
        } else {
            got.get(values, inFrom, inTo - inFrom);
        }
    }

    @Override
    public void close() throws IOException {
        try (Selector s = selector; SocketChannel a = next; SocketChannel b = previous) {
            // all three closed, whichever throws
        }
    }
}

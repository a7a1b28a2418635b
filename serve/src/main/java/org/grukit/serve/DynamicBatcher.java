package org.grukit.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Gathers the concurrent requests for one model into batches, as Triton's dynamic batcher does: a batch closes when it
 * holds {@code maxBatchSize} inputs or when its first input has waited {@code maxWait}, runs through the model's batched
 * prediction, and each request gets its own answer. The queue is bounded: a request that finds it full is refused at
 * once ({@link Rejected}, for a 429 or 503), never queued without end. An input the model refuses fails its own request
 * only: a batch that fails is predicted again one input at a time, so the others still get their answers.
 *
 * @param <I> one input
 * @param <O> one prediction
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {
    /**
     * @param maxBatchSize the most inputs in one call of the model
     * @param maxWait how long the first input of a batch waits for others (zero: no waiting, batches only of what is queued)
     * @param queueCapacity the most inputs waiting; more are refused
     */
    public record Config(int maxBatchSize, Duration maxWait, int queueCapacity) {
        public Config {
            if (maxBatchSize < 1) throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
            if (maxWait == null || maxWait.isNegative()) throw new IllegalArgumentException("maxWait must be >= 0, got " + maxWait);
            if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be >= 1, got " + queueCapacity);
        }
    }

    /** The queue was full (or the batcher closed): the request was not taken. */
    public static final class Rejected extends Exception {
        private final boolean closed;

        Rejected(String message, boolean closed) {
            super(message);
            this.closed = closed;
        }

        /** True when the batcher was shutting down rather than full. */
        public boolean closed() {
            return closed;
        }
    }

    private record Pending<I, O>(I input, CompletableFuture<O> answer, long enqueuedNanos) {}

    private final String name;
    private final Config config;
    private final Function<List<I>, List<O>> predict;
    private final BlockingQueue<Pending<I, O>> queue;
    private final Thread worker;
    private final AtomicLong batches = new AtomicLong(), inputs = new AtomicLong(), rejected = new AtomicLong();
    private volatile boolean closed;

    /** A batcher for the model called {@code name}, predicting with {@code predict} (answers in input order). */
    public DynamicBatcher(String name, Config config, Function<List<I>, List<O>> predict) {
        this.name = name;
        this.config = config;
        this.predict = predict;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.worker = new Thread(this::run, "grukit-batcher-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues one input; its answer, or the model's error for it, completes the future. */
    public CompletableFuture<O> submit(I input) throws Rejected {
        if (closed) throw new Rejected("model " + name + " is shutting down", true);
        CompletableFuture<O> answer = new CompletableFuture<>();
        if (!queue.offer(new Pending<>(input, answer, System.nanoTime()))) {
            rejected.incrementAndGet();
            throw new Rejected("model " + name + " has " + config.queueCapacity() + " requests waiting, its limit; retry later", false);
        }
        return answer;
    }

    /** Inputs waiting now. */
    public int queueDepth() {
        return queue.size();
    }

    /** Batches run so far. */
    public long batches() {
        return batches.get();
    }

    /** Inputs predicted so far. */
    public long inputs() {
        return inputs.get();
    }

    /** Requests refused because the queue was full. */
    public long rejected() {
        return rejected.get();
    }

    public Config config() {
        return config;
    }

    private void run() {
        List<Pending<I, O>> batch = new ArrayList<>(config.maxBatchSize());
        while (true) {
            try {
                Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed) return;
                    continue;
                }
                batch.add(first);
                long deadline = first.enqueuedNanos() + config.maxWait().toNanos();
                while (batch.size() < config.maxBatchSize()) {
                    long left = deadline - System.nanoTime();
                    Pending<I, O> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) break;
                    batch.add(next);
                }
                answer(batch);
            } catch (InterruptedException e) { // stopped: nothing taken is left without an answer
                queue.drainTo(batch);
                for (Pending<I, O> p : batch) p.answer().completeExceptionally(new IllegalStateException("model " + name + " stopped"));
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void answer(List<Pending<I, O>> all) {
        // A request that stopped waiting (past its time limit) has cancelled its answer: no work is spent on it.
        List<Pending<I, O>> batch = new ArrayList<>(all.size());
        for (Pending<I, O> p : all) if (!p.answer().isDone()) batch.add(p);
        if (batch.isEmpty()) return;
        List<I> in = new ArrayList<>(batch.size());
        for (Pending<I, O> p : batch) in.add(p.input());
        batches.incrementAndGet();
        inputs.addAndGet(batch.size());
        List<O> out;
        try {
            out = predict.apply(in);
        } catch (RuntimeException e) {
            out = null;
        }
        if (out != null && out.size() == batch.size()) {
            for (int i = 0; i < batch.size(); i++) batch.get(i).answer().complete(out.get(i));
            return;
        }
        for (Pending<I, O> p : batch) { // one input spoiled the batch: each on its own, to say which
            try {
                p.answer().complete(predict.apply(List.of(p.input())).get(0));
            } catch (RuntimeException e) {
                p.answer().completeExceptionally(e);
            }
        }
    }

    /** Takes no more requests, answers those queued, and returns when they are answered (or {@code timeout} passed). */
    public void close(Duration timeout) throws InterruptedException {
        closed = true;
        worker.join(Math.max(1, timeout.toMillis()));
        if (worker.isAlive()) worker.interrupt();
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(30));
    }
}

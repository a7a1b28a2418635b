package org.grukit.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.task.Tasks;
import org.grukit.core.task.TrainingRecipe;
import org.grukit.core.train.DataParallel;
import org.grukit.core.train.RingAllReduce;
import org.grukit.core.train.Trainer;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Synchronous data-parallel training on a Spark cluster, for any task ({@code Tasks.train(..., run.withDistribution(
 * SparkTraining.on(spark, 2)))}).
 *
 * <p>Design: each epoch is one Spark barrier stage of N tasks, one per worker, started together. The run's recipe
 * (the task's settings and data) is broadcast once; each executor JVM prepares a worker from it once per rank and keeps
 * it for the run's epochs. The epoch's plan (the driver's weights, optimiser and schedule state, and the batches in
 * order) is broadcast at the start of the epoch. The barrier tasks exchange their socket addresses through the
 * barrier's {@code allGather} and join a ring; every step each worker computes the gradient of its share of the batch
 * and the ring all-reduce sums them (4 bytes a parameter, 2 (N - 1) / N of it sent and received per worker), so every
 * worker takes the step one machine takes on the whole batch. At the end of the epoch worker 0 returns the state,
 * which the driver loads, evaluates on dev and checkpoints exactly as a single-machine run does; a killed job resumes
 * from the driver's checkpoint. Time per epoch: the workers' computing, the all-reduces (including waiting for the
 * slowest worker), and the stage's start and the state's broadcast and return ({@link #epochs()} reports each).
 *
 * <p>Spark needs as many free task slots as workers for a barrier stage (local[N] or N executor cores). An executor keeps
 * its prepared workers (the run's data and network) until another run starts on it or the application ends.
 */
public final class SparkTraining implements Tasks.Distribution {
    /** Workers prepared on this executor JVM, by recipe, optimisation and rank; a new run's recipe evicts the old. */
    private static final Map<String, DataParallel.Worker> WORKERS = new ConcurrentHashMap<>();

    /**
     * Where one epoch's time went: the whole epoch as the driver saw it, the slowest worker's computing, the longest
     * time a worker spent in all-reduces (sending, receiving and waiting for the others), and the rest (the stage's
     * start, the plan's broadcast, preparing workers in the first epoch, the state's return).
     */
    public record EpochTimes(int epoch, double seconds, double computeSeconds, double communicationSeconds, double overheadSeconds) {}

    private final SparkSession spark;
    private final int workers;
    private final Duration timeout;
    private final List<EpochTimes> epochs = Collections.synchronizedList(new ArrayList<>());

    private SparkTraining(SparkSession spark, int workers, Duration timeout) {
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        this.spark = spark;
        this.workers = workers;
        this.timeout = timeout;
    }

    /** Training on {@code workers} barrier tasks of {@code spark}'s cluster. */
    public static SparkTraining on(SparkSession spark, int workers) {
        return new SparkTraining(spark, workers, Duration.ofMinutes(10));
    }

    /** How long a worker waits for another in the all-reduce before it fails the epoch (10 minutes unless set). */
    public SparkTraining withTimeout(Duration t) {
        return new SparkTraining(spark, workers, t);
    }

    public int workers() {
        return workers;
    }

    /** Every epoch run so far and where its time went. */
    public List<EpochTimes> epochs() {
        synchronized (epochs) {
            return List.copyOf(epochs);
        }
    }

    @Override
    public Trainer.EpochRunner runner(TrainingRecipe recipe, Trainer.Optimization optimization) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<TrainingRecipe> shipped = jsc.broadcast(recipe);
        return e -> {
            long start = System.nanoTime();
            int driverThreads = Parallel.threads(); // a local master runs the workers in this JVM, and they set the threads
            Broadcast<DataParallel.EpochPlan> plan = jsc.broadcast(DataParallel.EpochPlan.of(e));
            DataParallel.EpochOutcome[] outcomes;
            try {
                RDD<Integer> ranks = jsc.parallelize(IntStream.range(0, workers).boxed().toList(), workers).rdd();
                ClassTag<DataParallel.EpochOutcome> tag = ClassTag$.MODULE$.apply(DataParallel.EpochOutcome.class);
                outcomes = (DataParallel.EpochOutcome[]) ranks.barrier()
                        .mapPartitions(new Epoch(shipped, plan, optimization, workers, timeout.toMillis()), false, tag).collect();
            } finally {
                plan.destroy();
                Parallel.setThreads(driverThreads);
            }
            outcomes[0].restoreInto(e.optimizer(), e.scheduler());
            double compute = 0, communication = 0;
            for (DataParallel.EpochOutcome o : outcomes) {
                compute = Math.max(compute, o.computeSeconds());
                communication = Math.max(communication, o.communicationSeconds());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            epochs.add(new EpochTimes(e.index() + 1, seconds, compute, communication, Math.max(0, seconds - compute - communication)));
            e.listener().batchDone(outcomes[0].seen(), outcomes[0].lossSum() / Math.max(1, outcomes[0].seen()),
                    outcomes[0].seen() / Math.max(1e-9, seconds));
            return new Trainer.EpochLoss(outcomes[0].lossSum(), outcomes[0].seen());
        };
    }

    /** One barrier task's epoch: join the ring, run the epoch as worker {@code rank}, return the state (worker 0) or timings. */
    private static final class Epoch extends AbstractFunction1<Iterator<Integer>, Iterator<DataParallel.EpochOutcome>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Broadcast<TrainingRecipe> recipe;
        private final Broadcast<DataParallel.EpochPlan> plan;
        private final Trainer.Optimization optimization;
        private final int workers;
        private final long timeoutMillis;

        Epoch(Broadcast<TrainingRecipe> recipe, Broadcast<DataParallel.EpochPlan> plan, Trainer.Optimization optimization, int workers,
              long timeoutMillis) {
            this.recipe = recipe;
            this.plan = plan;
            this.optimization = optimization;
            this.workers = workers;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public Iterator<DataParallel.EpochOutcome> apply(Iterator<Integer> ignored) {
            BarrierTaskContext context = BarrierTaskContext.get();
            int rank = context.partitionId();
            Parallel.setThreads(Math.max(1, context.cpus()));
            try {
                DataParallel.Worker worker = worker(recipe.value(), optimization, rank);
                String address = context.getTaskInfos()[rank].address();
                String host = address.lastIndexOf(':') > 0 ? address.substring(0, address.lastIndexOf(':')) : address;
                ServerSocketChannel server = RingAllReduce.listen(InetAddress.getByName(host));
                InetSocketAddress mine = (InetSocketAddress) server.getLocalAddress();
                String[] all = context.allGather(host + " " + mine.getPort()); // in partition order: by rank
                List<InetSocketAddress> ring = new ArrayList<>();
                for (String a : all) {
                    String[] hp = a.split(" ");
                    ring.add(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
                }
                DataParallel.EpochOutcome outcome;
                try (RingAllReduce allReduce = RingAllReduce.join(rank, ring, server, Duration.ofMillis(timeoutMillis))) {
                    outcome = worker.runEpoch(plan.value(), rank, workers, allReduce);
                }
                return CollectionConverters.asScala(List.of(rank == 0 ? outcome : outcome.timingsOnly()).iterator());
            } catch (IOException e) {
                throw new UncheckedIOException("worker " + rank + ": " + e.getMessage(), e);
            }
        }

        private static DataParallel.Worker worker(TrainingRecipe recipe, Trainer.Optimization optimization, int rank) throws IOException {
            String run = recipe.sha256() + (recipe.refit() ? "/refit/" : "/") + optimization;
            String key = run + "#" + rank;
            DataParallel.Worker w = WORKERS.get(key);
            if (w != null) return w;
            WORKERS.keySet().removeIf(k -> !k.startsWith(run + "#")); // one run at a time per JVM: the old run's data goes
            w = DataParallel.Worker.prepare(recipe, optimization);
            WORKERS.put(key, w);
            return w;
        }
    }
}

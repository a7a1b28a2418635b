package org.grukit.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The server's metrics, exposed at {@code /metrics} in the Prometheus text format by the Prometheus Java client: requests
 * and errors by model and status, request latency and batch size histograms and queue depth by model, and the JVM's own
 * (heap, GC, threads). Requests for no model (a health check, an unknown name) are counted under model {@code "-"}, so
 * that a client cannot add label values at will.
 */
final class ServerMetrics {
    /** The model label of requests that name no loaded model. */
    static final String NO_MODEL = "-";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Counter errors;
    private final Histogram latency;
    private final Histogram batchSize;

    ServerMetrics(Supplier<Map<String, DynamicBatcher<?, ?>>> batchers) {
        requests = Counter.builder().name("grukit_requests_total").help("Requests answered, by model and HTTP status")
                .labelNames("model", "code").register(registry);
        errors = Counter.builder().name("grukit_request_errors_total").help("Requests answered with a status of 400 or more, by model and status")
                .labelNames("model", "code").register(registry);
        latency = Histogram.builder().name("grukit_request_duration_seconds").help("Time from a request's arrival to its answer, by model")
                .labelNames("model").classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
        batchSize = Histogram.builder().name("grukit_batch_size").help("Inputs in each call of a model, by model").labelNames("model")
                .classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512).register(registry);
        GaugeWithCallback.builder().name("grukit_queue_depth").help("Inputs waiting for a batch, by model").labelNames("model")
                .callback(cb -> batchers.get().forEach((name, b) -> cb.call(b.queueDepth(), name))).register(registry);
        JvmMetrics.builder().register(registry);
    }

    void request(String model, int status, long nanos) {
        String code = Integer.toString(status);
        requests.labelValues(model, code).inc();
        if (status >= 400) errors.labelValues(model, code).inc();
        latency.labelValues(model).observe(nanos / 1e9);
    }

    void batch(String model, int size) {
        batchSize.labelValues(model).observe(size);
    }

    String contentType() {
        return writer.getContentType();
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}

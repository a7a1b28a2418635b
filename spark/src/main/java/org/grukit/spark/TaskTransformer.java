package org.grukit.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.functions;
import org.grukit.core.io.FolderIntegrity;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.task.InputKind;
import org.grukit.core.task.OutputField;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.Tasks;

/**
 * A Spark ML stage that predicts with any grukit task model, built from the task contract alone: the input is read
 * as the model's {@link InputKind} says (a text column for sentiment, translation and summarisation; audio bytes, as
 * {@code spark.read().format("binaryFile")} gives them, or file paths for speech; for forecasting, the rows of each
 * series gathered by an id column, one output row per series), the model's output fields are added as columns, and
 * an error column says why a row got no prediction (null or empty input, undecodable audio, a text or series the model
 * refuses) instead of failing the job, unless failFast asks for that. The model folder travels as one zipped broadcast, is loaded once per executor JVM
 * (keyed by its content's SHA-256, shared by the tasks that JVM runs at once), and each partition is predicted in
 * batches through the model's own batched, length-sorted inference. It saves and loads as Spark ML stages do
 * ({@code MLWritable}, {@link #read()}), the model folder inside, so it sits in a saved {@code PipelineModel}.
 */
public final class TaskTransformer extends Transformer implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, TaskModel<?, ?, ?>> LOADED = new ConcurrentHashMap<>();

    private final String uid;
    private byte[] folder; // the model folder, zipped
    private String digest;
    private List<OutputField> outputs;
    private InputKind kind;
    private final Param<String> inputCol;
    private final Param<String> idCol;
    private final Param<String> timeCol;
    private final Param<String> errorCol;
    private final IntParam batchSize;
    private final BooleanParam failFast;
    private final Param<String> outputPrefix;
    private final BooleanParam withDetails;
    private List<OutputField> details;

    public TaskTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "the column holding the input: a text; an audio file's bytes (binary) or path; "
                + "for a series, unused (see idCol and timeCol)");
        idCol = new Param<>(this, "idCol", "for series: the column naming the series each row belongs to");
        timeCol = new Param<>(this, "timeCol", "for series: the column of timestamps; every other column but idCol is a value column");
        setDefault(idCol, "id");
        setDefault(timeCol, "time");
        errorCol = new Param<>(this, "errorCol", "the column that says why a row got no prediction (null when it got one)");
        batchSize = new IntParam(this, "batchSize", "rows handed to the model at once; it sorts them by length and batches them itself");
        setDefault(inputCol, "text");
        setDefault(errorCol, "error");
        failFast = new BooleanParam(this, "failFast", "fail the job at the first row without a prediction, instead of an error column");
        outputPrefix = new Param<>(this, "outputPrefix", "put before each output column's name, for an input that has columns of those names");
        // Rows go to the model many at a time: it sorts them by length before batching, and the more it sorts the less
        // it pads (scoring SST-2's 67,349 sentences on local[2] took 45 s in chunks of 256, 27 s in chunks of 4096).
        setDefault(batchSize, 4096);
        setDefault(failFast, false);
        withDetails = new BooleanParam(this, "withDetails", "add the model's detail columns too (a sentiment model's tokens and attention weights)");
        setDefault(outputPrefix, "");
        setDefault(withDetails, false);
    }

    /** A stage predicting with the model in {@code dir} (checked and loaded here once, so a broken folder fails now). */
    public static TaskTransformer of(Path dir) throws IOException {
        return of(Identifiable$.MODULE$.randomUID("grukit"), zip(dir), dir.toString());
    }

    private static TaskTransformer of(String uid, byte[] zipped, String where) {
        TaskTransformer t = new TaskTransformer(uid);
        t.folder = zipped;
        t.digest = sha256(zipped);
        TaskModel<?, ?, ?> model = model(t.digest, zipped);
        t.outputs = List.copyOf(model.outputFields());
        t.details = List.copyOf(model.detailFields());
        t.kind = model.inputKind();
        if (t.kind == InputKind.AUDIO) t.setDefault(t.inputCol, "content"); // spark.read().format("binaryFile")'s bytes
        return t;
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** The reader of saved stages, as {@code PipelineModel.load} calls it. */
    public static MLReader<TaskTransformer> read() {
        return new Reader();
    }

    public static TaskTransformer load(String path) {
        return read().load(path);
    }

    /** Spark's metadata (class, uid, params) and, under {@code data}, the zipped model folder with its SHA-256. */
    private static final class Writer extends MLWriter {
        private final TaskTransformer stage;

        Writer(TaskTransformer stage) {
            this.stage = stage;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, sparkSession());
            StructType schema = new StructType().add("model", DataTypes.BinaryType).add("sha256", DataTypes.StringType);
            sparkSession().createDataFrame(List.of(RowFactory.create(stage.folder, stage.digest)), schema).repartition(1).write()
                    .parquet(path + "/data");
        }
    }

    private static final class Reader extends MLReader<TaskTransformer> {
        @Override
        public TaskTransformer load(String path) {
            DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), TaskTransformer.class.getName());
            Row row = sparkSession().read().parquet(path + "/data").head();
            byte[] zipped = (byte[]) row.get(0);
            if (!sha256(zipped).equals(row.getString(1))) {
                throw new IllegalArgumentException(path + "/data: the saved model does not match its SHA-256; the stage was damaged after saving");
            }
            TaskTransformer t = of(meta.uid(), zipped, path);
            meta.getAndSetParams(t, scala.Option.empty());
            return t;
        }
    }

    // Spark finds a stage's params by its public methods that return one.
    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public BooleanParam failFast() {
        return failFast;
    }

    public Param<String> idCol() {
        return idCol;
    }

    public Param<String> timeCol() {
        return timeCol;
    }

    public TaskTransformer setIdCol(String value) {
        set(idCol, value);
        return this;
    }

    public TaskTransformer setTimeCol(String value) {
        set(timeCol, value);
        return this;
    }

    /** What the model's inputs are made of: the column {@link #inputCol()} names holds them, or rows grouped by series. */
    public InputKind inputKind() {
        return kind;
    }

    public Param<String> outputPrefix() {
        return outputPrefix;
    }

    public BooleanParam withDetails() {
        return withDetails;
    }

    /** Adds the model's detail columns (a sentiment model's tokens and attention weights) beside its outputs. */
    public TaskTransformer setWithDetails(boolean value) {
        if (value && details.isEmpty()) throw new IllegalArgumentException("this model gives no details beside its predictions");
        set(withDetails, value);
        return this;
    }

    public TaskTransformer setOutputPrefix(String value) {
        set(outputPrefix, value == null ? "" : value);
        return this;
    }

    public TaskTransformer setFailFast(boolean value) {
        set(failFast, value);
        return this;
    }

    public TaskTransformer setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public TaskTransformer setErrorCol(String value) {
        set(errorCol, value);
        return this;
    }

    public TaskTransformer setBatchSize(int value) {
        if (value < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + value);
        set(batchSize, value);
        return this;
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        List<String> names = List.of(schema.fieldNames());
        StructType out;
        if (kind == InputKind.SERIES) {
            for (String c : List.of($(idCol), $(timeCol))) {
                if (!names.contains(c)) throw new IllegalArgumentException("no column '" + c + "' among " + names + " (a series needs idCol and timeCol)");
            }
            if (names.size() < 3) throw new IllegalArgumentException("no value columns besides '" + $(idCol) + "' and '" + $(timeCol) + "'");
            out = new StructType().add(schema.apply($(idCol))); // one row per series
        } else {
            String in = $(inputCol);
            if (!names.contains(in)) throw new IllegalArgumentException("no input column '" + in + "' among " + names);
            DataType type = schema.apply(in).dataType();
            boolean ok = type.equals(DataTypes.StringType) || kind == InputKind.AUDIO && type.equals(DataTypes.BinaryType);
            if (!ok) {
                throw new IllegalArgumentException("the input column '" + in + "' holds " + type.simpleString() + ", not "
                        + (kind == InputKind.AUDIO ? "binary (audio bytes) or strings (paths)" : "strings"));
            }
            out = schema;
        }
        List<OutputField> fields = fields();
        List<String> added = new ArrayList<>();
        for (OutputField f : fields) added.add($(outputPrefix) + f.name());
        added.add($(errorCol));
        for (String name : added) {
            if (List.of(out.fieldNames()).contains(name)) {
                throw new IllegalArgumentException("the input already has a column '" + name + "', which the predictions add; set an "
                        + "outputPrefix (and errorCol) to name them apart");
            }
        }
        for (int i = 0; i < fields.size(); i++) {
            out = out.add(new StructField(added.get(i), sparkType(fields.get(i).kind()), true, org.apache.spark.sql.types.Metadata.empty()));
        }
        return out.add($(errorCol), DataTypes.StringType, true);
    }

    /** The columns added: the outputs, then the details when asked for. */
    private List<OutputField> fields() {
        if (!(Boolean) $(withDetails)) return outputs;
        List<OutputField> all = new ArrayList<>(outputs);
        all.addAll(details);
        return all;
    }

    /** Reads one row's input value, as {@link TaskModel#input} takes it; the row's first {@code kept} columns go out with it. */
    private interface RowInput extends java.io.Serializable {
        Object read(Row row);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema());
        Broadcast<byte[]> shipped = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()).broadcast(folder);
        String key = digest;
        int batch = (Integer) $(batchSize);
        List<OutputField> fields = fields();
        int detailCount = fields.size() - outputs.size();
        boolean strict = (Boolean) $(failFast);
        Dataset<Row> rows;
        RowInput read;
        if (kind == InputKind.SERIES) {
            // One row per series: its rows gathered and put in time order (a struct sorts by its first field, the time).
            String id = $(idCol), time = $(timeCol);
            List<String> values = new ArrayList<>();
            for (String c : dataset.columns()) if (!c.equals(id) && !c.equals(time)) values.add(c);
            List<Column> members = new ArrayList<>();
            members.add(functions.col(time));
            for (String c : values) members.add(functions.col(c));
            rows = dataset.toDF().groupBy(functions.col(id))
                    .agg(functions.array_sort(functions.collect_list(functions.struct(members.toArray(new Column[0])))).alias("rows"));
            read = row -> {
                Map<String, Object> columns = new java.util.LinkedHashMap<>();
                columns.put("id", row.get(0));
                List<Row> points = row.getList(1);
                List<Object> times = new ArrayList<>(points.size());
                for (Row p : points) times.add(p.get(0));
                columns.put("time", times);
                for (int c = 0; c < values.size(); c++) {
                    List<Object> v = new ArrayList<>(points.size());
                    for (Row p : points) v.add(p.get(c + 1));
                    columns.put(values.get(c), v);
                }
                return columns;
            };
        } else {
            rows = dataset.toDF();
            int column = dataset.schema().fieldIndex($(inputCol));
            read = row -> row.get(column);
        }
        int kept = schema.size() - fields.size() - 1;
        MapPartitionsFunction<Row, Row> predict = in -> {
            // The kernels use the cores Spark gives each task (spark.task.cpus), not every core of the executor.
            TaskContext task = TaskContext.get();
            if (task != null && task.cpus() != Parallel.threads()) Parallel.setThreads(Math.max(1, task.cpus()));
            return new Batches(in, model(key, shipped.value()), read, kept, batch, fields, detailCount, strict);
        };
        return rows.mapPartitions(predict, Encoders.row(schema));
    }

    @Override
    public TaskTransformer copy(ParamMap extra) {
        TaskTransformer t = defaultCopy(extra);
        t.folder = folder;
        t.digest = digest;
        t.outputs = outputs;
        t.details = details;
        t.kind = kind;
        return t;
    }

    /** The rows of one partition, predicted a batch at a time. */
    private static final class Batches implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final TaskModel<?, ?, ?> model;
        private final RowInput read;
        private final int kept, size;
        private final List<OutputField> fields;
        private final int detailCount;
        private final boolean failFast;
        private final List<Row> ready = new ArrayList<>();
        private int next;

        Batches(Iterator<Row> rows, TaskModel<?, ?, ?> model, RowInput read, int kept, int size, List<OutputField> fields, int detailCount,
                boolean failFast) {
            this.failFast = failFast;
            this.detailCount = detailCount;
            this.rows = rows;
            this.model = model;
            this.read = read;
            this.kept = kept;
            this.size = size;
            this.fields = fields;
        }

        @Override
        public boolean hasNext() {
            if (next < ready.size()) return true;
            ready.clear();
            next = 0;
            List<Row> in = new ArrayList<>(size);
            while (in.size() < size && rows.hasNext()) in.add(rows.next());
            if (in.isEmpty()) return false;
            ready.addAll(predict(model, in));
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            return ready.get(next++);
        }

        private <I, O> List<Row> predict(TaskModel<?, I, O> m, List<Row> in) {
            List<I> inputs = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            Object[][] values = new Object[in.size()][];
            String[] errors = new String[in.size()];
            for (int r = 0; r < in.size(); r++) {
                Object v = read.read(in.get(r));
                if (v == null || v instanceof String text && text.isBlank()) {
                    errors[r] = v == null ? "the input is null" : "the input is empty";
                    continue;
                }
                try { // an input that cannot be one (undecodable audio, a bad series) is this row's error
                    inputs.add(m.input(v));
                    at.add(r);
                } catch (IllegalArgumentException e) {
                    errors[r] = e.getMessage();
                }
            }
            List<O> out;
            try {
                out = m.predict(inputs);
            } catch (IllegalArgumentException | UncheckedIOException e) { // one bad row: predict one by one to say which
                out = null;
            }
            for (int k = 0; k < inputs.size(); k++) {
                int r = at.get(k);
                try {
                    O p = out != null ? out.get(k) : m.predict(List.of(inputs.get(k))).get(0);
                    values[r] = values(m, p, detailCount == 0 ? null : m.details(List.of(inputs.get(k))).get(0));
                } catch (IllegalArgumentException | UncheckedIOException e) {
                    errors[r] = e.getMessage();
                }
            }
            List<Row> rowsOut = new ArrayList<>(in.size());
            for (int r = 0; r < in.size(); r++) {
                if (failFast && errors[r] != null) throw new IllegalArgumentException("row " + in.get(r) + ": " + errors[r]);
                Row row = in.get(r);
                Object[] all = new Object[kept + fields.size() + 1];
                for (int c = 0; c < kept; c++) all[c] = row.get(c);
                if (values[r] != null) System.arraycopy(values[r], 0, all, kept, fields.size());
                all[all.length - 1] = errors[r];
                rowsOut.add(RowFactory.create(all));
            }
            return rowsOut;
        }

        private <O> Object[] values(TaskModel<?, ?, O> m, O prediction, Map<String, Object> details) {
            Map<String, Object> v = m.outputValues(prediction);
            Object[] out = new Object[fields.size()];
            int outputs = fields.size() - detailCount;
            for (int i = 0; i < out.length; i++) out[i] = spark((i < outputs ? v : details).get(fields.get(i).name()));
            return out;
        }
    }

    /** A value as Spark's row encoder takes it: lists become Scala sequences, recursively. */
    private static Object spark(Object v) {
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(spark(o));
            return scala.jdk.javaapi.CollectionConverters.asScala(out).toSeq();
        }
        return v;
    }

    private static DataType sparkType(OutputField.Kind kind) {
        return switch (kind) {
            case STRING -> DataTypes.StringType;
            case DOUBLE -> DataTypes.DoubleType;
            case INT -> DataTypes.IntegerType;
            case STRING_LIST -> DataTypes.createArrayType(DataTypes.StringType);
            case DOUBLE_LIST -> DataTypes.createArrayType(DataTypes.DoubleType);
            case DOUBLE_MATRIX -> DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType));
            case DOUBLE_CUBE -> DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
        };
    }

    /** The model of this content, loaded once per JVM. */
    private static TaskModel<?, ?, ?> model(String digest, byte[] zipped) {
        return LOADED.computeIfAbsent(digest, d -> {
            try {
                return Tasks.load(new ByteArrayInputStream(zipped));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the shipped model " + d.substring(0, 12) + ": " + e.getMessage(), e);
            }
        });
    }

    /** The model's own files (model.json and those it records), zipped. */
    static byte[] zip(Path dir) throws IOException {
        JsonNode root = ModelBundle.open(dir).descriptor();
        List<String> files = new ArrayList<>(FolderIntegrity.modelFiles(root));
        if (!FolderIntegrity.sealed(root)) { // an older folder: every regular file at its top
            files.clear();
            try (var s = Files.list(dir)) {
                s.filter(Files::isRegularFile).forEach(p -> files.add(p.getFileName().toString()));
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (String f : files) {
                z.putNextEntry(new ZipEntry(f));
                Files.copy(dir.resolve(f), z);
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}

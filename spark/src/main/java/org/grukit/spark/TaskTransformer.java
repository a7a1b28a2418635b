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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.grukit.core.io.FolderIntegrity;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.io.ModelBundle;
import org.grukit.core.task.OutputField;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.Tasks;

/**
 * A Spark ML stage that predicts with any grukit task model whose input is a text (sentiment, translation,
 * summarisation), built from the task contract: the input column is read, the model's output fields are added as
 * columns, and an error column says why a row got no prediction (null or empty input, a text the model refuses)
 * instead of failing the job. The model folder travels as one zipped broadcast, is loaded once per executor JVM
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
    private final Param<String> inputCol;
    private final Param<String> errorCol;
    private final IntParam batchSize;
    private final BooleanParam failFast;
    private final Param<String> outputPrefix;

    public TaskTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "the column holding the text to predict for");
        errorCol = new Param<>(this, "errorCol", "the column that says why a row got no prediction (null when it got one)");
        batchSize = new IntParam(this, "batchSize", "rows predicted together, length-sorted, per call of the model");
        setDefault(inputCol, "text");
        setDefault(errorCol, "error");
        failFast = new BooleanParam(this, "failFast", "fail the job at the first row without a prediction, instead of an error column");
        outputPrefix = new Param<>(this, "outputPrefix", "put before each output column's name, for an input that has columns of those names");
        setDefault(batchSize, 256);
        setDefault(failFast, false);
        setDefault(outputPrefix, "");
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
        if (model.inputType() != String.class) {
            throw new IllegalArgumentException(where + " holds a " + model.type() + " model, whose input is "
                    + model.inputType().getSimpleName() + ", not a text");
        }
        t.outputs = List.copyOf(model.outputFields());
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

    public Param<String> outputPrefix() {
        return outputPrefix;
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
        String in = $(inputCol);
        if (!List.of(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException("no input column '" + in + "' among " + List.of(schema.fieldNames()));
        }
        if (!schema.apply(in).dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("the input column '" + in + "' holds " + schema.apply(in).dataType().simpleString() + ", not strings");
        }
        StructType out = schema;
        List<String> added = new ArrayList<>();
        for (OutputField f : outputs) added.add($(outputPrefix) + f.name());
        added.add($(errorCol));
        for (String name : added) {
            if (List.of(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException("the input already has a column '" + name + "', which the predictions add; set an "
                        + "outputPrefix (and errorCol) to name them apart");
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            out = out.add(new StructField(added.get(i), sparkType(outputs.get(i).kind()), true, org.apache.spark.sql.types.Metadata.empty()));
        }
        return out.add($(errorCol), DataTypes.StringType, true);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema());
        Broadcast<byte[]> shipped = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()).broadcast(folder);
        String key = digest;
        int column = dataset.schema().fieldIndex($(inputCol));
        int batch = (Integer) $(batchSize);
        List<OutputField> fields = outputs;
        boolean strict = (Boolean) $(failFast);
        MapPartitionsFunction<Row, Row> predict = rows -> {
            // The kernels use the cores Spark gives each task (spark.task.cpus), not every core of the executor.
            TaskContext task = TaskContext.get();
            if (task != null && task.cpus() != Parallel.threads()) Parallel.setThreads(Math.max(1, task.cpus()));
            return new Batches(rows, model(key, shipped.value()), column, batch, fields, strict);
        };
        return dataset.toDF().mapPartitions(predict, Encoders.row(schema));
    }

    @Override
    public TaskTransformer copy(ParamMap extra) {
        TaskTransformer t = defaultCopy(extra);
        t.folder = folder;
        t.digest = digest;
        t.outputs = outputs;
        return t;
    }

    /** The rows of one partition, predicted a batch at a time. */
    private static final class Batches implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final TaskModel<?, ?, ?> model;
        private final int column, size;
        private final List<OutputField> fields;
        private final boolean failFast;
        private final List<Row> ready = new ArrayList<>();
        private int next;

        Batches(Iterator<Row> rows, TaskModel<?, ?, ?> model, int column, int size, List<OutputField> fields, boolean failFast) {
            this.failFast = failFast;
            this.rows = rows;
            this.model = model;
            this.column = column;
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
                Object v = in.get(r).get(column);
                if (v == null || ((String) v).isBlank()) {
                    errors[r] = v == null ? "the input is null" : "the input is empty";
                } else {
                    inputs.add(m.inputType().cast(v));
                    at.add(r);
                }
            }
            List<O> out;
            try {
                out = m.predict(inputs);
            } catch (IllegalArgumentException e) { // one bad row: predict one by one to say which
                out = null;
            }
            for (int k = 0; k < inputs.size(); k++) {
                int r = at.get(k);
                try {
                    O p = out != null ? out.get(k) : m.predict(List.of(inputs.get(k))).get(0);
                    values[r] = values(m, p);
                } catch (IllegalArgumentException e) {
                    errors[r] = e.getMessage();
                }
            }
            List<Row> rowsOut = new ArrayList<>(in.size());
            for (int r = 0; r < in.size(); r++) {
                if (failFast && errors[r] != null) throw new IllegalArgumentException("row " + in.get(r) + ": " + errors[r]);
                Row row = in.get(r);
                Object[] all = new Object[row.size() + fields.size() + 1];
                for (int c = 0; c < row.size(); c++) all[c] = row.get(c);
                if (values[r] != null) System.arraycopy(values[r], 0, all, row.size(), fields.size());
                all[all.length - 1] = errors[r];
                rowsOut.add(RowFactory.create(all));
            }
            return rowsOut;
        }

        private <O> Object[] values(TaskModel<?, ?, O> m, O prediction) {
            Map<String, Object> v = m.outputValues(prediction);
            Object[] out = new Object[fields.size()];
            for (int i = 0; i < out.length; i++) out[i] = spark(v.get(fields.get(i).name()));
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

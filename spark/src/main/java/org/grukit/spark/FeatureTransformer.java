package org.grukit.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.grukit.speech.Audio;
import org.grukit.speech.FeaturePipeline;
import org.grukit.speech.FeatureRequest;
import org.grukit.speech.AudioFiles;

/**
 * A Spark ML stage computing speech features (MFCC or log mel filterbanks, the Kaldi and torchaudio presets, with Kaldi's
 * option names) of audio in a table: WAV bytes, as {@code spark.read().format("binaryFile")} gives them, or file paths.
 * Adds an array column [frames][coefficients] (write it out as Parquet) and an error column naming why a row has none
 * (null, empty or undecodable audio). The features are {@link FeatureRequest}'s, those of {@code grukit features}. Saves
 * and loads as Spark ML stages do, so it sits in a saved {@code PipelineModel}.
 */
public final class FeatureTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> errorCol;
    private final Param<String> preset;
    private final IntParam numMelBins;
    private final IntParam numCeps;
    private final DoubleParam frameLength;
    private final DoubleParam frameShift;
    private final DoubleParam lowFreq;
    private final DoubleParam highFreq;
    private final BooleanParam useEnergy;
    private final DoubleParam dither;
    private final LongParam seed;
    private final IntParam sampleFrequency;

    public FeatureTransformer() {
        this(Identifiable$.MODULE$.randomUID("grukitFeatures"));
    }

    public FeatureTransformer(String uid) {
        this.uid = uid; // before the params: each takes its parent's uid
        highFreq = new DoubleParam(this, "highFreq", "high cut-off in Hz; 0 is Nyquist, < 0 counts back from it (Kaldi)");
        useEnergy = new BooleanParam(this, "useEnergy", "add log energy (C0 replaced for MFCCs); Kaldi only");
        dither = new DoubleParam(this, "dither", "Gaussian dither at 16-bit sample scale; Kaldi only");
        inputCol = new Param<>(this, "inputCol", "the column of audio: a WAV file's bytes (binary) or its path");
        outputCol = new Param<>(this, "outputCol", "the column the features go to, [frames][coefficients]");
        errorCol = new Param<>(this, "errorCol", "the column that says why a row has no features (null when it has)");
        preset = new Param<>(this, "preset", "kaldi-mfcc, kaldi-fbank, torchaudio-mfcc or torchaudio-mel");
        numMelBins = new IntParam(this, "numMelBins", "mel bins (unset: kaldi 23, torchaudio 128)");
        numCeps = new IntParam(this, "numCeps", "cepstra, for MFCCs (unset: kaldi 13, torchaudio 40)");
        frameLength = new DoubleParam(this, "frameLength", "frame length in ms (unset: kaldi 25, torchaudio 400 samples)");
        frameShift = new DoubleParam(this, "frameShift", "frame shift in ms (unset: kaldi 10, torchaudio half the frame)");
        lowFreq = new DoubleParam(this, "lowFreq", "low cut-off in Hz (unset: kaldi 20, torchaudio 0)");
        seed = new LongParam(this, "seed", "seed of the dither noise");
        sampleFrequency = new IntParam(this, "sampleFrequency", "resample to this rate first (unset: each recording's)");
        setDefault(inputCol, "content");
        setDefault(outputCol, "features");
        setDefault(errorCol, "error");
        setDefault(preset, "kaldi-mfcc");
        setDefault(highFreq, 0.0);
        setDefault(useEnergy, false);
        setDefault(dither, 0.0);
        setDefault(seed, 0L);
    }

    @Override
    public String uid() {
        return uid;
    }

    // Spark finds a stage's params by its public methods that return one.
    public Param<String> inputCol() { return inputCol; }
    public Param<String> outputCol() { return outputCol; }
    public Param<String> errorCol() { return errorCol; }
    public Param<String> preset() { return preset; }
    public IntParam numMelBins() { return numMelBins; }
    public IntParam numCeps() { return numCeps; }
    public DoubleParam frameLength() { return frameLength; }
    public DoubleParam frameShift() { return frameShift; }
    public DoubleParam lowFreq() { return lowFreq; }
    public DoubleParam highFreq() { return highFreq; }
    public BooleanParam useEnergy() { return useEnergy; }
    public DoubleParam dither() { return dither; }
    public LongParam seed() { return seed; }
    public IntParam sampleFrequency() { return sampleFrequency; }

    public FeatureTransformer setInputCol(String v) { set(inputCol, v); return this; }
    public FeatureTransformer setOutputCol(String v) { set(outputCol, v); return this; }
    public FeatureTransformer setErrorCol(String v) { set(errorCol, v); return this; }
    public FeatureTransformer setNumMelBins(int v) { set(numMelBins, v); return this; }
    public FeatureTransformer setNumCeps(int v) { set(numCeps, v); return this; }
    public FeatureTransformer setFrameLength(double v) { set(frameLength, v); return this; }
    public FeatureTransformer setFrameShift(double v) { set(frameShift, v); return this; }
    public FeatureTransformer setLowFreq(double v) { set(lowFreq, v); return this; }
    public FeatureTransformer setHighFreq(double v) { set(highFreq, v); return this; }
    public FeatureTransformer setUseEnergy(boolean v) { set(useEnergy, v); return this; }
    public FeatureTransformer setDither(double v) { set(dither, v); return this; }
    public FeatureTransformer setSeed(long v) { set(seed, v); return this; }
    public FeatureTransformer setSampleFrequency(int v) { set(sampleFrequency, v); return this; }

    /** The preset, checked now: kaldi-mfcc, kaldi-fbank, torchaudio-mfcc or torchaudio-mel. */
    public FeatureTransformer setPreset(String v) {
        presetOf(v);
        set(preset, v);
        return this;
    }

    /** The request from a request value: the stage's params, those unset at the preset's defaults. */
    public FeatureTransformer setRequest(FeatureRequest r) {
        setPreset(r.preset().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        if (r.numMelBins() != null) setNumMelBins(r.numMelBins());
        if (r.numCeps() != null) setNumCeps(r.numCeps());
        if (r.frameLength() != null) setFrameLength(r.frameLength());
        if (r.frameShift() != null) setFrameShift(r.frameShift());
        if (r.lowFreq() != null) setLowFreq(r.lowFreq());
        if (r.sampleFrequency() != null) setSampleFrequency(r.sampleFrequency());
        return setHighFreq(r.highFreq()).setUseEnergy(r.useEnergy()).setDither(r.dither()).setSeed(r.seed());
    }

    private static FeaturePipeline.Preset presetOf(String v) {
        for (FeaturePipeline.Preset p : FeaturePipeline.Preset.values()) {
            if (p.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(v)) return p;
        }
        throw new IllegalArgumentException("unknown preset '" + v + "'; available: kaldi-mfcc, kaldi-fbank, torchaudio-mfcc, torchaudio-mel");
    }

    /** What the params ask for (checked: a Kaldi option with a torchaudio preset is an error here, not in a task). */
    public FeatureRequest request() {
        return new FeatureRequest(presetOf($(preset)), isSet(numMelBins) ? (Integer) $(numMelBins) : null,
                isSet(numCeps) ? (Integer) $(numCeps) : null, isSet(frameLength) ? (float) (double) (Double) $(frameLength) : null,
                isSet(frameShift) ? (float) (double) (Double) $(frameShift) : null, isSet(lowFreq) ? (float) (double) (Double) $(lowFreq) : null,
                (float) (double) (Double) $(highFreq), (Boolean) $(useEnergy), (float) (double) (Double) $(dither), (Long) $(seed),
                isSet(sampleFrequency) ? (Integer) $(sampleFrequency) : null);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        request();
        List<String> names = List.of(schema.fieldNames());
        String in = $(inputCol);
        if (!names.contains(in)) throw new IllegalArgumentException("no input column '" + in + "' among " + names);
        DataType type = schema.apply(in).dataType();
        if (!type.equals(DataTypes.BinaryType) && !type.equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("the input column '" + in + "' holds " + type.simpleString() + ", not binary (WAV bytes) or strings (paths)");
        }
        for (String c : List.of($(outputCol), $(errorCol))) {
            if (names.contains(c)) throw new IllegalArgumentException("the input already has a column '" + c + "'; set outputCol and errorCol to others");
        }
        return schema.add($(outputCol), DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), true)
                .add($(errorCol), DataTypes.StringType, true);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema());
        FeatureRequest request = request();
        int column = dataset.schema().fieldIndex($(inputCol));
        MapPartitionsFunction<Row, Row> compute = rows -> new Iterator<Row>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row row = rows.next();
                Object features = null;
                String error = null;
                try {
                    features = spark(request.compute(audio(row.get(column))));
                } catch (IOException | IllegalArgumentException e) {
                    error = e.getMessage();
                }
                Object[] all = new Object[row.size() + 2];
                for (int c = 0; c < row.size(); c++) all[c] = row.get(c);
                all[row.size()] = features;
                all[row.size() + 1] = error;
                return RowFactory.create(all);
            }
        };
        return dataset.toDF().mapPartitions(compute, Encoders.row(schema));
    }

    private static Audio audio(Object value) throws IOException {
        if (value == null) throw new IllegalArgumentException("the audio is null");
        if (value instanceof byte[] bytes) {
            if (bytes.length == 0) throw new IllegalArgumentException("the audio is empty: no bytes");
            return AudioFiles.read(bytes, "the audio bytes");
        }
        String path = (String) value;
        if (path.isBlank()) throw new IllegalArgumentException("the audio is empty: no path");
        return AudioFiles.read(Path.of(path.startsWith("file:") ? java.net.URI.create(path).getPath() : path));
    }

    /** Frames as Spark's row encoder takes an array of arrays. */
    private static Object spark(float[][] frames) {
        List<Object> out = new ArrayList<>(frames.length);
        for (float[] f : frames) {
            List<Float> row = new ArrayList<>(f.length);
            for (float x : f) row.add(x);
            out.add(scala.jdk.javaapi.CollectionConverters.asScala(row).toSeq());
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(out).toSeq();
    }

    @Override
    public FeatureTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return DefaultParamsWritable.super.write();
    }

    /** The reader of saved stages, as {@code PipelineModel.load} calls it. */
    public static MLReader<FeatureTransformer> read() {
        return new DefaultParamsReader<>();
    }

    public static FeatureTransformer load(String path) {
        return read().load(path);
    }
}

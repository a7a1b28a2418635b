package org.grukit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.grukit.core.Rng;
import org.grukit.nlp.speech.SpeechData;
import org.grukit.nlp.task.TinyData;
import org.grukit.speech.FeaturePipeline;
import org.grukit.speech.FeatureRequest;
import org.grukit.speech.WavReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Speech features as a Spark stage on local[2]: those of one JVM, value for value, from bytes or paths, through Parquet. */
class FeatureTransformerTest {
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("grukit-features").config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Eight recordings and one broken file; the single JVM's features of each, by file name. */
    private Map<String, float[][]> recordings(Path audio, FeatureRequest request) throws IOException {
        Files.createDirectories(audio);
        Map<String, float[][]> expected = new LinkedHashMap<>();
        for (SpeechData.Utterance u : TinyData.tones(8, new Rng(5))) {
            Path f = audio.resolve(u.id() + ".wav");
            Files.write(f, TinyData.wav(u.samples(), u.sampleRate()));
            expected.put(f.getFileName().toString(), request.compute(WavReader.read(f)));
        }
        Files.writeString(audio.resolve("broken.wav"), "RIFF but not really");
        return expected;
    }

    private static float[][] frames(Row r, String column) {
        List<List<Float>> rows = r.getList(r.fieldIndex(column));
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            List<Float> row = scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Float>) (Object) rows.get(i));
            out[i] = new float[row.size()];
            for (int j = 0; j < out[i].length; j++) out[i][j] = row.get(j);
        }
        return out;
    }

    @Test
    void kaldiMfccsFromBinaryFilesEqualOneJvmsThroughParquet() throws IOException {
        FeatureRequest request = FeatureRequest.of(FeaturePipeline.Preset.KALDI_MFCC);
        Map<String, float[][]> expected = recordings(dir.resolve("audio"), request);
        Dataset<Row> files = spark.read().format("binaryFile").load(dir.resolve("audio").toString());
        FeatureTransformer stage = new FeatureTransformer();
        String parquet = dir.resolve("features.parquet").toString();
        stage.transform(files).drop("content").write().parquet(parquet);
        List<Row> out = spark.read().parquet(parquet).collectAsList();
        assertEquals(expected.size() + 1, out.size());
        for (Row r : out) {
            String name = Path.of(java.net.URI.create(r.getString(r.fieldIndex("path")))).getFileName().toString();
            if (name.equals("broken.wav")) {
                assertTrue(r.getString(r.fieldIndex("error")).contains("the audio bytes"), r.getString(r.fieldIndex("error")));
                continue;
            }
            assertNull(r.get(r.fieldIndex("error")));
            float[][] got = frames(r, "features"), want = expected.get(name);
            assertEquals(want.length, got.length, name);
            assertEquals(13, got[0].length, "Kaldi's 13 cepstra");
            for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], got[i], 0f, name + " frame " + i);
        }
    }

    @Test
    void torchaudioMelFromPathsInAPipelineThatSavesAndLoads() throws IOException {
        FeatureRequest request = new FeatureRequest(FeaturePipeline.Preset.TORCHAUDIO_MEL, 40, null, 25f, 10f, null, 0f, false, 0f, 0, 16000);
        Map<String, float[][]> expected = recordings(dir.resolve("audio"), request);
        List<Row> rows = new ArrayList<>();
        for (String name : expected.keySet()) rows.add(RowFactory.create(dir.resolve("audio").resolve(name).toString()));
        rows.add(RowFactory.create((String) null));
        Dataset<Row> in = spark.createDataFrame(rows, new StructType().add("file", DataTypes.StringType));
        FeatureTransformer stage = new FeatureTransformer().setInputCol("file").setOutputCol("mel").setRequest(request);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {stage}).fit(in);
        fitted.write().overwrite().save(dir.resolve("pipeline").toString());
        FeatureTransformer loaded = (FeatureTransformer) PipelineModel.load(dir.resolve("pipeline").toString()).stages()[0];
        assertEquals(request, loaded.request(), "the params come back as they were set");
        for (Row r : loaded.transform(in).collectAsList()) {
            if (r.get(0) == null) {
                assertTrue(r.getString(r.fieldIndex("error")).contains("null"));
                continue;
            }
            float[][] got = frames(r, "mel"), want = expected.get(Path.of(r.getString(0)).getFileName().toString());
            assertEquals(40, got[0].length);
            for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], got[i], 0f, "frame " + i);
        }
    }

    @Test
    void aKaldiOptionWithTheTorchaudioPresetIsRefusedBeforeTheJob() {
        Dataset<Row> in = spark.createDataFrame(List.of(RowFactory.create("x.wav")), new StructType().add("file", DataTypes.StringType));
        FeatureTransformer stage = new FeatureTransformer().setInputCol("file").setPreset("torchaudio-mfcc").setUseEnergy(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stage.transform(in));
        assertTrue(e.getMessage().contains("Kaldi options"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FeatureTransformer().setPreset("htk"));
    }
}

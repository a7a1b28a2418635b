package org.grukit.nlp.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grukit.core.Rng;
import org.grukit.core.task.OutputField;
import org.grukit.core.task.TaskModel;
import org.grukit.core.task.Tasks;
import org.grukit.nlp.forecast.ForecastData;
import org.grukit.nlp.forecast.ForecastTask;
import org.grukit.nlp.forecast.Forecaster;
import org.grukit.nlp.forecast.TimeSeries;
import org.grukit.nlp.sentiment.SentimentClassifier;
import org.grukit.nlp.sentiment.SentimentTask;
import org.grukit.nlp.speech.SpeechTask;
import org.grukit.nlp.speech.Transcriber;
import org.grukit.nlp.summarize.SummarizationTask;
import org.grukit.nlp.summarize.Summarizer;
import org.grukit.nlp.translate.TranslationTask;
import org.grukit.nlp.translate.Translator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every task lays its predictions out as named, typed values (what a Spark stage adds as columns and the server
 * returns): each declared field is present with a value of its kind, and nothing else is.
 */
class OutputFieldsTest {
    @TempDir
    Path dir;

    private static <I, O> void assertLaidOut(TaskModel<?, I, O> model, List<I> inputs) {
        List<O> predictions = model.predict(inputs);
        assertEquals(inputs.size(), predictions.size());
        List<String> names = model.outputFields().stream().map(OutputField::name).toList();
        assertEquals(names.size(), new java.util.HashSet<>(names).size(), "field names are distinct: " + names);
        for (O p : predictions) {
            Map<String, Object> values = model.outputValues(p);
            assertEquals(new java.util.TreeSet<>(names), new java.util.TreeSet<>(values.keySet()), model.type());
            for (OutputField f : model.outputFields()) {
                assertTrue(f.kind().holds(values.get(f.name())), model.type() + " " + f.name() + " is not " + f.kind() + ": " + values.get(f.name()));
            }
        }
    }

    @Test
    void everyTaskDeclaresWhatItsPredictionsHold() throws IOException {
        SentimentTask st = new SentimentTask();
        SentimentClassifier s = Tasks.train(st, st.defaults(100).withSize(4, 4).withEpochs(1), TinyData.reviews(100, 1),
                TinyData.reviews(20, 2), new Tasks.Run(null, false, null)).model();
        assertLaidOut(s, List.of("great film", "dull plot"));
        List<Map<String, Object>> details = s.details(List.of("great film", "dull plot"));
        for (Map<String, Object> d : details) {
            for (OutputField f : s.detailFields()) assertTrue(f.kind().holds(d.get(f.name())), f.name() + " is not " + f.kind() + ": " + d.get(f.name()));
        }
        assertEquals(List.of("great", "film"), details.get(0).get("tokens"));
        assertEquals(List.of("neg", "pos"), s.labels());

        Translator.Settings td = Translator.Settings.defaults().withSize(4, 8, 8).withEpochs(1);
        Translator t = Tasks.train(new TranslationTask(), td, TinyData.pairs(60, new Rng(1)), TinyData.pairs(10, new Rng(2)),
                new Tasks.Run(null, false, null)).model();
        assertLaidOut(t, List.of("ka lu", "mi"));

        Summarizer.Settings sd = Summarizer.Settings.defaults().withSize(100, 4, 8, 8);
        Summarizer m = Tasks.train(new SummarizationTask(), sd.withTraining(sd.training().withEpochs(1)), TinyData.emails(30, new Rng(1)),
                TinyData.emails(5, new Rng(2)), new Tasks.Run(null, false, null)).model();
        assertLaidOut(m, List.of("Hi all, the budget meeting is moved to Friday. Thanks."));

        Transcriber.Settings pd = Transcriber.Settings.defaultsFor(10);
        Transcriber p = Tasks.train(new SpeechTask(), pd.withModel(pd.model().withHiddenSize(4)).withTraining(pd.training().withEpochs(1)),
                TinyData.tones(10, new Rng(1)), TinyData.tones(3, new Rng(2)), new Tasks.Run(null, false, null)).model();
        assertLaidOut(p, TinyData.tones(2, new Rng(3)));

        TimeSeries series = TinyData.monthlySeries(dir);
        Forecaster.Settings fd = Forecaster.Settings.defaults(3, series.frequency());
        ForecastData data = new ForecastData(series, Forecaster.Split.fractions(series.length(), 0.2, 0.2));
        Forecaster f = Tasks.train(new ForecastTask(), fd.withData(fd.data().withInputLength(12)).withModel(fd.model().withHiddenSize(4)
                .withQuantiles(List.of(0.1, 0.9))).withTraining(fd.training().withEpochs(1)), data, data, new Tasks.Run(null, false, null)).model();
        assertLaidOut(f, List.of(series));
        Map<String, Object> v = f.outputValues(f.predict(series));
        assertEquals(3, ((List<?>) v.get("forecast")).size(), "one row a step");
        assertEquals(2, ((List<?>) v.get("quantile_forecasts")).size(), "one matrix a quantile");
    }
}

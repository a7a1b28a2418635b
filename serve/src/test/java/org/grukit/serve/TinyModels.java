package org.grukit.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.Rng;
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
import org.grukit.nlp.task.TinyData;
import org.grukit.nlp.translate.TranslationTask;
import org.grukit.nlp.translate.Translator;

/** One small trained model of each task, trained once per test JVM on made-up data (seconds each), for the server's tests. */
final class TinyModels {
    private TinyModels() {}

    private static final Tasks.Run QUIET = new Tasks.Run(null, false, null);
    private static SentimentClassifier sentiment;
    private static Translator translator;
    private static Summarizer summarizer;
    private static Transcriber transcriber;
    private static Forecaster forecaster;

    static synchronized SentimentClassifier sentiment() throws IOException {
        if (sentiment == null) {
            SentimentTask task = new SentimentTask();
            sentiment = Tasks.train(task, task.defaults(200).withSize(8, 8).withEpochs(2), TinyData.reviews(200, 1), TinyData.reviews(40, 2), QUIET).model();
        }
        return sentiment;
    }

    static synchronized Translator translator() throws IOException {
        if (translator == null) {
            translator = Tasks.train(new TranslationTask(), Translator.Settings.defaults().withSize(4, 8, 8).withEpochs(1),
                    TinyData.pairs(60, new Rng(1)), TinyData.pairs(10, new Rng(2)), QUIET).model();
        }
        return translator;
    }

    static synchronized Summarizer summarizer() throws IOException {
        if (summarizer == null) {
            Summarizer.Settings sd = Summarizer.Settings.defaults().withSize(100, 4, 8, 8);
            summarizer = Tasks.train(new SummarizationTask(), sd.withTraining(sd.training().withEpochs(1)), TinyData.emails(30, new Rng(1)),
                    TinyData.emails(5, new Rng(2)), QUIET).model();
        }
        return summarizer;
    }

    static synchronized Transcriber transcriber() throws IOException {
        if (transcriber == null) {
            Transcriber.Settings pd = Transcriber.Settings.defaultsFor(10);
            transcriber = Tasks.train(new SpeechTask(), pd.withModel(pd.model().withHiddenSize(8)).withTraining(pd.training().withEpochs(2)),
                    TinyData.tones(20, new Rng(1)), TinyData.tones(4, new Rng(2)), QUIET).model();
        }
        return transcriber;
    }

    static synchronized Forecaster forecaster() throws IOException {
        if (forecaster == null) {
            Path dir = Files.createTempDirectory("grukit-serve-test");
            TimeSeries series = TinyData.monthlySeries(dir);
            Forecaster.Settings fd = Forecaster.Settings.defaults(3, series.frequency());
            ForecastData data = new ForecastData(series, Forecaster.Split.fractions(series.length(), 0.2, 0.2));
            // Without calendar features (a default for a regular series), so it also takes a history without timestamps.
            forecaster = Tasks.train(new ForecastTask(), fd.withData(fd.data().withInputLength(12).withCalendar(false)).withModel(fd.model().withHiddenSize(4)
                    .withQuantiles(List.of(0.1, 0.9))).withTraining(fd.training().withEpochs(1)), data, data, QUIET).model();
            Files.delete(dir.resolve("monthly.csv"));
            Files.delete(dir);
        }
        return forecaster;
    }

    /** A made-up recording of "yes no" (the tones' words) as WAV bytes. */
    static byte[] recording(long seed) {
        var u = TinyData.tones(1, new Rng(seed)).get(0);
        return TinyData.wav(u.samples(), u.sampleRate());
    }
}

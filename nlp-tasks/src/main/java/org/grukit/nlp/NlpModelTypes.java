package org.grukit.nlp;

import java.util.List;
import org.grukit.core.Rng;
import org.grukit.core.io.ModelTypeProvider;
import org.grukit.core.io.ModelTypes;
import org.grukit.nlp.forecast.ForecastModel;
import org.grukit.nlp.sentiment.SentimentModel;
import org.grukit.nlp.speech.SpeechModel;
import org.grukit.nlp.summarize.SummarizationModel;
import org.grukit.nlp.translate.TranslationModel;

/** The model types of the tasks in this module, registered as a service so that any of their folders loads by type. */
public final class NlpModelTypes implements ModelTypeProvider {
    @Override
    public List<ModelTypes.Type<?>> modelTypes() {
        return List.of(
                new ModelTypes.Type<>(SentimentModel.TYPE, SentimentModel.Config.class, c -> new SentimentModel(c, new Rng(0))),
                new ModelTypes.Type<>(TranslationModel.TYPE, TranslationModel.Config.class, c -> new TranslationModel(c, new Rng(0))),
                new ModelTypes.Type<>(SpeechModel.TYPE, SpeechModel.Config.class, c -> new SpeechModel(c, new Rng(0))),
                new ModelTypes.Type<>(SummarizationModel.TYPE, SummarizationModel.Config.class, c -> new SummarizationModel(c, new Rng(0))),
                new ModelTypes.Type<>(ForecastModel.TYPE, ForecastModel.Config.class, c -> new ForecastModel(c, new Rng(0))));
    }
}

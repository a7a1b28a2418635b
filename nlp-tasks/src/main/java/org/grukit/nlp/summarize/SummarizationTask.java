package org.grukit.nlp.summarize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grukit.core.task.Task;

/**
 * Summarisation through the task contract: documents with their summaries in, a summary out. What is its own
 * (the text pipeline, the pointer-generator, its loss with coverage, dev ROUGE-L) lives in {@link Summarizer}.
 */
public final class SummarizationTask implements Task<Summarizer.Settings, List<SummaryData.Document>, String,
        Summarizer.Summary, Summarizer> {

    @Override
    public String name() {
        return "summarize";
    }

    @Override
    public String modelType() {
        return SummarizationModel.TYPE;
    }

    @Override
    public int size(List<SummaryData.Document> data) {
        return data.size();
    }

    @Override
    public Summarizer.Settings defaults(int trainSize) {
        return Summarizer.Settings.defaults();
    }

    @Override
    public Training<Summarizer> prepare(Summarizer.Settings settings, List<SummaryData.Document> train,
                                        List<SummaryData.Document> dev) throws IOException {
        return Summarizer.prepare(train, dev, settings);
    }

    @Override
    public Summarizer load(Path dir) throws IOException {
        return Summarizer.load(dir);
    }
}

package org.grukit.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.core.kernel.Parallel;
import org.grukit.core.train.JsonLines;
import org.grukit.nlp.data.BadRows;
import org.grukit.nlp.metrics.Rouge;
import org.grukit.nlp.summarize.Lead;
import org.grukit.nlp.summarize.Summarizer;
import org.grukit.nlp.summarize.SummaryData;
import org.grukit.nlp.text.SentenceSplitter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grukit summarize train|eval|run}: pointer-generator summarisation (See et al. 2017) with GRUs. */
@Command(name = "summarize", mixinStandardHelpOptions = true, description = "Summarisation: a BiGRU encoder and a pointer-generator GRU decoder with coverage.",
        subcommands = {SummarizeCommand.Train.class, SummarizeCommand.Eval.class, SummarizeCommand.Run.class})
final class SummarizeCommand implements Callable<Integer> {
    private static final String DATA = "An AESLC folder (a file per email: body, @subject, @ann0..2), a .jsonl file (document, summary) or a .tsv file.";

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    static List<SummaryData.Document> read(Path path) throws IOException {
        List<SummaryData.Document> docs = SummaryData.read(path, BadRows.FAIL).items();
        if (docs.isEmpty()) throw new IllegalArgumentException("no documents in " + path);
        return docs;
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train on documents and summaries; dev ROUGE-L (greedy) picks the epoch.")
    static final class Train implements Callable<Integer> {
        private static final Summarizer.Settings D = Summarizer.Settings.defaults();
        @Option(names = "--train", required = true, description = DATA) Path train;
        @Option(names = "--dev", required = true, description = "Dev data, in the same forms.") Path dev;
        @Option(names = "--model", required = true, description = "Folder for the model and checkpoints; must be empty, or see --resume and --overwrite.") Path model;
        @picocli.CommandLine.Mixin
        ModelFolderOptions folder = new ModelFolderOptions();
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        // Each option starts at the library's default (picocli shows a field's initial value as ${DEFAULT-VALUE}).
        @Option(names = "--no-pointer", description = "No copying: the plain sequence-to-sequence baseline with attention (with --no-coverage).")
        boolean noPointer = !D.model().pointer();
        @Option(names = "--no-coverage", description = "No coverage mechanism or loss.") boolean noCoverage = !D.model().coverage();
        @Option(names = "--coverage-weight", description = "Weight of the coverage loss (default: ${DEFAULT-VALUE}).") double coverageWeight = D.model().coverageWeight();
        @Option(names = "--coverage-from", description = "1-based epoch from which the coverage loss is added, as See et al. "
                + "add it in a final phase; 0 never (default: ${DEFAULT-VALUE}).") int coverageFrom = D.model().coverageFrom();
        @Option(names = "--vocab", description = "Vocabulary size, shared by documents and summaries (default: ${DEFAULT-VALUE}).") int vocab = D.text().vocabSize();
        @Option(names = "--min-freq", description = "Rarer words are outside the vocabulary (default: ${DEFAULT-VALUE}).") int minFreq = D.text().minFrequency();
        @Option(names = "--max-source", description = "Document tokens read, cut at sentence boundaries (default: ${DEFAULT-VALUE}).")
        int maxSource = D.text().maxSourceTokens();
        @Option(names = "--max-summary", description = "Summary tokens trained on (default: ${DEFAULT-VALUE}).") int maxSummary = D.text().maxSummaryTokens();
        @Option(names = "--embed-dim", description = "Embedding size (default: ${DEFAULT-VALUE}).") int embed = D.model().embedDim();
        @Option(names = "--encoder-hidden", description = "Encoder units per direction (default: ${DEFAULT-VALUE}).") int encoder = D.model().encoderHidden();
        @Option(names = "--decoder-hidden", description = "Decoder units, also the attention size (default: ${DEFAULT-VALUE}).") int decoder = D.model().decoderHidden();
        @Option(names = "--tokenizer", description = "Word tokenizer: " + org.grukit.nlp.text.Tokenizers.NAMES
                + " (default: ${DEFAULT-VALUE}).") String tokenizer = D.text().tokenizer();
        @Option(names = "--keep-case", description = "Do not lower-case.") boolean keepCase = !D.text().lowerCase();
        @Option(names = "--dropout", description = "Dropout (default: ${DEFAULT-VALUE}).") float dropout = D.model().dropout();
        @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N documents (0: all).") int limit;
        @picocli.CommandLine.Mixin
        TrainingOptions training = new TrainingOptions();

        @Override
        public Integer call() throws IOException {
            List<SummaryData.Document> tr = read(train), dv = read(dev);
            if (limit > 0 && limit < tr.size()) tr = tr.subList(0, limit);
            Summarizer.Settings s = new Summarizer.Settings(new Summarizer.Settings.Text(tokenizer, !keepCase, vocab, minFreq, maxSource, maxSummary),
                    new Summarizer.Settings.Network(embed, encoder, decoder, decoder, !noPointer, !noCoverage, coverageWeight, coverageFrom, dropout),
                    training.apply(D.training()));
            Summarizer.Trained t = Summarizer.train(tr, dv, s, folder.run(model, training.progress(),
                    spec.commandLine().getParseResult().originalArgs().toArray(new String[0])));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("train", tr.size());
            m.put("pointer", s.model().pointer());
            m.put("coverage", s.model().coverage());
            m.put("vocab", t.summarizer().text().vocabulary().size());
            m.put("dev_rougeL_greedy", Math.round(t.summary().best() * 100) / 100.0);
            m.put("best_epoch", t.summary().bestEpoch());
            m.put("epochs_run", t.summary().epochsRun());
            m.put("seconds", Math.round(t.summary().seconds() * 10) / 10.0);
            m.put("resumed", t.summary().resumed());
            m.put("threads", Parallel.threads());
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    static final class DecodeOptions {
        @Option(names = "--beam", defaultValue = "4", description = "Beam size; 1 is greedy (default: ${DEFAULT-VALUE}).") int beam;
        @Option(names = "--min-length", defaultValue = "1", description = "Fewest summary tokens (default: ${DEFAULT-VALUE}).") int minLength;
        @Option(names = "--max-length", defaultValue = "20", description = "Most summary tokens (default: ${DEFAULT-VALUE}).") int maxLength;
        @Option(names = "--length-penalty", defaultValue = "avg", description = "avg (log-probability per token), none, or gnmt:ALPHA "
                + "(default: ${DEFAULT-VALUE}).") String lengthPenalty;
        @Option(names = "--no-repeat-ngram", defaultValue = "3", description = "Never repeat an n-gram of this size; 0 allows any (default: ${DEFAULT-VALUE}).")
        int noRepeat;

        Summarizer.Decode decode() {
            if (beam < 1) throw new IllegalArgumentException("--beam must be >= 1 (1 is greedy), got " + beam);
            return new Summarizer.Decode(beam, minLength, maxLength, TranslateCommand.DecodeOptions.penalty(lengthPenalty), noRepeat);
        }
    }

    private static Map<String, Object> rouge(String prefix, Rouge.Scores s, Map<String, Object> m) {
        m.put(prefix + "rouge1", pct(s.rouge1().f1()));
        m.put(prefix + "rouge2", pct(s.rouge2().f1()));
        m.put(prefix + "rougeL", pct(s.rougeL().f1()));
        m.put(prefix + "rougeL_precision", pct(s.rougeL().precision()));
        m.put(prefix + "rougeL_recall", pct(s.rougeL().recall()));
        return m;
    }

    private static double pct(double x) {
        return Math.round(x * 10000) / 100.0;
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "ROUGE-1/2/L F1 (rouge-score's definitions, Porter stemming) against the "
            + "original summaries and, where present, the annotators' (best of), beside the lead baseline's, as a JSON line.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit summarize train'.") Path model;
        @Option(names = "--data", required = true, description = DATA) Path data;
        @Option(names = "--output", description = "Write the summaries here, one a line.") Path output;
        @Mixin DecodeOptions decode;

        @Override
        public Integer call() throws IOException {
            Summarizer s = Summarizer.load(model);
            List<SummaryData.Document> docs = read(data);
            long t0 = System.nanoTime();
            Summarizer.Scores sc = s.evaluate(docs, decode.decode());
            double seconds = (System.nanoTime() - t0) / 1e9;
            Lead lead = new Lead(SentenceSplitter.english());
            List<Summarizer.Summary> leads = new ArrayList<>();
            for (SummaryData.Document d : docs) {
                String first = lead.firstSentence(d.text(), 4);
                leads.add(new Summarizer.Summary(first, List.of(first.split(" ")), 0));
            }
            Summarizer.Scores base = Summarizer.score(docs, leads);
            Map<String, Object> m = new LinkedHashMap<>();
            rouge("", sc.original(), m);
            if (sc.annotators() != null) rouge("annotators_", sc.annotators(), m);
            m.put("count", sc.count());
            m.put("copied_oov_share", Math.round(sc.copiedShare() * 10000) / 10000.0);
            m.put("mean_length", Math.round(sc.meanLength() * 100) / 100.0);
            rouge("lead_", base.original(), m);
            if (base.annotators() != null) rouge("lead_annotators_", base.annotators(), m);
            m.put("beam", decode.beam);
            m.put("seconds", Math.round(seconds * 100) / 100.0);
            if (output != null) Files.write(output, sc.summaries());
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Summarise documents: each FILE, or else standard input a document a line.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model folder from 'grukit summarize train'.") Path model;
        @Mixin DecodeOptions decode;
        @Parameters(arity = "0..*", paramLabel = "FILE", description = "Documents, one a file.") List<Path> files;

        @Override
        public Integer call() throws IOException {
            Summarizer s = Summarizer.load(model);
            Summarizer.Decode d = decode.decode();
            if (files == null || files.isEmpty()) {
                StdIo.stream((lines, index) -> s.summarize(lines, d).stream().map(Summarizer.Summary::text).toList());
                return 0;
            }
            List<String> docs = new ArrayList<>();
            for (Path f : files) docs.add(Files.readString(f));
            java.io.PrintStream out = StdIo.out();
            for (Summarizer.Summary sum : s.summarize(docs, d)) out.print(sum.text() + "\n");
            out.flush();
            return 0;
        }
    }
}

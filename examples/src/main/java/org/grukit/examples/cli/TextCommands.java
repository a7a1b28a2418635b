package org.grukit.examples.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grukit.core.train.JsonLines;
import org.grukit.nlp.data.TextFiles;
import org.grukit.nlp.text.Bpe;
import org.grukit.nlp.text.Normalizer;
import org.grukit.nlp.text.OpenNlpTokenizer;
import org.grukit.nlp.text.Tokenizer;
import org.grukit.nlp.text.Tokenizers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grukit tokenize}, {@code grukit bpe train|encode|decode} and {@code grukit tokenizer train}: the text
 * pipeline's tokenizers on standard input and output, a line in, a line out, in UTF-8.
 */
final class TextCommands {
    private TextCommands() {}

    /** Applies {@code f} to each line of standard input, writing each result as a line of standard output. */
    static void eachLine(LineFunction f) throws IOException {
        BufferedReader in = StdIo.in();
        PrintStream out = StdIo.out();
        for (String line; (line = in.readLine()) != null; ) {
            out.print(f.apply(line));
            out.print('\n');
        }
        out.flush();
    }

    interface LineFunction {
        String apply(String line);
    }

    @Command(name = "tokenize", mixinStandardHelpOptions = true,
            description = "Tokens of each line of standard input, separated by spaces, a line out per line in.")
    static final class Tokenize implements Callable<Integer> {
        @Option(names = "--tokenizer", defaultValue = "simple",
                description = "simple, whitespace, char, opennlp-en (Apache's English TokenizerME), model:FILE (an OpenNLP"
                        + " tokenizer model) or bpe:FILE (default: ${DEFAULT-VALUE}).")
        String tokenizer;
        @Option(names = "--lower", description = "Lower-case first.")
        boolean lower;
        @Option(names = "--nfkc", description = "Unicode NFKC normalization first.")
        boolean nfkc;

        @Override
        public Integer call() throws IOException {
            Tokenizer t = new Normalizer(lower, nfkc).wrap(Tokenizers.of(tokenizer, Path.of("")));
            eachLine(line -> String.join(" ", t.words(line)));
            return 0;
        }
    }

    @Command(name = "bpe", mixinStandardHelpOptions = true, description = "Byte-pair encoding: train a model, encode, decode.",
            subcommands = {BpeTrain.class, BpeEncode.class, BpeDecode.class})
    static final class BpeCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            new CommandLine(this).usage(System.out);
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Learn BPE merges on text files (a line at a time) up to a vocabulary size; prints a JSON line.")
    static final class BpeTrain implements Callable<Integer> {
        @Option(names = "--vocab-size", required = true, description = "Pieces in all: 256 bytes, the space, the alphabet, merges.")
        int vocabSize;
        @Option(names = "--coverage", defaultValue = "0.9999", description = "Share of characters the alphabet covers; the rest"
                + " become bytes (default: ${DEFAULT-VALUE}).")
        double coverage;
        @Option(names = "--charset", defaultValue = "UTF-8", description = "Charset of the corpus files (default: ${DEFAULT-VALUE}).")
        String charset;
        @Option(names = {"-o", "--output"}, required = true, description = "The model file (JSON) to write.")
        Path output;
        @Parameters(arity = "1..*", description = "Corpus files, a text a line.")
        List<Path> corpus;

        @Override
        public Integer call() throws IOException {
            long t0 = System.nanoTime();
            List<String> lines = new ArrayList<>();
            for (Path p : corpus) lines.addAll(TextFiles.readLines(p, Charset.forName(charset)));
            Bpe bpe = Bpe.train(lines, vocabSize, coverage);
            bpe.save(output);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", output.toString());
            m.put("vocab_size", bpe.vocabSize());
            m.put("lines", lines.size());
            m.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            System.out.println(JsonLines.of(m));
            return 0;
        }
    }

    @Command(name = "encode", mixinStandardHelpOptions = true, description = "Pieces of each line of standard input, separated by spaces.")
    static final class BpeEncode implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model from 'grukit bpe train'.")
        Path model;
        @Option(names = "--ids", description = "Write piece ids instead of pieces.")
        boolean ids;

        @Override
        public Integer call() throws IOException {
            Bpe bpe = Bpe.load(model);
            eachLine(line -> {
                int[] encoded = bpe.encode(line);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < encoded.length; i++) {
                    if (i > 0) sb.append(' ');
                    sb.append(ids ? Integer.toString(encoded[i]) : bpe.piece(encoded[i]));
                }
                return sb.toString();
            });
            return 0;
        }
    }

    @Command(name = "decode", mixinStandardHelpOptions = true,
            description = "Text of each line of space-separated pieces (or ids with --ids): the inverse of encode.")
    static final class BpeDecode implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "A model from 'grukit bpe train'.")
        Path model;
        @Option(names = "--ids", description = "Read piece ids instead of pieces.")
        boolean ids;

        @Override
        public Integer call() throws IOException {
            Bpe bpe = Bpe.load(model);
            eachLine(line -> {
                if (line.isEmpty()) return "";
                String[] parts = line.split(" ", -1);
                if (!ids) return bpe.decodePieces(List.of(parts));
                int[] seq = new int[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    try {
                        seq[i] = Integer.parseInt(parts[i]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("expected piece ids, found '" + parts[i] + "' at position " + i);
                    }
                }
                return bpe.decode(seq);
            });
            return 0;
        }
    }

    @Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "OpenNLP's learnable tokenizer.",
            subcommands = {TokenizerTrain.class})
    static final class TokenizerCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            new CommandLine(this).usage(System.out);
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a TokenizerME model on OpenNLP's training format (tokens split by spaces or <SPLIT>).")
    static final class TokenizerTrain implements Callable<Integer> {
        @Option(names = "--lang", defaultValue = "en", description = "Language code stored in the model (default: ${DEFAULT-VALUE}).")
        String lang;
        @Option(names = "--iterations", defaultValue = "100", description = "Maximum-entropy training iterations (default: ${DEFAULT-VALUE}).")
        int iterations;
        @Option(names = "--cutoff", defaultValue = "5", description = "Features seen fewer times are dropped (default: ${DEFAULT-VALUE}).")
        int cutoff;
        @Option(names = {"-o", "--output"}, required = true, description = "The model file to write (use with --tokenizer model:FILE).")
        Path output;
        @Parameters(index = "0", description = "Training data, a sentence a line.")
        Path data;

        @Override
        public Integer call() throws IOException {
            OpenNlpTokenizer.train(data, output, lang, iterations, cutoff);
            System.err.println("wrote " + output);
            return 0;
        }
    }
}

package org.grukit.examples.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Standard input and output as the line-oriented commands use them: UTF-8 whatever the platform charset is. */
final class StdIo {
    private StdIo() {}

    static BufferedReader in() {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** UTF-8 bytes through System.out's byte path (so tests that replace System.out see them too). */
    static PrintStream out() {
        return new PrintStream((java.io.OutputStream) System.out, false, StandardCharsets.UTF_8);
    }

    /**
     * The answers to a batch of non-empty input lines, one per line (an answer may span several output lines);
     * {@code lineIndex[i]} is line i's 0-based position in the whole input.
     */
    interface Answers {
        List<String> answer(List<String> lines, int[] lineIndex) throws IOException;
    }

    /** Lines answered at most together: enough to batch a model well, few enough to answer a pipe promptly. */
    static final int STREAM_BATCH = 64;

    /**
     * Answers standard input as it comes: the lines already waiting (up to {@value #STREAM_BATCH}) go to the model
     * together, and their answers are printed in order and flushed before more input is read, so a command works
     * behind a pipe or typed at. An empty input line gets an empty output line without asking the model.
     */
    static void stream(Answers answers) throws IOException {
        BufferedReader in = in();
        PrintStream out = out();
        int index = 0;
        for (String line; (line = in.readLine()) != null; ) {
            List<String> batch = new ArrayList<>();
            batch.add(line);
            // Whatever has already arrived joins this batch; nothing waits for input that has not.
            while (batch.size() < STREAM_BATCH && in.ready() && (line = in.readLine()) != null) batch.add(line);
            List<String> texts = new ArrayList<>();
            int[] where = new int[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).isBlank()) continue;
                where[texts.size()] = index + i;
                texts.add(batch.get(i));
            }
            List<String> said = texts.isEmpty() ? List.of() : answers.answer(texts, java.util.Arrays.copyOf(where, texts.size()));
            int k = 0;
            for (String b : batch) out.print((b.isBlank() ? "" : said.get(k++)) + "\n");
            out.flush();
            index += batch.size();
        }
    }
}

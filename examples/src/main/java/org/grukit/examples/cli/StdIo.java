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

    static List<String> lines() throws IOException {
        List<String> out = new ArrayList<>();
        BufferedReader r = in();
        for (String line; (line = r.readLine()) != null; ) out.add(line);
        return out;
    }
}

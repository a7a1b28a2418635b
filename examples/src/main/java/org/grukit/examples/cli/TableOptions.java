package org.grukit.examples.cli;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import org.grukit.nlp.sentiment.SentimentData;
import picocli.CommandLine.Option;

/** How a table of labelled texts is read (columns, charset, malformed rows), the same on every command that reads one. */
final class TableOptions {
    @Option(names = "--text-column", description = "The text's column: a header name or a 0-based index (default: sentence or text, "
            + "else the first; the choice is reported).")
    String text;
    @Option(names = "--label-column", description = "The label's column: a header name or a 0-based index (default: label, else the last).")
    String label;
    @Option(names = "--charset", description = "The files' charset (default: UTF-8; MR's folder windows-1252).")
    String charset;
    @Option(names = "--skip-bad-rows", description = "Skip and count malformed rows instead of stopping.")
    boolean skipBad;

    SentimentData.Columns columns() {
        Charset cs = null;
        if (charset != null) {
            try {
                cs = Charset.forName(charset);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new IllegalArgumentException("--charset " + charset + " is not a charset this JVM knows (UTF-8, ISO-8859-1, windows-1252, ...)");
            }
        }
        return new SentimentData.Columns(text, label, cs);
    }
}

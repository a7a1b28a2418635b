package org.grukit.nlp.metrics;

import java.util.ArrayList;
import java.util.List;

/** White space as Python's str.split() and str.rstrip() see it, so tokenizations match the Python references. */
final class Text {
    private Text() {}

    static boolean isSpace(int cp) {
        // Python's str.isspace(): Unicode white space plus the ASCII separators 0x1C-0x1F.
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || (cp >= 0x1C && cp <= 0x1F) || cp == 0x85;
    }

    static List<String> splitWhitespace(String s) {
        List<String> out = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            while (i < n && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            int start = i;
            while (i < n && !isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            if (i > start) out.add(s.substring(start, i));
        }
        return out;
    }

    static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) end--;
        return s.substring(0, end);
    }

    /** The string without any white space. */
    static String removeWhitespace(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!isSpace(cp)) sb.appendCodePoint(cp);
            i += Character.charCount(cp);
        }
        return sb.toString();
    }
}

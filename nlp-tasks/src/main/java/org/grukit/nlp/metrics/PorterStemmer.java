package org.grukit.nlp.metrics;

import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter stemmer (Porter 1980) with the changes NLTK makes in its default mode (NLTK_EXTENSIONS), which is the
 * stemmer Google's rouge-score uses: a few irregular forms, words of one or two letters kept, IES/IED of four-letter
 * words to IE, Y to I only after a consonant, recursive ALLI, BLI/FULLI/LOGI in step 2, and a two-letter
 * vowel-consonant stem counting as *o. Apache OpenNLP's stemmer is Porter's own C version, which differs from this
 * on about 2% of English words. Input is lower-cased; safe to share between threads.
 */
public final class PorterStemmer {
    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"), Map.entry("dying", "die"), Map.entry("lying", "lie"),
            Map.entry("tying", "tie"), Map.entry("news", "news"), Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"), Map.entry("cannings", "canning"),
            Map.entry("canning", "canning"), Map.entry("howe", "howe"), Map.entry("proceed", "proceed"),
            Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    public String stem(String word) {
        String w = word.toLowerCase(java.util.Locale.ROOT);
        String irregular = IRREGULAR.get(w);
        if (irregular != null) return irregular;
        if (w.length() <= 2) return w;
        w = step1a(w);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = step3(w);
        w = step4(w);
        w = step5a(w);
        return step5b(w);
    }

    // ---------------------------------------------------------------- the word's shape

    private static boolean consonant(String w, int i) {
        char c = w.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') return false;
        if (c == 'y') return i == 0 || !consonant(w, i - 1);
        return true;
    }

    /** m in [C](VC){m}[V]: the number of vowel-to-consonant changes. */
    private static int measure(String stem) {
        int m = 0;
        for (int i = 1; i < stem.length(); i++) if (!consonant(stem, i - 1) && consonant(stem, i)) m++;
        return m;
    }

    private static boolean positive(String stem) {
        return measure(stem) > 0;
    }

    private static boolean hasVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) if (!consonant(stem, i)) return true;
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && consonant(w, n - 1);
    }

    /** *o: ends consonant-vowel-consonant, the last not w, x or y; or is a two-letter vowel-consonant stem. */
    private static boolean endsCvc(String w) {
        int n = w.length();
        if (n >= 3 && consonant(w, n - 3) && !consonant(w, n - 2) && consonant(w, n - 1)) {
            char c = w.charAt(n - 1);
            return c != 'w' && c != 'x' && c != 'y';
        }
        return n == 2 && !consonant(w, 0) && consonant(w, 1);
    }

    // ---------------------------------------------------------------- rules

    /** A suffix, its replacement, and the condition on the stem left without the suffix (null: always). */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {}

    /**
     * The first rule whose suffix the word ends with decides: applied when its condition holds, otherwise the word
     * is returned unchanged (later rules are not tried).
     */
    private static String apply(String w, Rule... rules) {
        for (Rule r : rules) {
            if (w.endsWith(r.suffix())) {
                String stem = w.substring(0, w.length() - r.suffix().length());
                return r.condition() == null || r.condition().test(stem) ? stem + r.replacement() : w;
            }
        }
        return w;
    }

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) return w.substring(0, 1) + "ie";
        return apply(w, new Rule("sses", "ss", null), new Rule("ies", "i", null), new Rule("ss", "ss", null), new Rule("s", "", null));
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) return w.length() == 4 ? w.substring(0, 1) + "ie" : w.substring(0, w.length() - 3) + "i";
        if (w.endsWith("eed")) {
            String stem = w.substring(0, w.length() - 3);
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem = null;
        for (String suffix : new String[] {"ed", "ing"}) {
            if (w.endsWith(suffix) && hasVowel(w.substring(0, w.length() - suffix.length()))) {
                stem = w.substring(0, w.length() - suffix.length());
                break;
            }
        }
        if (stem == null) return w;
        if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) return stem + "e";
        if (endsDoubleConsonant(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last != 'l' && last != 's' && last != 'z' ? stem.substring(0, stem.length() - 1) : stem;
        }
        return measure(stem) == 1 && endsCvc(stem) ? stem + "e" : stem;
    }

    private static String step1c(String w) {
        return apply(w, new Rule("y", "i", stem -> stem.length() > 1 && consonant(stem, stem.length() - 1)));
    }

    private static String step2(String w) {
        if (w.endsWith("alli") && positive(w.substring(0, w.length() - 4))) return step2(w.substring(0, w.length() - 4) + "al");
        Predicate<String> p = PorterStemmer::positive;
        String whole = w;
        return apply(w, new Rule("ational", "ate", p), new Rule("tional", "tion", p), new Rule("enci", "ence", p),
                new Rule("anci", "ance", p), new Rule("izer", "ize", p), new Rule("bli", "ble", p), new Rule("alli", "al", p),
                new Rule("entli", "ent", p), new Rule("eli", "e", p), new Rule("ousli", "ous", p), new Rule("ization", "ize", p),
                new Rule("ation", "ate", p), new Rule("ator", "ate", p), new Rule("alism", "al", p), new Rule("iveness", "ive", p),
                new Rule("fulness", "ful", p), new Rule("ousness", "ous", p), new Rule("aliti", "al", p), new Rule("iviti", "ive", p),
                new Rule("biliti", "ble", p), new Rule("fulli", "ful", p),
                // LOGI -> LOG, the measure taken without "ogi", so "l" counts towards it
                new Rule("logi", "log", stem -> positive(whole.substring(0, whole.length() - 3))));
    }

    private static String step3(String w) {
        Predicate<String> p = PorterStemmer::positive;
        return apply(w, new Rule("icate", "ic", p), new Rule("ative", "", p), new Rule("alize", "al", p), new Rule("iciti", "ic", p),
                new Rule("ical", "ic", p), new Rule("ful", "", p), new Rule("ness", "", p));
    }

    private static String step4(String w) {
        Predicate<String> m1 = stem -> measure(stem) > 1;
        return apply(w, new Rule("al", "", m1), new Rule("ance", "", m1), new Rule("ence", "", m1), new Rule("er", "", m1),
                new Rule("ic", "", m1), new Rule("able", "", m1), new Rule("ible", "", m1), new Rule("ant", "", m1),
                new Rule("ement", "", m1), new Rule("ment", "", m1), new Rule("ent", "", m1),
                new Rule("ion", "", stem -> measure(stem) > 1 && (stem.endsWith("s") || stem.endsWith("t"))),
                new Rule("ou", "", m1), new Rule("ism", "", m1), new Rule("ate", "", m1), new Rule("iti", "", m1),
                new Rule("ous", "", m1), new Rule("ive", "", m1), new Rule("ize", "", m1));
    }

    private static String step5a(String w) {
        if (!w.endsWith("e")) return w;
        String stem = w.substring(0, w.length() - 1);
        int m = measure(stem);
        return m > 1 || (m == 1 && !endsCvc(stem)) ? stem : w;
    }

    private static String step5b(String w) {
        return w.endsWith("ll") && measure(w.substring(0, w.length() - 1)) > 1 ? w.substring(0, w.length() - 1) : w;
    }
}

package org.grukit.nlp.data;

/** A source text and its target (a translation, a summary). */
public record TextPair(String source, String target, String origin) {}

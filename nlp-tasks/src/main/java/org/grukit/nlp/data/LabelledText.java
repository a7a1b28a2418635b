package org.grukit.nlp.data;

/** A text and its label (as written in the file), for classification. */
public record LabelledText(String text, String label, String origin) {}

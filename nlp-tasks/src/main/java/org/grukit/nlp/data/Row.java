package org.grukit.nlp.data;

import java.util.List;

/** One record of a delimited or JSON-lines file, and where it came from ({@code file:line}). */
public record Row(List<String> fields, String origin) {}

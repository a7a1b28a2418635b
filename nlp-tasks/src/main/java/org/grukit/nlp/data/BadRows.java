package org.grukit.nlp.data;

/** What a reader does with a malformed row: stop with an error naming file and line, or skip it and count it. */
public enum BadRows { FAIL, SKIP }

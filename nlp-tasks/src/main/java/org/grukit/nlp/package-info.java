/**
 * The NLP tasks (sentiment, translation, summarisation, speech recognition, forecasting) and the shared text
 * pipeline they read text through: {@code org.grukit.nlp.text} (tokenizers, subwords, vocabularies, batches)
 * and {@code org.grukit.nlp.data} (dataset readers).
 */
package org.grukit.nlp;

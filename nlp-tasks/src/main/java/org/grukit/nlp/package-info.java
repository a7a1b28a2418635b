/** The shared text pipeline and the NLP, speech and forecasting tasks. */
package org.grukit.nlp;

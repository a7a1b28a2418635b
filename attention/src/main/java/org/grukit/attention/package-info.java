/** Attention layers, attention decoders, hybrid layers and GRU variants built on gru-core. */
package org.grukit.attention;

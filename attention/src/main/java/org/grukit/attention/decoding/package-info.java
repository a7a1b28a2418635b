/** Decoders that attend (Bahdanau and Luong attention GRU decoders, the pointer-generator with coverage), the copy mixture, and greedy and beam search. */
package org.grukit.attention.decoding;

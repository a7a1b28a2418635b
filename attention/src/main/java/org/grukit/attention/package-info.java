/**
 * Attention layers (additive, Luong, multi-head, attention pooling) and their masks; decoders, recurrent variants and
 * hybrid layers are in the sub-packages {@code decoding}, {@code recurrent} and {@code hybrid}.
 */
package org.grukit.attention;

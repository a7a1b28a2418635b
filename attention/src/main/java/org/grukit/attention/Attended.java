package org.grukit.attention;

import org.grukit.core.Tensor;

/**
 * What an attention returns: the attended values ({@code context}) and the weights that produced them,
 * so callers can show them (heatmaps, explanations). Shapes are given by each attention.
 */
public record Attended(Tensor context, Tensor weights) {}

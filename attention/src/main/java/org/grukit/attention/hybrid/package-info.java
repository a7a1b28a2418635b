/** Hybrid layers: stacked GRUs with residual or highway connections, and the strided 1-D convolution used as a front end. */
package org.grukit.attention.hybrid;

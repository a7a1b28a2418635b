/** The recurrent cells beside the core GRU (minGRU, tau-GRU, light GRU, plain RNN, the reset-before GRU through GruVariant), their bidirectional wrapper, and the parallel linear scan. */
package org.grukit.attention.recurrent;

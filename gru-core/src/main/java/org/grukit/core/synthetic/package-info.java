/** Synthetic data for demonstrations and benchmarks (the adding problem), apart from the core's own data handling. */
package org.grukit.core.synthetic;

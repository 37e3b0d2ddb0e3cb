/** The {@code fastest} crypto provider: each primitive from the implementation measured fastest (BENCHMARKS.md). */
package io.postern.crypto.fastest;

/** JMH benchmarks of the crypto providers, each measured against baselines from the same run. */
package io.postern.bench;

/** Load generators that drive real Postern sessions over loopback, against baselines measured in the same run. */
package io.postern.bench.load;

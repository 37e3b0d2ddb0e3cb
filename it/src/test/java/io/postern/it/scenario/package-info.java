/**
 * End-to-end scenarios over real UDP on 127.0.0.1 between real nodes (the gateway and Java peers,
 * each a {@code PosternNode} with real Guice wiring), using only the public APIs.
 */
package io.postern.it.scenario;

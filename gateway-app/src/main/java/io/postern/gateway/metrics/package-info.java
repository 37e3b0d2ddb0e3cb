/**
 * Prometheus metrics of a running gateway, written in the Prometheus text exposition format
 * (version 0.0.4) from the engine's counters and served over HTTP on a loopback address only.
 */
package io.postern.gateway.metrics;

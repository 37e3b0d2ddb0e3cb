/**
 * Why a received datagram was dropped ({@link io.postern.event.DropReason}, one counter each, each
 * in a category), and {@link io.postern.event.ThrottledCounts}, the counters with at most one log
 * line per interval that every module counting traffic-caused events uses.
 */
package io.postern.event;

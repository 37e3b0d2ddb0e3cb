/** Why a received datagram was dropped: {@link io.postern.event.DropReason}, one counter each. */
package io.postern.event;

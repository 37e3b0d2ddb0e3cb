/** UDP sockets, their receive thread and buffers: the {@code udp} transport. */
package io.postern.transport.udp;
